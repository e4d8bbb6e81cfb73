// Console sign-in: the limits, the password check and the security log, in the order that makes
// the limits hold. Every attempt is counted in the store BEFORE its password is hashed (one upsert
// per counter, so concurrent attempts each get their own count and 20 guesses sent at once cannot
// all pass a limit of five); refused and failed attempts are audit events (auth.login_failed).
// The thresholds and the delay curve are domain/sign-in.ts; the router only calls signIn.
import { LIMITS } from "../vocab.js";
import {
  EVERY_ADDRESS,
  SIGN_IN_FAILURES,
  SIGN_IN_LIMITS,
  UNKNOWN_ADDRESS,
  emailDelayMs,
  pairRetryAfterSeconds,
  windowCutoff,
  type SignInFailure,
} from "../domain/sign-in.js";
import type { User } from "../domain/types.js";
import { toUser, type ServiceContext } from "./context.js";
import { passwordChecker } from "./passwords.js";

export interface SignInInput {
  email: string;
  password: string;
  /** The client address (after TRUST_PROXY); null when unknown. */
  ip: string | null;
  userAgent: string | null;
}

export type SignInResult =
  | { ok: true; user: User; delayedMs: number }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number }
  | { ok: false; reason: Exclude<SignInFailure, "rate_limited">; delayedMs: number };

export interface ReauthInput {
  /** The caller's console session (from the cookie the API authenticated) and its user. */
  sessionId: string;
  userId: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

export type ReauthResult =
  | { ok: true; authenticatedAt: Date }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number }
  | { ok: false; reason: "bad_credentials" | "session_ended" };

/**
 * Stale counters removed whenever a counter starts a new window: the table grows only by new
 * windows, and each one clears up to this many old rows, so it stays bounded without a job (prune
 * clears more, see maintenance.ts), and no single sign-in pays for a large delete.
 */
const CLEAN_ON_WRITE = 100;

export function signIn(ctx: ServiceContext) {
  const { store, now, wait, auditEvent } = ctx;
  const check = passwordChecker(ctx);

  async function logFailure(input: SignInInput, email: string, reason: SignInFailure, userId: string | null) {
    await store.insertAuditEvent(
      auditEvent({ ip: input.ip }, "auth.login_failed", userId ? { type: "user", id: userId } : null, {
        reason: SIGN_IN_FAILURES[reason],
        // The email as typed (it names the target even when no such user exists) and the user
        // agent; never the password.
        data: { email, userAgent: input.userAgent?.slice(0, LIMITS.userAgent) ?? null },
      }),
    );
  }

  const addressOf = (input: Pick<SignInInput, "ip">) => (input.ip ?? UNKNOWN_ADDRESS).slice(0, LIMITS.ip);

  /**
   * Counts one attempt for (email, address) and for the email, before any password is hashed, and
   * says whether it may go on: the pair's block (with Retry-After), else the email's growing delay,
   * already waited. Sign-in and reauthentication share it, so a stolen cookie cannot use the
   * reauthentication prompt as an unlimited password oracle.
   */
  async function admit(
    email: string,
    input: Pick<SignInInput, "ip" | "userAgent">,
    onRefused: (userId: string | null) => Promise<void>,
  ): Promise<{ ok: true; delayedMs: number } | { ok: false; retryAfterSeconds: number }> {
    const address = addressOf(input);
    const at = now();
    const pair = await store.countSignInAttempt(
      email,
      address,
      at,
      windowCutoff(at, SIGN_IN_LIMITS.perAddressWindowMs),
    );
    if (pair.attempts === 1) {
      await store.pruneSignInAttempts(new Date(at.getTime() - SIGN_IN_LIMITS.keepMs), CLEAN_ON_WRITE);
    }
    const retryAfterSeconds = pairRetryAfterSeconds(pair);
    if (retryAfterSeconds > 0) {
      const target = await store.getUserByEmail(email);
      await onRefused(target?.id ?? null);
      return { ok: false, retryAfterSeconds };
    }
    // Counted only once the pair is under its limit: a blocked address's retries do not add to
    // the email's delay, so one address cannot slow the real admin down on its own.
    const perEmail = await store.countSignInAttempt(
      email,
      EVERY_ADDRESS,
      at,
      windowCutoff(at, SIGN_IN_LIMITS.perEmailWindowMs),
    );
    const delayedMs = emailDelayMs(perEmail);
    if (delayedMs > 0) await wait(delayedMs);
    return { ok: true, delayedMs };
  }

  return {
    /**
     * Signs an operator (admin or viewer) in, or says why not: rate_limited (with the seconds to
     * wait), or one of the failures that the caller must answer with one message for all.
     */
    async signIn(input: SignInInput): Promise<SignInResult> {
      const email = input.email.trim().normalize("NFC").toLowerCase().slice(0, LIMITS.email);
      const admitted = await admit(email, input, (userId) =>
        logFailure(input, email, "rate_limited", userId),
      );
      if (!admitted.ok)
        return { ok: false, reason: "rate_limited", retryAfterSeconds: admitted.retryAfterSeconds };
      const { delayedMs } = admitted;

      const { record, ok } = await check(email, input.password);
      const operator = record?.role === "admin" || record?.role === "viewer";
      if (!ok || !record || !operator) {
        const reason: SignInFailure = !ok
          ? record?.status === "disabled"
            ? "disabled"
            : "bad_credentials"
          : "no_console_role";
        await logFailure(input, email, reason, record?.id ?? null);
        return { ok: false, reason, delayedMs };
      }
      await store.clearSignInAttempts(email, addressOf(input));
      return { ok: true, user: toUser(record), delayedMs };
    },

    /**
     * Confirms the signed-in operator's password again and records it on their console session
     * (authenticatedAt), which opens the reauth window for dangerous changes. Counted against the
     * same sign-in limits as auth.login; a wrong password is audited (auth.reauth_failed).
     */
    async reauthenticate(input: ReauthInput): Promise<ReauthResult> {
      const user = await store.getUserById(input.userId);
      if (!user || user.status !== "active") return { ok: false, reason: "bad_credentials" };
      const email = user.email;
      const audited = { actor: { type: "user", id: user.id }, ip: input.ip } as const;
      const failed = (reason: string) =>
        store.insertAuditEvent(
          auditEvent(
            audited,
            "auth.reauth_failed",
            { type: "session", id: input.sessionId },
            {
              reason,
              data: { userAgent: input.userAgent?.slice(0, LIMITS.userAgent) ?? null },
            },
          ),
        );
      const admitted = await admit(email, input, () => failed(SIGN_IN_FAILURES.rate_limited));
      if (!admitted.ok)
        return { ok: false, reason: "rate_limited", retryAfterSeconds: admitted.retryAfterSeconds };
      const { ok } = await check(email, input.password);
      if (!ok) {
        await failed(SIGN_IN_FAILURES.bad_credentials);
        return { ok: false, reason: "bad_credentials" };
      }
      await store.clearSignInAttempts(email, addressOf(input));
      const at = now();
      const renewed = await store.renewSessionAuthentication(
        input.sessionId,
        "console",
        at,
        null,
        auditEvent(audited, "auth.reauthenticated", { type: "session", id: input.sessionId }),
      );
      // The session ended (or is not a console sign-in) between authentication and now.
      if (!renewed) return { ok: false, reason: "session_ended" };
      return { ok: true, authenticatedAt: at };
    },
  };
}
