// Sign-in throttling. A fixed-window counter in this process's memory: enough for one instance; with
// several API instances on one Postgres each instance counts on its own (the effective limit is
// multiplied by the number of instances). Replace `RateLimiter` to share counts (e.g. in Redis).

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Whether `key` is still under its limit, without counting anything. */
  check(key: string): RateDecision;
  /** Counts one hit against `key`. */
  hit(key: string): void;
  /** Forgets `key` (e.g. after a successful sign-in). */
  reset(key: string): void;
}

export interface FixedWindowOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Entries are swept once the map grows past this, so memory stays bounded under attack. */
  maxKeys?: number;
}

export function createFixedWindowLimiter(options: FixedWindowOptions): RateLimiter {
  const { limit, windowMs } = options;
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const windows = new Map<string, { count: number; resetAt: number }>();

  function current(key: string) {
    const entry = windows.get(key);
    if (entry && entry.resetAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep() {
    const at = now();
    for (const [key, entry] of windows) if (entry.resetAt <= at) windows.delete(key);
  }

  return {
    check(key) {
      const entry = current(key);
      if (!entry || entry.count < limit) return { allowed: true, retryAfterSeconds: 0 };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.resetAt - now()) / 1000)) };
    },
    hit(key) {
      const entry = current(key);
      if (entry) entry.count += 1;
      else {
        if (windows.size >= maxKeys) sweep();
        windows.set(key, { count: 1, resetAt: now() + windowMs });
      }
    },
    reset(key) {
      windows.delete(key);
    },
  };
}

/** The two sign-in limits: attempts per client IP, and failed attempts per email address. */
export interface LoginRateLimits {
  perIp: RateLimiter;
  perEmail: RateLimiter;
}

export function createLoginRateLimits(now?: () => number): LoginRateLimits {
  return {
    perIp: createFixedWindowLimiter({ limit: 20, windowMs: 60_000, now }),
    perEmail: createFixedWindowLimiter({ limit: 5, windowMs: 15 * 60_000, now }),
  };
}
