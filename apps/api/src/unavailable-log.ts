// Database faults in the log. During an outage every call is answered 503, so one warn line per
// second at most says so, with the reason (unreachable, timeout, busy, storage_full, read_only), how many
// calls were refused since the last line, and the driver's error without its SQL or parameters
// (logger.ts). One line per second is enough to date an outage; a line per call would bury it.
import { UnavailableError } from "@sessions/core";
import type { TRPCError } from "@trpc/server";
import type { Logger } from "./logger.js";

export function createUnavailableLog(
  logger: Logger,
  options: { intervalMs?: number; now?: () => number } = {},
): (error: TRPCError) => void {
  const intervalMs = options.intervalMs ?? 1_000;
  const now = options.now ?? Date.now;
  let lastAt = -Infinity;
  let suppressed = 0;
  return (error) => {
    const at = now();
    if (at - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = at;
    const cause = error.cause instanceof UnavailableError ? error.cause : null;
    logger.warn(
      { reason: cause?.reason ?? "unknown", refusedSinceLastLine: suppressed, err: cause?.cause ?? cause },
      "database unavailable: answered 503",
    );
    suppressed = 0;
  };
}
