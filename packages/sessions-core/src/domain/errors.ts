// Errors the service throws for bad input or bad configuration. Not-found is a value, never one of these.

export interface ErrorIssue {
  path: string;
  message: string;
}

export class SessionsError extends Error {
  constructor(
    readonly code:
      "validation" | "conflict" | "not_found" | "forbidden" | "unauthorized" | "config" | "unavailable",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule; nothing was changed. `issues` names each offending field. */
export class ValidationError extends SessionsError {
  constructor(
    message: string,
    readonly issues: ErrorIssue[] = [],
  ) {
    super("validation", message);
  }
}

/** The input is valid but collides with existing state (e.g. an email already in use). */
export class ConflictError extends SessionsError {
  constructor(message: string) {
    super("conflict", message);
  }
}

/** An operation needs something that does not exist (e.g. creating a session for an unknown user). */
export class NotFoundError extends SessionsError {
  constructor(message: string) {
    super("not_found", message);
  }
}

/** The operation is not allowed in the current state (e.g. a session for a disabled user). */
export class ForbiddenError extends SessionsError {
  constructor(message: string) {
    super("forbidden", message);
  }
}

/**
 * A raw token that names no usable app session (unknown, ended, expired, idle, its user disabled,
 * or a console sign-in's), where the token is the caller's credential for the operation (an end
 * user's "your devices" calls through a service). Deliberately one message for every case: which
 * of them it was is the validation's business, not a guessing game for whoever holds a token.
 */
export class InvalidTokenError extends SessionsError {
  constructor() {
    super("unauthorized", "This session token is not valid (unknown, ended or expired).");
  }
}

/**
 * A dangerous change (an API key, an operator created, promoted or disabled) asked for by a console
 * sign-in whose password was not checked within CONSOLE_REAUTH_WINDOW. The caller confirms the
 * password (auth.reauthenticate) and retries; the API marks these with data.reauthRequired.
 */
export class ReauthRequiredError extends ForbiddenError {
  readonly reauthRequired = true;
}

/** Why the database cannot serve right now (store/faults.ts decides it from the driver's error). */
export type UnavailableReason = "unreachable" | "timeout" | "busy" | "storage_full" | "read_only";

const UNAVAILABLE: Record<UnavailableReason, { message: string; retryAfterSeconds: number }> = {
  unreachable: {
    message: "The database cannot be reached right now; try again shortly.",
    retryAfterSeconds: 2,
  },
  timeout: { message: "The database did not answer in time; try again shortly.", retryAfterSeconds: 2 },
  busy: { message: "The database is busy; try again shortly.", retryAfterSeconds: 1 },
  storage_full: {
    message: "The database has no space left for writes; reads still work. Try again later.",
    retryAfterSeconds: 30,
  },
  // A Postgres standby reached through a stale address after a failover, or a database set
  // read-only for maintenance: reads work, writes wait for the primary to be reachable again.
  read_only: {
    message: "The database takes only reads right now; reads still work. Try again shortly.",
    retryAfterSeconds: 5,
  },
};

/**
 * The database could not do this now (down, too slow, locked, or out of disk): nothing about the
 * call was wrong, and it may succeed when retried. The API answers 503 with Retry-After. A write
 * refused this way on a timeout may still have been applied; every write is safe to send again.
 */
export class UnavailableError extends SessionsError {
  readonly retryAfterSeconds: number;
  constructor(
    readonly reason: UnavailableReason,
    options?: { cause?: unknown },
  ) {
    super("unavailable", UNAVAILABLE[reason].message, options);
    this.retryAfterSeconds = UNAVAILABLE[reason].retryAfterSeconds;
  }
}

/** A setting is wrong; raised before anything is opened. */
export class ConfigError extends SessionsError {
  constructor(message: string) {
    super("config", message);
  }
}
