// The sign-in limits, as pure rules over the counts the store keeps (see service/sign-in.ts for the
// order they are applied in). Two counters per email, both counted BEFORE the password is hashed:
// - per (client address, email): five attempts, then that address is refused for that email until
//   15 minutes pass without an attempt (a retry while blocked restarts the 15 minutes: a guesser
//   that keeps trying stays blocked). It blocks the guesser's address, never the account, so an
//   attacker cannot lock the real admin out by failing on purpose from elsewhere. A success clears it.
// - per email, every address together: past 50 attempts without an hour's quiet, each further
//   attempt waits a growing delay before its password is checked. A distributed guesser (many addresses, five each)
//   pays that wait on every guess, while the real admin is only slowed, never refused: a refusal
//   here (429 for everyone) would hand the attacker the lock-out the per-pair limit avoids.

/** How the email-wide counter is stored: the address column holds this instead of an address. */
export const EVERY_ADDRESS = "*";
/** Stands for a request whose client address is unknown (no socket address). */
export const UNKNOWN_ADDRESS = "unknown";

export const SIGN_IN_LIMITS = {
  /** Attempts per (address, email) before it is refused; the quiet time that clears it. */
  perAddress: 5,
  perAddressWindowMs: 15 * 60_000,
  /** Attempts per email (all addresses) before the delay starts; the quiet time that clears it. */
  perEmailBeforeDelay: 50,
  perEmailWindowMs: 60 * 60_000,
  /** The delay of the first attempt past the threshold; it doubles every `delayDoublesEvery` more. */
  firstDelayMs: 250,
  delayDoublesEvery: 10,
  maxDelayMs: 10_000,
  /** Rows untouched for this long are removed (the longest window, with margin). */
  keepMs: 2 * 60 * 60_000,
} as const;

/** One counter as the store returns it after counting an attempt. */
export interface AttemptCount {
  /** Attempts in the current run (no quiet gap as long as the window), this one included. */
  attempts: number;
  windowStart: Date;
}

/** A counter whose last attempt was at or before this instant starts again from 1. */
export function windowCutoff(now: Date, windowMs: number): Date {
  return new Date(now.getTime() - windowMs);
}

/**
 * Seconds until the (address, email) pair may try again, or 0 while it is under the limit: the
 * whole quiet window, since this refused attempt was counted too.
 */
export function pairRetryAfterSeconds(count: AttemptCount): number {
  return count.attempts <= SIGN_IN_LIMITS.perAddress ? 0 : SIGN_IN_LIMITS.perAddressWindowMs / 1000;
}

/** The wait before checking the password, from the email's attempts this hour: 0 up to 50. */
export function emailDelayMs(count: AttemptCount): number {
  const over = count.attempts - SIGN_IN_LIMITS.perEmailBeforeDelay;
  if (over <= 0) return 0;
  const delay = SIGN_IN_LIMITS.firstDelayMs * 2 ** ((over - 1) / SIGN_IN_LIMITS.delayDoublesEvery);
  return Math.min(SIGN_IN_LIMITS.maxDelayMs, Math.round(delay));
}

/** Why a sign-in failed, as the audit event's reason says it (never the password). */
export const SIGN_IN_FAILURES = {
  bad_credentials: "bad credentials",
  no_console_role: "no console role",
  disabled: "account disabled",
  rate_limited: "rate limited",
} as const;
export type SignInFailure = keyof typeof SIGN_IN_FAILURES;
