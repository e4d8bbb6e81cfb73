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

export function createLogger(options: { level: LevelWithSilent; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "sessions-api" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
