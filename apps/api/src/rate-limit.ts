// Sign-in throttling by client address, in this process's memory: a cheap first gate (20 attempts
// a minute per address, whatever the email) that refuses a flood before it writes to the store.
// With several instances each counts on its own, which is acceptable for this gate only: the
// limits that hold across instances (per address and email, per email) are counted in the store by
// sessions-core (service/sign-in.ts).

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

/** The in-process sign-in limit: attempts per client IP. */
export interface LoginRateLimits {
  perIp: RateLimiter;
}

export function createLoginRateLimits(now?: () => number): LoginRateLimits {
  return {
    perIp: createFixedWindowLimiter({ limit: 20, windowMs: 60_000, now }),
  };
}
