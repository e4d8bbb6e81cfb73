// "Your devices" and recent authentication: what an end user does to their own sessions through the
// service that serves their pages. The credential is the user's own session token (the service
// holds it in its cookie), so every operation here first checks that token exactly as validation
// does (tokenChecker), answers InvalidTokenError (UNAUTHORIZED) when it names no usable app session,
// and then acts only on that token's user and only on app sessions: a console sign-in of the same
// person is operator power and is never listed or ended from here.
import { decodeCursor, toPage } from "../domain/cursor.js";
import { InvalidTokenError } from "../domain/errors.js";
import {
  listForTokenSchema,
  parseInput,
  reauthenticatedSchema,
  revokeOwnSchema,
  tokenSchema,
} from "../domain/inputs.js";
import { toSessionInfo } from "../domain/rules.js";
import type { CallContext, Page, RevokeResult, SessionInfo } from "../domain/types.js";
import { inBatches } from "./batches.js";
import type { ServiceContext } from "./context.js";
import { tokenChecker } from "./session-lifecycle.js";

export function devices(ctx: ServiceContext) {
  const { store, emit, auditEvent, revocation, metrics } = ctx;
  const checkToken = tokenChecker(ctx);

  /** The token's valid app session and its user, or InvalidTokenError. Counts as activity (touch). */
  async function own(token: string) {
    const check = await checkToken("app", token);
    if (check.result !== "valid") throw new InvalidTokenError();
    return check;
  }

  /** The end user acts on their own sessions: the audit names them, through the calling service. */
  const asUser = (userId: string, call: CallContext | undefined): CallContext => ({
    ...call,
    actor: call?.actor ?? { type: "user", id: userId },
  });

  return {
    /**
     * The token's user's active app sessions, newest first, with isCurrent on the token's own: an
     * account page's device list. Served by sessions_user_created_idx, a page at a time.
     */
    async listForToken(input: {
      token: string;
      limit?: number;
      cursor?: string | null;
    }): Promise<Page<SessionInfo>> {
      const { token, limit, cursor } = parseInput(listForTokenSchema, input);
      const { row, scope } = await own(token);
      const order = "createdAt:desc";
      const rows = await store.listSessions({
        filter: { userId: row.user.id, kind: "app", status: "active" },
        scope,
        sort: { by: "createdAt", dir: "desc" },
        after: decodeCursor(order, cursor),
        limit: limit + 1,
      });
      return toPage(
        rows,
        limit,
        (r) => toSessionInfo(r.session, r.user, scope, row.session.id),
        (r) => ({ value: r.session.createdAt, id: r.session.id }),
        order,
      );
    },

    /**
     * "Sign out everywhere else": ends every other live app session of the token's user (end reason
     * others_revoked), in batches, audited once. The token's own session stays.
     */
    async revokeOthers(input: { token: string }, call?: CallContext): Promise<{ revoked: number }> {
      const token = parseInput(tokenSchema, input?.token, "token");
      const { row } = await own(token);
      const userId = row.user.id;
      const by = asUser(userId, call);
      const audit = auditEvent(
        by,
        "user.sessions_revoked",
        { type: "user", id: userId },
        {
          data: { except: row.session.id },
        },
      );
      const selector = {
        kind: "user",
        userId,
        exceptSessionId: row.session.id,
        sessionKind: "app",
      } as const;
      const how = revocation(by, "others_revoked", null);
      const revoked = await inBatches(store, audit, (batch) =>
        store.revokeSessions(selector, how, audit, batch),
      );
      if (revoked > 0) {
        metrics.sessionsEnded("others_revoked", revoked);
        emit({ type: "user.sessions_revoked", userId, count: revoked });
      }
      return { revoked };
    },

    /**
     * Ends one of the token's user's own app sessions by id (end reason revoked). Another user's
     * session, a console sign-in, an unknown or an ended one are all not_found: the caller learns
     * nothing about sessions that are not theirs.
     */
    async revokeOwn(input: { token: string; id: string }, call?: CallContext): Promise<RevokeResult> {
      const { token, id } = parseInput(revokeOwnSchema, input);
      const { row } = await own(token);
      const userId = row.user.id;
      const by = asUser(userId, call);
      const revoked = await store.revokeSessions(
        { kind: "id", id, userId, sessionKind: "app" },
        revocation(by, "revoked", null),
        auditEvent(by, "session.revoked", { type: "session", id }),
      );
      if (revoked === 0) return { ok: false, error: "not_found" };
      metrics.sessionsEnded("revoked", revoked);
      emit({ type: "session.revoked", sessionId: id, userId });
      return { ok: true };
    },

    /**
     * The service re-verified the user (a password, a passkey): records now as the session's last
     * authentication (and the method, when given), which sessions.validate's maxAuthAge measures.
     */
    async reauthenticated(
      input: { token: string; method?: string | null },
      call?: CallContext,
    ): Promise<{ authenticatedAt: Date; authMethod: string | null }> {
      const { token, method } = parseInput(reauthenticatedSchema, input);
      const { row, at } = await own(token);
      const renewed = await store.renewSessionAuthentication(
        row.session.id,
        "app",
        at,
        method ?? null,
        auditEvent(
          asUser(row.user.id, call),
          "session.reauthenticated",
          {
            type: "session",
            id: row.session.id,
          },
          { data: method ? { method } : null },
        ),
      );
      // Ended between the check and now (a concurrent revoke): the token is no longer valid.
      if (!renewed) throw new InvalidTokenError();
      return { authenticatedAt: at, authMethod: method ?? row.session.authMethod };
    },
  };
}
