// Console sign-in: an admin or viewer exchanges email + password for a session of their own in the
// same store, carried in an HttpOnly cookie. That session is what makes isCurrent true in lists.
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { LIMITS, ReauthRequiredError } from "@sessions/core";
import { z } from "zod";
import type { Context } from "../trpc/context.js";
import { RateLimitedError } from "../trpc/errors.js";
import { consoleProcedure, publicProcedure, signedInProcedure } from "../trpc/procedures.js";

const passwordInput = z
  .string()
  .min(1, "is required")
  .max(LIMITS.password.max, `must be at most ${LIMITS.password.max} characters`);

const loginInput = z.object({
  email: z
    .string()
    .trim()
    .min(1, "is required")
    .max(LIMITS.email, `must be at most ${LIMITS.email} characters`),
  password: passwordInput,
});

/** One message for an unknown email, a wrong password, a disabled user and a role without console access. */
const WRONG_CREDENTIALS = "Wrong email or password.";

/**
 * Attempts per client address, whatever the email: this process's memory, a cheap first gate before
 * the store is written. The limits that matter (per address and email, per email) are the
 * service's, in the store, shared by every instance.
 */
function gateAddress(ctx: Context): void {
  const ipKey = `ip:${ctx.ip ?? "unknown"}`;
  const perIp = ctx.loginLimits.perIp.check(ipKey);
  if (!perIp.allowed) rateLimited(ctx, perIp.retryAfterSeconds);
  ctx.loginLimits.perIp.hit(ipKey);
}

/** TOO_MANY_REQUESTS with Retry-After (header and error data). */
function rateLimited(ctx: Context, retryAfter: number): never {
  ctx.setHeader("Retry-After", String(retryAfter));
  throw new RateLimitedError(`Too many sign-in attempts; try again in ${retryAfter} s.`, retryAfter);
}

export const authRouter = {
  /** Sets the sign-in cookie and returns the user. */
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    if (ctx.caller.type === "api_key") {
      throw new TRPCError({ code: "FORBIDDEN", message: "API keys cannot sign in to the console." });
    }
    gateAddress(ctx);
    // The service normalizes the email (trim, NFC, lower case) before counting and checking it.
    const result = await ctx.service.signIn({
      email: input.email,
      password: input.password,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    if (!result.ok) {
      if (result.reason === "rate_limited") rateLimited(ctx, result.retryAfterSeconds);
      ctx.logger.warn({ event: "login.failed", ip: ctx.ip, reason: result.reason }, "sign-in refused");
      throw new TRPCError({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
    }
    const { user } = result;
    if (!ctx.cookie.writable) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "auth.login sets a cookie: call it through httpBatchLink or httpLink, not a streaming link.",
      });
    }
    const actor = { actor: { type: "user", id: user.id }, ip: ctx.ip } as const;
    const previous = ctx.cookie.token;
    const { token, session } = await ctx.service.createConsoleSession(
      { userId: user.id, ip: ctx.ip, userAgent: ctx.userAgent },
      actor,
    );
    ctx.cookie.set(token, session.expiresAt);
    // Signing in again replaces the browser's previous sign-in rather than leaving it live.
    if (previous) await ctx.service.endConsoleSession(previous, actor);
    ctx.logger.info({ event: "login", userId: user.id, sessionId: session.id, ip: ctx.ip }, "signed in");
    return user;
  }),

  /**
   * Confirms the signed-in operator's password again: dangerous changes (keys.create, creating,
   * promoting, demoting, disabling or enabling an operator) need it within CONSOLE_REAUTH_WINDOW
   * and answer FORBIDDEN with data.reauthRequired until then. Same limits as login.
   */
  reauthenticate: consoleProcedure
    .input(z.object({ password: passwordInput }))
    .mutation(async ({ ctx, input }) => {
      gateAddress(ctx);
      const result = await ctx.service.reauthenticate({
        sessionId: ctx.caller.sessionId,
        userId: ctx.caller.user.id,
        password: input.password,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      if (result.ok) return { authenticatedAt: result.authenticatedAt };
      if (result.reason === "rate_limited") rateLimited(ctx, result.retryAfterSeconds);
      if (result.reason === "session_ended") {
        throw new TRPCError({ code: "UNAUTHORIZED", message: "Your sign-in has ended; sign in again." });
      }
      // FORBIDDEN, not UNAUTHORIZED: the sign-in itself is still good, only this password was wrong,
      // so the console keeps its prompt open (reauthRequired) instead of signing out.
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "Wrong password.",
        cause: new ReauthRequiredError("Wrong password."),
      });
    }),

  /** Ends the caller's own sign-in and clears the cookie. */
  logout: signedInProcedure.mutation(async ({ ctx }) => {
    const token = ctx.cookie.token;
    if (token) await ctx.service.endConsoleSession(token, ctx.call);
    else
      await ctx.service.revokeSession(ctx.caller.sessionId, {
        ...ctx.call,
        currentSessionId: null,
        reason: "logout",
      });
    ctx.cookie.clear();
    return { ok: true as const };
  }),

  /** The signed-in console user and the id of their session, or UNAUTHORIZED. */
  me: consoleProcedure.query(({ ctx }) => ({
    user: ctx.caller.user,
    sessionId: ctx.caller.sessionId,
    authenticatedAt: ctx.caller.authenticatedAt,
  })),
} satisfies TRPCRouterRecord;
