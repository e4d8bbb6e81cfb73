// What makes a session exist and end: issuing one (the only place a raw token is made), validating
// a raw token (the hot path: every authenticated request of every service calls it) and ending one
// by its token (logout). Kept apart from sessions.ts because these work from a raw token rather than
// from a session id, and because validateSession's cost is measured: add nothing per call here.
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../domain/errors.js";
import { createSessionSchema, parseInput, validateSessionSchema } from "../domain/inputs.js";
import { performance } from "node:perf_hooks";
import { inactiveReason, isFresh, statusScope, toSessionInfo } from "../domain/rules.js";
import { generateToken, hashToken, looksLikeToken } from "../domain/tokens.js";
import type {
  CallContext,
  CreatedSession,
  CreateSessionInput,
  SessionKind,
  ValidatedSession,
} from "../domain/types.js";
import type { ValidationResult } from "../vocab.js";
import { parseUserAgent } from "../domain/user-agent.js";
import type { SessionLimit, SessionRecord, SessionWithFullUser, StatusScope } from "../store/store.js";
import { toUser, type ServiceContext } from "./context.js";

/**
 * A service's clock may run ahead of this one: an authenticatedAt up to this far in the future is
 * taken as now; further is a mistake (a unit error, seconds for milliseconds) and refused.
 */
const AUTHENTICATED_AT_SKEW_MS = 60_000;

/** What a raw token names: valid (with the row and the instant it was judged at), or why not. */
export type TokenCheck =
  | { result: "valid"; row: SessionWithFullUser; at: Date; scope: StatusScope }
  | { result: Exclude<ValidationResult, "valid">; row: null };

/**
 * Checks a raw token against the sessions of `kind`, moving lastSeenAt at most once per touch
 * interval (not with touch: false). Shared by validation and by every operation whose credential
 * is an end user's token (service/devices.ts), so they all judge a token the same way.
 */
export function tokenChecker({ store, config, now, bestEffort }: ServiceContext) {
  return async function checkToken(
    kind: SessionKind,
    token: string,
    options?: { touch?: boolean },
  ): Promise<TokenCheck> {
    if (typeof token !== "string" || !looksLikeToken(token)) return { result: "unknown", row: null };
    const row = await store.findSessionByTokenHash(hashToken(token));
    if (!row || row.session.kind !== kind) return { result: "unknown", row: null };
    const at = now();
    const scope = statusScope(at, config);
    const inactive = inactiveReason(row.session, scope);
    if (inactive) return { result: inactive, row: null };
    if (row.user.status !== "active") return { result: "user_disabled", row: null };
    const session = row.session;
    const staleBefore = new Date(at.getTime() - config.touchIntervalMs);
    // Strictly older than the interval, the same comparison the store's conditional UPDATE makes, so
    // what this returns is what was stored.
    // Best effort: on a full disk or a database that cannot write, the session is still valid and
    // this validation still answers; lastSeenAt just stays behind (which can only shorten an idle
    // session's life, never extend it).
    if (
      options?.touch !== false &&
      session.lastSeenAt.getTime() < staleBefore.getTime() &&
      (await bestEffort("touchSession", () => store.touchSession(session.id, at, staleBefore)))
    ) {
      return { result: "valid", row: { ...row, session: { ...session, lastSeenAt: at } }, at, scope };
    }
    return { result: "valid", row, at, scope };
  };
}

