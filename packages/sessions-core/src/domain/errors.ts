// Errors the service throws for bad input or bad configuration. Not-found is a value, never one of these.

export interface ErrorIssue {
  path: string;
  message: string;
}

export class SessionsError extends Error {
  constructor(
    readonly code: "validation" | "conflict" | "not_found" | "forbidden" | "config",
    message: string,
  ) {
    super(message);
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
 * A dangerous change (an API key, an operator created, promoted or disabled) asked for by a console
 * sign-in whose password was not checked within CONSOLE_REAUTH_WINDOW. The caller confirms the
 * password (auth.reauthenticate) and retries; the API marks these with data.reauthRequired.
 */
export class ReauthRequiredError extends ForbiddenError {
  readonly reauthRequired = true;
}

/** A setting is wrong; raised before anything is opened. */
export class ConfigError extends SessionsError {
  constructor(message: string) {
    super("config", message);
  }
}
