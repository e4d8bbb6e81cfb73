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

/** Fields drivers put on errors that carry statement text or bound values (postgres.js, drizzle). */
const STATEMENT_FIELDS = new Set(["query", "params", "parameters", "args", "types", "sql"]);

/** drizzle's DrizzleQueryError message: "Failed query: <sql>\nparams: <values>". */
const FAILED_QUERY = /Failed query: [\s\S]*?\nparams: [^\n]*/g;
const scrub = (text: string) =>
  text.replace(FAILED_QUERY, "Failed query (statement and parameters not logged)");

/**
 * pino's err serializer, minus statements and their parameters: a failed query's parameters can
 * be a token's or an API key's hash, an email, a password hash. The driver's own message and code
 * (ECONNREFUSED, SQLITE_FULL, 57P01) stay, down the cause chain, which is what a fault needs.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) return error;
  const out: Record<string, unknown> = {
    type: error.constructor.name,
    message: scrub(error.message),
    stack: error.stack === undefined ? undefined : scrub(error.stack),
  };
  for (const [key, value] of Object.entries(error)) {
    if (!STATEMENT_FIELDS.has(key) && key !== "cause" && key !== "message" && key !== "stack")
      out[key] = value;
  }
  if (error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

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
      serializers: { err: serializeError },
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
