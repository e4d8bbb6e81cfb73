// The security log's second half (the first is auth.login_failed in the audit log): authorization
// refusals (FORBIDDEN, UNAUTHORIZED) logged at warn, naming who was refused what, never a secret
// (no input, no header, no token: the caller is named by id). A caller hammering a forbidden
// procedure must not flood the log, so each caller has a small token bucket: a burst of a few
// lines, then a few a second; the lines dropped meanwhile are counted on the next one written.
import type { Logger } from "./logger.js";

export interface Refusal {
  code: "FORBIDDEN" | "UNAUTHORIZED";
  procedure: string | undefined;
  /** "user:<id>", "api_key:<id>" or "anonymous:<ip>": who the bucket belongs to. */
  caller: string;
  ip: string | null;
  /** Why, in the API's own words (FORBIDDEN's message: which scope or role was missing). */
  reason: string | null;
}

export interface RefusalLogOptions {
  logger: Logger;
  /** Lines a caller may write at once. */
  burst?: number;
  /** Lines a second a caller regains. */
  perSecond?: number;
  now?: () => number;
  /** Buckets are swept past this many, so memory stays bounded when many callers are refused. */
  maxCallers?: number;
}

export function createRefusalLog(options: RefusalLogOptions): (refusal: Refusal) => void {
  const { logger } = options;
  const burst = options.burst ?? 5;
  const perSecond = options.perSecond ?? 2;
  const now = options.now ?? Date.now;
  const maxCallers = options.maxCallers ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number; suppressed: number }>();

  function bucketOf(caller: string, at: number) {
    let bucket = buckets.get(caller);
    if (!bucket) {
      // Full buckets hold nothing worth keeping: dropping them forgets no suppressed count.
      if (buckets.size >= maxCallers) {
        for (const [key, b] of buckets) if (b.suppressed === 0) buckets.delete(key);
        if (buckets.size >= maxCallers) buckets.clear();
      }
      bucket = { tokens: burst, at, suppressed: 0 };
      buckets.set(caller, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
    bucket.at = at;
    return bucket;
  }

  return (refusal) => {
    const bucket = bucketOf(refusal.caller, now());
    if (bucket.tokens < 1) {
      bucket.suppressed += 1;
      return;
    }
    bucket.tokens -= 1;
    const suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    logger.warn(
      {
        event: "authz.refused",
        code: refusal.code,
        procedure: refusal.procedure,
        caller: refusal.caller,
        ip: refusal.ip,
        reason: refusal.reason,
        ...(suppressed > 0 ? { suppressed } : {}),
      },
      "authorization refused",
    );
  };
}
