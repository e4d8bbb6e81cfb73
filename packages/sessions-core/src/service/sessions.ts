// The seed's seven operations on existing sessions: listing, reading, counting, stats and revoking.
// Separate from session-lifecycle.ts, which makes sessions exist and end for their own user: these
// are what an operator or a service does to sessions it is looking at, and they share the filters,
// the status scope and the rule that nobody revokes the session they are signed in with.
import { decodeCursor, toPage } from "../domain/cursor.js";
import { ValidationError } from "../domain/errors.js";
import {
  idSchema,
  listSessionsSchema,
  listUserSessionsSchema,
  parseInput,
  reasonSchema,
  revokeManySchema,
  sessionFilterSchema,
} from "../domain/inputs.js";
import { localDate, localDays, statusScope, toSessionInfo } from "../domain/rules.js";
import { LIMITS } from "../vocab.js";
import { inBatches } from "./batches.js";
import { countWindowed, type WindowedCountOptions } from "./windowed-count.js";

/** How a dry run can be followed and stopped (revokeSessions). */
export interface RevokePreviewOptions extends WindowedCountOptions {
  /** The sample, as soon as it is read (before the count ends). */
  onSample?: (sample: SessionInfo[]) => void;
}
import type {
  CallContext,
  ListSessionsInput,
  MatchingCount,
  Page,
  RevokeManyResult,
  RevokeResult,
  SessionFilter,
  SessionInfo,
  SessionStats,
  SessionStatusFilter,
} from "../domain/types.js";
import type { SessionQueryFilter } from "../store/store.js";
import type { RevokeOptions, ServiceContext } from "./context.js";

const TOP_N = 10;
const SAMPLE_SIZE = 10;
const STATS_DAYS = 30;

function refuseCurrent(id: string, ctx: CallContext | undefined): void {
  if (ctx?.currentSessionId && ctx.currentSessionId === id) {
    throw new ValidationError(
      "You cannot revoke the session you are signed in with; sign out instead (auth.logout).",
      [{ path: "id", message: "is your current session" }],
    );
  }
}

function serializeFilter(filter: SessionFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}

