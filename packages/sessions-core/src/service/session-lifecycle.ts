// What makes a session exist and end: issuing one (the only place a raw token is made), validating
// a raw token (the hot path: every authenticated request of every service calls it) and ending one
// by its token (logout). Kept apart from sessions.ts because these work from a raw token rather than
// from a session id, and because validateSession's cost is measured: add nothing per call here.
import { ForbiddenError, NotFoundError } from "../domain/errors.js";
import { createSessionSchema, parseInput } from "../domain/inputs.js";
import { sessionStatus, statusScope, toSessionInfo } from "../domain/rules.js";
import { generateToken, hashToken, looksLikeToken } from "../domain/tokens.js";
import type { CallContext, CreatedSession, CreateSessionInput, ValidatedSession } from "../domain/types.js";
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
}: ServiceContext) {
  return {
    /** Creates a session. The raw token is in this result only; the store keeps SHA-256(token). */
    async createSession(input: CreateSessionInput, ctx?: CallContext): Promise<CreatedSession> {
      const parsed = parseInput(createSessionSchema, input);
      const at = now();
      const token = generateToken(random);
      const tokenHash = hashToken(token);
      const ua = parseUserAgent(parsed.userAgent);
      const record: SessionRecord = {
        id: newId(),
        tokenHash,
        userId: parsed.userId,
        createdAt: at,
        expiresAt: new Date(at.getTime() + config.lifetimeMs),
        lastSeenAt: at,
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
      emit({ type: "session.created", sessionId: record.id, userId: user.id });
      return { token, session: toSessionInfo(record, user, statusScope(at, config), ctx?.currentSessionId) };
    },

    /**
     * The hot path: the session and its user for a raw token, or null when the token is unknown,
     * expired, idle, revoked or its user disabled. Writes lastSeenAt at most once per touch interval.
     */
    /**
     * `touch: false` (an open event stream re-checking its caller) leaves lastSeenAt alone: being
     * connected is not being active, and a stream must not keep a session from idling out.
     */
    async validateSession(token: string, options?: { touch?: boolean }): Promise<ValidatedSession | null> {
      if (typeof token !== "string" || !looksLikeToken(token)) return null;
      const row = await store.findSessionByTokenHash(hashToken(token));
      if (!row) return null;
      const at = now();
      const scope = statusScope(at, config);
      if (sessionStatus(row.session, scope) !== "active" || row.user.status !== "active") return null;
      let session = row.session;
      const staleBefore = new Date(at.getTime() - config.touchIntervalMs);
      // Strictly older than the interval, the same comparison the store's conditional UPDATE makes, so
      // what this returns is what was stored.
      if (options?.touch !== false && session.lastSeenAt.getTime() < staleBefore.getTime()) {
        await store.touchSession(session.id, at, staleBefore);
        session = { ...session, lastSeenAt: at };
      }
      return { session: toSessionInfo(session, row.user, scope, session.id), user: toUser(row.user) };
    },

    /** Ends (logs out) the session a raw token belongs to. */
    async endSession(token: string, ctx?: CallContext): Promise<{ ok: boolean }> {
      if (typeof token !== "string" || !looksLikeToken(token)) return { ok: false };
      const tokenHash = hashToken(token);
      const row = await store.findSessionByTokenHash(tokenHash);
      if (!row) return { ok: false };
      // Logging out acts for the session's own user unless a caller says otherwise.
      const actorCtx: CallContext = { ...ctx, actor: ctx?.actor ?? { type: "user", id: row.user.id } };
      const ended = await store.revokeSessions(
        { kind: "tokenHash", tokenHash },
        revocation(actorCtx, "logout"),
        auditEvent(actorCtx, "session.ended", { type: "session", id: row.session.id }, { reason: "logout" }),
      );
      if (ended > 0) emit({ type: "session.revoked", sessionId: row.session.id, userId: row.user.id });
      return { ok: ended > 0 };
    },
  };
}
