import { TRPCClientError } from "@trpc/client";

/** The tRPC error code the API sent (UNAUTHORIZED, NOT_FOUND, …), if the error came from it. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (data && typeof data === "object" && "code" in data && typeof data.code === "string") return data.code;
  return undefined;
}

export function isUnauthorized(error: unknown): boolean {
  return errorCode(error) === "UNAUTHORIZED";
}

/**
 * The API refused a dangerous change (a key, an operator, a role) because the password was not
 * confirmed recently (FORBIDDEN with data.reauthRequired): the console asks for it and retries.
 */
export function isReauthRequired(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data: unknown = error.data;
  return Boolean(
    data && typeof data === "object" && "reauthRequired" in data && data.reauthRequired === true,
  );
}

/** Seconds to wait, when the API said so (TOO_MANY_REQUESTS carries a retry-after). */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (data && typeof data === "object") {
    for (const key of ["retryAfter", "retryAfterSeconds", "retryAfterSec"]) {
      const value = (data as Record<string, unknown>)[key];
      if (typeof value === "number" && Number.isFinite(value)) return Math.ceil(value);
    }
  }
  const match = /(\d+)\s*(?:s\b|sec|second)/i.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/** A sentence for a person, never a stack trace or an HTTP status. */
export function errorMessage(error: unknown, fallback = "Something went wrong. Try again."): string {
  const code = errorCode(error);
  switch (code) {
    case "UNAUTHORIZED":
      return "Your sign-in has ended. Sign in again.";
    case "FORBIDDEN":
      // Only reached when the password prompt was dismissed: nothing was changed.
      if (isReauthRequired(error)) return "Not changed: confirm your password to do that.";
      return "You don't have permission to do that.";
    case "TOO_MANY_REQUESTS": {
      const wait = retryAfterSeconds(error);
      return wait
        ? `Too many attempts. Try again in ${wait} seconds.`
        : "Too many attempts. Try again shortly.";
    }
    case "NOT_FOUND":
      return "Not found. It may have been removed.";
    case undefined:
      if (error instanceof TRPCClientError && /fetch|network/i.test(error.message)) {
        return "Can't reach the server. Check your connection.";
      }
      return fallback;
    default:
      return error instanceof Error && error.message && error.message.length < 200 ? error.message : fallback;
  }
}

/** The sign-in form's message: one for wrong email and password alike, one for rate limiting. */
export function signInErrorMessage(error: unknown): string {
  const code = errorCode(error);
  if (code === "UNAUTHORIZED") return "Wrong email or password.";
  if (code === "FORBIDDEN") return "This account can't use the console.";
  if (code === "TOO_MANY_REQUESTS") {
    const wait = retryAfterSeconds(error);
    return wait
      ? `Too many sign-in attempts. Try again in ${wait} seconds.`
      : "Too many sign-in attempts. Try again in a few minutes.";
  }
  if (code === "BAD_REQUEST") return "Enter a valid email address and password.";
  return errorMessage(error);
}
