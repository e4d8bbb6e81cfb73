// Who is calling. Two kinds of credential, never mixed: an API key (Authorization: Bearer) for
// services, or the console's sign-in cookie for operators. Kept apart from the context so the rule
// of which credential wins reads in one place.
import type { SessionsService } from "@sessions/core";
import { TRPCError } from "@trpc/server";
import type { Caller } from "./context.js";

/**
 * An Authorization header must hold a valid API key (no falling back to the cookie when it does
 * not); otherwise the sign-in cookie decides. An invalid cookie just means "not signed in".
 * `touch: false` checks without counting as activity (an open stream re-checking its caller).
 */
export async function authenticate(
  service: SessionsService,
  authorization: string | undefined,
  cookieToken: string | null,
  options?: { touch?: boolean },
): Promise<Caller> {
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const key = match?.[1] ? await service.verifyApiKey(match[1]) : null;
    if (!key) {
      throw new TRPCError({
        code: "UNAUTHORIZED",
        message: "The API key is missing, malformed, unknown or revoked.",
      });
    }
    return { type: "api_key", key };
  }
  if (cookieToken) {
    // Only a console sign-in (auth.login) authenticates the console: an app session a service
    // issued for an operator (sessions.create) is "not signed in" here.
    const validated = await service.validateConsoleSession(cookieToken, options);
    if (validated) {
      const { session, user } = validated;
      return { type: "user", user, sessionId: session.id, authenticatedAt: session.authenticatedAt };
    }
  }
  return { type: "anonymous" };
}