export function sessions({
  store,
  config,
  now,
  emit,
  auditEvent,
  revocation,
  metrics,
  windowTuning,
}: ServiceContext) {
  async function listSessions(
    filter: SessionFilter,
    sort: { by: "createdAt" | "lastSeenAt" | "expiresAt"; dir: "asc" | "desc" },
    limit: number,
    cursor: string | null | undefined,
    ctx: CallContext | undefined,
  ): Promise<Page<SessionInfo>> {
    const order = `${sort.by}:${sort.dir}`;
    const after = decodeCursor(order, cursor);
    const scope = statusScope(now(), config);
    const rows = await store.listSessions({ filter, scope, sort, after, limit: limit + 1 });
    return toPage(
      rows,
      limit,
      (r) => toSessionInfo(r.session, r.user, scope, ctx?.currentSessionId),
      (r) => ({ value: r.session[sort.by], id: r.session.id }),
      order,
    );
  }

  return {
    /** Sessions matching a filter (default: active), newest first unless sorted otherwise. */
    async listActiveSessions(input: ListSessionsInput = {}, ctx?: CallContext): Promise<Page<SessionInfo>> {
      const { limit, cursor, filter, sort } = parseInput(listSessionsSchema, input);
      return listSessions(filter, sort, limit, cursor, ctx);
    },

    /** One user's sessions, newest first (default: all statuses, so revoked and expired show as such). */
    async listUserSessions(
      userId: string,
      input: { limit?: number; cursor?: string | null; status?: SessionStatusFilter } = {},
      ctx?: CallContext,
    ): Promise<Page<SessionInfo>> {
      const id = parseInput(idSchema, userId, "userId");
      const { limit, cursor, status } = parseInput(listUserSessionsSchema, input);
      return listSessions({ userId: id, status }, { by: "createdAt", dir: "desc" }, limit, cursor, ctx);
    },

    async getSessionInfo(id: string, ctx?: CallContext): Promise<SessionInfo | null> {
      const sessionId = parseInput(idSchema, id, "id");
      const row = await store.getSession(sessionId);
      return row
        ? toSessionInfo(row.session, row.user, statusScope(now(), config), ctx?.currentSessionId)
        : null;
    },

    /** Revokes one live session. Unknown and already-revoked ids are both not_found. */
    async revokeSession(id: string, opts: RevokeOptions = {}): Promise<RevokeResult> {
      const sessionId = parseInput(idSchema, id, "id");
      const reason = parseInput(reasonSchema, opts.reason, "reason");
      refuseCurrent(sessionId, opts);
      const revoked = await store.revokeSessions(
        { kind: "id", id: sessionId },
        revocation(opts, "revoked", reason),
        auditEvent(opts, "session.revoked", { type: "session", id: sessionId }, { reason }),
      );
      if (revoked === 0) return { ok: false, error: "not_found" };
      metrics.sessionsEnded("revoked", revoked);
      emit({ type: "session.revoked", sessionId, userId: null });
      return { ok: true };
    },

    /** Revokes every live session of a user, except the caller's own; returns how many. */
    async revokeUserSessions(userId: string, opts: RevokeOptions = {}): Promise<number> {
      const id = parseInput(idSchema, userId, "userId");
      const reason = parseInput(reasonSchema, opts.reason, "reason");
      const audit = auditEvent(opts, "user.sessions_revoked", { type: "user", id }, { reason });
      const selector = { kind: "user", userId: id, exceptSessionId: opts.currentSessionId ?? null } as const;
      const how = revocation(opts, "user_revoked", reason);
      const count = await inBatches(store, audit, (batch) =>
        store.revokeSessions(selector, how, audit, batch),
      );
      if (count > 0) {
        metrics.sessionsEnded("user_revoked", count);
        emit({ type: "user.sessions_revoked", userId: id, count });
      }
      return count;
    },

    /**
     * Revokes every session matching a filter (never the caller's own). With dryRun, only reports
     * how many match and a sample, so a console can show exactly what a confirmation will do; the
     * count is exact and may take seconds on millions of sessions, so `preview` can follow it
     * (onProgress after each window of ~200 ms; a filter counted in one statement reports only its
     * start and end) and stop it between windows (signal: the promise then rejects with the
     * signal's reason). See windowed-count.ts.
     */
    async revokeSessions(
      input: { filter: SessionFilter; dryRun?: boolean; reason?: string | null },
      ctx?: CallContext,
      preview: RevokePreviewOptions = {},
    ): Promise<RevokeManyResult> {
      const { filter, dryRun, reason } = parseInput(revokeManySchema, input);
      const scope = statusScope(now(), config);
      // Revoked sessions cannot be revoked again, so "all" means every live one; the caller's own
      // session is never included (sign out for that), matching revokeUserSessions.
      const target: SessionQueryFilter = {
        ...filter,
        status: filter.status === "all" ? "live" : filter.status,
        excludeId: ctx?.currentSessionId ?? null,
      };
      if (target.status === "revoked") return { matched: 0, revoked: 0, sample: [] };
      const sampling = store
        .listSessions({
          filter: target,
          scope,
          sort: { by: "createdAt", dir: "desc" },
          after: null,
          limit: SAMPLE_SIZE,
        })
        .then((rows) => rows.map((r) => toSessionInfo(r.session, r.user, scope, ctx?.currentSessionId)));
      if (dryRun) {
        // The sample is one index page: shown while the count goes on.
        const [matched, sample] = await Promise.all([
          countWindowed(store, target, scope, { ...preview, tuning: { ...windowTuning, ...preview.tuning } }),
          sampling.then((sample) => {
            preview.onSample?.(sample);
            return sample;
          }),
        ]);
        return { matched, revoked: 0, sample };
      }
      // Not counted for a revocation (see RevokeManyResult.matched).
      const sample = await sampling;
      if (sample.length === 0) return { matched: 0, revoked: 0, sample };
      const audit = auditEvent(ctx, "sessions.revoked_many", null, {
        reason,
        data: { filter: serializeFilter(filter) },
      });
      const how = revocation(ctx, "bulk", reason);
      // Batches, each its own transaction, yielding between them: validations keep being served.
      const revoked = await inBatches(store, audit, (batch) =>
        store.revokeSessions({ kind: "filter", filter: target, scope }, how, audit, batch),
      );
      if (revoked > 0) {
        metrics.sessionsEnded("bulk", revoked);
        emit({ type: "sessions.revoked_many", count: revoked });
      }
      return { matched: revoked, revoked, sample };
    },

    /** Number of active sessions, optionally narrowed by the same filters as the list. */
    async countActiveSessions(filter: Omit<SessionFilter, "status"> = {}): Promise<number> {
      const parsed = parseInput(listSessionsSchema, { filter: { ...filter, status: "active" } }).filter;
      return store.countSessions(parsed, statusScope(now(), config));
    },

    /** Number of sessions matching the same filter as the list (default: active): "N matching". */
    async countSessions(filter: SessionFilter = {}): Promise<number> {
      const parsed = parseInput(sessionFilterSchema, filter, "filter");
      return store.countSessions(parsed, statusScope(now(), config));
    },

    /**
     * "N matching" with bounded work: exact where the count is cheap (the maintained figures serve
     * it, or fewer than LIMITS.matchingCount sessions match), else "at least LIMITS.matchingCount".
     * Counting stops one past the cap, so "10,000+" is only said of 10,001 or more.
     */
    async countMatching(filter: SessionFilter = {}): Promise<MatchingCount> {
      const parsed = parseInput(sessionFilterSchema, filter, "filter");
      const cap = LIMITS.matchingCount;
      const counted = await store.countSessions(parsed, statusScope(now(), config), cap + 1);
      // More than cap + 1 comes only from a cheap exact count (the maintained figures, few users).
      return counted === cap + 1 ? { count: cap, exact: false } : { count: counted, exact: true };
    },

    async getSessionStats(): Promise<SessionStats> {
      const at = now();
      const { starts, end } = localDays(at, config.timezone, STATS_DAYS);
      const rows = await store.sessionStats({
        scope: statusScope(at, config),
        todayStart: starts[starts.length - 1]!,
        dayStarts: starts,
        end,
        topN: TOP_N,
      });
      return {
        ...rows,
        createdPerDay: starts.map((start, i) => ({
          date: localDate(start, config.timezone),
          count: rows.createdPerDay[i] ?? 0,
        })),
        timezone: config.timezone,
        generatedAt: at,
      };
    },
  };
}