export function sessionLifecycle(ctx: ServiceContext) {
  const { store, config, random, now, newId, emit, auditEvent, revocation, metrics } = ctx;
  const checkToken = tokenChecker(ctx);
  // Each kind's own policy. A session's kind is fixed when it is issued and checked on every use,
  // so a token issued by a service (app) can never authenticate the console, and a console token
  // never validates for a service.
  const lifetimeMs = (kind: SessionKind) => (kind === "app" ? config.lifetimeMs : config.consoleLifetimeMs);

  /** When the user authenticated, as a service says: never later than now (within the skew). */
  function authenticatedAtOf(given: Date | null | undefined, at: Date): Date {
    if (!given) return at;
    if (given.getTime() > at.getTime() + AUTHENTICATED_AT_SKEW_MS) {
      throw new ValidationError("authenticatedAt is in the future", [
        { path: "authenticatedAt", message: "must not be in the future" },
      ]);
    }
    return given.getTime() > at.getTime() ? at : given;
  }

  /**
   * MAX_SESSIONS_PER_USER for a new app session: the store counts and evicts inside the insert's
   * transaction. Console sign-ins are never limited or counted.
   */
  function sessionLimit(kind: SessionKind, ctx: CallContext | undefined, newSessionId: string, at: Date) {
    const max = config.maxSessionsPerUser;
    if (kind !== "app" || max === null) return null;
    return {
      max,
      policy: config.sessionLimitPolicy,
      scope: statusScope(at, config),
      revocation: revocation(ctx, "limit", `session limit of ${max} per user`),
      evictionAudit: (evicted) =>
        auditEvent(
          ctx,
          "session.evicted",
          { type: "session", id: evicted.id },
          { reason: `session limit of ${max} per user`, data: { userId: evicted.userId, for: newSessionId } },
        ),
    } satisfies SessionLimit;
  }

  /** Issues a session of `kind`. The raw token is in this result only; the store keeps SHA-256(token). */
  async function issue(
    kind: SessionKind,
    input: CreateSessionInput,
    ctx?: CallContext,
  ): Promise<CreatedSession> {
    const parsed = parseInput(createSessionSchema, input);
    const at = now();
    const token = generateToken(random);
    const tokenHash = hashToken(token);
    const ua = parseUserAgent(parsed.userAgent);
    const record: SessionRecord = {
      id: newId(),
      kind,
      tokenHash,
      userId: parsed.userId,
      createdAt: at,
      expiresAt: new Date(at.getTime() + lifetimeMs(kind)),
      lastSeenAt: at,
      // A console sign-in is issued right after its password was checked (auth.login); an app
      // session when its service says the user authenticated (default: now).
      authenticatedAt: kind === "console" ? at : authenticatedAtOf(parsed.authenticatedAt, at),
      authMethod: kind === "console" ? null : (parsed.authMethod ?? null),
      ip: parsed.ip ?? null,
      userAgent: parsed.userAgent ?? null,
      ...ua,
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
      endReason: null,
    };
    const limit = sessionLimit(kind, ctx, record.id, at);
    // The store checks the user (and the limit) and inserts in one transaction, so a concurrent
    // disable cannot miss this session, nor concurrent creates pass the limit together
    // (see SessionsStore.insertSession).
    const inserted = await store.insertSession(
      record,
      auditEvent(ctx, "session.created", { type: "session", id: record.id }),
      limit,
    );
    if (!inserted.ok) {
      if (inserted.error === "user_not_found") throw new NotFoundError("No user with this id.");
      if (inserted.error === "limit_reached") {
        throw new ConflictError(
          `This user already has ${limit?.max} active sessions, the most allowed (MAX_SESSIONS_PER_USER, policy deny): end one before creating another.`,
        );
      }
      throw new ForbiddenError("This user is disabled; it cannot get new sessions.");
    }
    const user = inserted.user;
    if (inserted.evicted.length > 0) {
      metrics.sessionsEnded("limit", inserted.evicted.length);
      for (const evicted of inserted.evicted) {
        emit({ type: "session.revoked", sessionId: evicted.id, userId: user.id });
      }
    }
    metrics.sessionCreated(kind);
    emit({ type: "session.created", sessionId: record.id, userId: user.id });
    return { token, session: toSessionInfo(record, user, statusScope(at, config), ctx?.currentSessionId) };
  }

  /** An app session's validation, counted by result and timed (sessions_validated_total and its histogram). */
  async function validateApp(
    token: string,
    options?: { touch?: boolean; maxAuthAge?: number },
  ): Promise<ValidatedSession | null> {
    const started = performance.now();
    const check = await checkToken("app", token, options);
    metrics.sessionValidated(check.result, (performance.now() - started) / 1000);
    return validated(check, options?.maxAuthAge);
  }

  function validated(check: TokenCheck, maxAuthAge: number | undefined): ValidatedSession | null {
    if (check.result !== "valid") return null;
    const { row, at, scope } = check;
    return {
      session: toSessionInfo(row.session, row.user, scope, row.session.id),
      user: toUser(row.user),
      fresh: isFresh(row.session, at, maxAuthAge),
    };
  }

  /** Ends (logs out) the session of `kind` a raw token belongs to. */
  async function end(kind: SessionKind, token: string, ctx?: CallContext): Promise<{ ok: boolean }> {
    if (typeof token !== "string" || !looksLikeToken(token)) return { ok: false };
    const tokenHash = hashToken(token);
    const row = await store.findSessionByTokenHash(tokenHash);
    if (!row || row.session.kind !== kind) return { ok: false };
    // Logging out acts for the session's own user unless a caller says otherwise.
    const actorCtx: CallContext = { ...ctx, actor: ctx?.actor ?? { type: "user", id: row.user.id } };
    const ended = await store.revokeSessions(
      { kind: "tokenHash", tokenHash },
      revocation(actorCtx, "logout", "logout"),
      auditEvent(actorCtx, "session.ended", { type: "session", id: row.session.id }, { reason: "logout" }),
    );
    if (ended > 0) {
      metrics.sessionsEnded("logout", ended);
      emit({ type: "session.revoked", sessionId: row.session.id, userId: row.user.id });
    }
    return { ok: ended > 0 };
  }

  return {
    /** Issues an app session (sessions.create, for services). It never authenticates the console. */
    createSession: (input: CreateSessionInput, ctx?: CallContext) => issue("app", input, ctx),
    /** Issues a console sign-in; only auth.login calls this, after checking the password. */
    createConsoleSession: (input: CreateSessionInput, ctx?: CallContext) => issue("console", input, ctx),
    /**
     * The hot path: the session and its user for an app token, or null when the token is unknown,
     * expired, idle, revoked, its user disabled, or a console token. Writes lastSeenAt at most once
     * per touch interval; `touch: false` (an open event stream re-checking its caller) leaves it
     * alone: being connected is not being active, and a stream must not keep a session from idling out.
     */
    validateSession: validateApp,
    /**
     * sessions.validate's input: the token and, optionally, maxAuthAge (seconds), which makes
     * `fresh` say whether the user authenticated that recently (sessions.reauthenticated renews it).
     */
    validateSessionInput: async (input: { token: string; maxAuthAge?: number }) => {
      const { token, maxAuthAge } = parseInput(validateSessionSchema, input);
      return validateApp(token, { maxAuthAge });
    },
    /** validateSession for the console's cookie: only console sign-ins, under the console policy. */
    validateConsoleSession: async (token: string, options?: { touch?: boolean }) =>
      validated(await checkToken("console", token, options), undefined),
    /** Ends (logs out) the app session a raw token belongs to; a console token ends nothing. */
    endSession: (token: string, ctx?: CallContext) => end("app", token, ctx),
    /** Ends the console sign-in a raw token belongs to (auth.logout, a repeated auth.login). */
    endConsoleSession: (token: string, ctx?: CallContext) => end("console", token, ctx),
  };
}
