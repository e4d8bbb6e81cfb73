// The console's sign-in cookie. HttpOnly (scripts never see the token), SameSite=Lax, Path=/; over
// HTTPS also Secure with the `__Host-` prefix, which browsers accept only from a secure origin with no
// Domain, so no sibling subdomain can plant or overwrite it. "Over HTTPS" includes a PUBLIC_URL that
// is https, whatever the proxy says (isHttps in request.ts).
import { parseCookie, stringifySetCookie } from "cookie";

export const COOKIE_NAME = "sessions_token";
export const SECURE_COOKIE_NAME = "__Host-sessions_token";

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_COOKIE_NAME : COOKIE_NAME;
}

/** The raw session token from a Cookie header, if it carries the sign-in cookie. */
export function readSessionToken(cookieHeader: string | undefined, secure: boolean): string | null {
  if (!cookieHeader) return null;
  const value = parseCookie(cookieHeader)[sessionCookieName(secure)];
  return value ? value : null;
}

/**
 * The sign-in cookie. By default a browser-session cookie (no Max-Age, no Expires): closing the
 * browser forgets the sign-in, so a shared or lost machine does not stay signed in for the
 * session's 12 hours. `remember` (CONSOLE_REMEMBER=true) keeps it until the session expires.
 */
export function sessionCookie(
  token: string,
  expiresAt: Date,
  options: { secure: boolean; now: Date; remember: boolean },
): string {
  const { secure, now, remember } = options;
  return stringifySetCookie(sessionCookieName(secure), token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    ...(remember
      ? { expires: expiresAt, maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)) }
      : {}),
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie(sessionCookieName(secure), "", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    expires: new Date(0),
    maxAge: 0,
  });
}
