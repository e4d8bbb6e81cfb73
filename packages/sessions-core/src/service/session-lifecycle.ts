// What makes a session exist and end: issuing one (the only place a raw token is made), validating
// a raw token (the hot path: every authenticated request of every service calls it) and ending one
// by its token (logout). Kept apart from sessions.ts because these work from a raw token rather than
// from a session id, and because validateSession's cost is measured: add nothing per call here.
import { ForbiddenError, NotFoundError } from "../domain/errors.js";
import { createSessionSchema, parseInput } from "../domain/inputs.js";
import { performance } from "node:perf_hooks";
import { inactiveReason, statusScope, toSessionInfo } from "../domain/rules.js";
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
import type { SessionRecord } from "../store/store.js";
import { toUser, type ServiceContext } from "./context.js";

export function sessionLifecycle({
  store,
  config,
  random,
  now,
  newId,
  emit,
  auditEvent,
  revocation,
  bestEffort,
  metrics,
}: ServiceContext) {
  // Each kind's own policy. A session's kind is fixed when it is issued and checked on every use,
  // so a token issued by a service (app) can never authenticate the console, and a console token
  // never validates for a service.
  const lifetimeMs = (kind: SessionKind) => (kind === "app" ? config.lifetimeMs : config.consoleLifetimeMs);

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
      // A console sign-in is issued right after its password was checked (auth.login).
      authenticatedAt: kind === "console" ? at : null,
      ip: parsed.ip ?? null,
      userAgent: parsed.userAgent ?? null,
      ...ua,
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
    };
    // The store checks the user and inserts in one transaction, so a concurrent disable cannot
    // miss this session (see SessionsStore.insertSession).
    const inserted = await store.insertSession(
      record,
      auditEvent(ctx, "session.created", { type: "session", id: record.id }),
    );
    if (!inserted.ok) {
      if (inserted.error === "user_not_found") throw new NotFoundError("No user with this id.");
      throw new ForbiddenError("This user is disabled; it cannot get new sessions.");
    }
    const user = inserted.user;
    metrics.sessionCreated(kind);
    emit({ type: "session.created", sessionId: record.id, userId: user.id });
    return { token, session: toSessionInfo(record, user, statusScope(at, config), ctx?.currentSessionId) };
  }

  /** An app session's validation, counted by result and timed (sessions_validated_total and its histogram). */
  async function validateApp(token: string, options?: { touch?: boolean }) {
    const started = performance.now();
    const { result, session } = await validate("app", token, options);
    metrics.sessionValidated(result, (performance.now() - started) / 1000);
    return session;
  }

  async function validate(
    kind: SessionKind,
    token: string,
    options: { touch?: boolean } | undefined,
  ): Promise<{ result: ValidationResult; session: ValidatedSession | null }> {
    if (typeof token !== "string" || !looksLikeToken(token)) return { result: "unknown", session: null };
    const row = await store.findSessionByTokenHash(hashToken(token));
    if (!row || row.session.kind !== kind) return { result: "unknown", session: null };
    const at = now();
    const scope = statusScope(at, config);
    const inactive = inactiveReason(row.session, scope);
    if (inactive) return { result: inactive, session: null };
    if (row.user.status !== "active") return { result: "user_disabled", session: null };
    let session = row.session;
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
      session = { ...session, lastSeenAt: at };
    }
    return {
      result: "valid",
      session: { session: toSessionInfo(session, row.user, scope, session.id), user: toUser(row.user) },
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
      revocation(actorCtx, "logout"),
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
    /** validateSession for the console's cookie: only console sign-ins, under the console policy. */
    validateConsoleSession: async (token: string, options?: { touch?: boolean }) =>
      (await validate("console", token, options)).session,
    /** Ends (logs out) the app session a raw token belongs to; a console token ends nothing. */
    endSession: (token: string, ctx?: CallContext) => end("app", token, ctx),
    /** Ends the console sign-in a raw token belongs to (auth.logout, a repeated auth.login). */
    endConsoleSession: (token: string, ctx?: CallContext) => end("console", token, ctx),
  };
}
