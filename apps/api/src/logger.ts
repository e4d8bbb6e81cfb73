// Structured logs (pino). Secrets never reach a log line: request headers that carry them and any
// field named like a credential are redacted, and request logs name procedures, never inputs.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  "password",
  "token",
  "key",
  "*.password",
  "*.token",
  "*.key",
  "*.apiKey",
];

/**
 * Standard output, buffered: one write(2) per ~4 KiB of log lines instead of one per request line
 * (every request logs one). A quiet server still shows each line within FLUSH_INTERVAL_MS, and pino
 * writes what is left synchronously when the process exits, however it exits (main.ts also flushes
 * before a graceful shutdown's exit). What a SIGKILL interrupts is lost: at most a buffer's worth.
 */
const BUFFER_BYTES = 4096;
const FLUSH_INTERVAL_MS = 250;

export function createLogger(options: { level: LevelWithSilent; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "sessions-api" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ??
      pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES, periodicFlush: FLUSH_INTERVAL_MS }),
  );
}

/** Writes out buffered log lines (before a deliberate exit); never rejects. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}
