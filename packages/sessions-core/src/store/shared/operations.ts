// Every store operation where the dialects agree, written once (see steps.ts for how they run).
// They persist what they are given: no rule decides here what to write (see ../store.ts).
import {
  and,
  asc,
  count,
  countDistinct,
  desc,
  eq,
  gt,
  gte,
  inArray,
  type Column,
  isNotNull,
  isNull,
  lt,
  lte,
  not,
  notExists,
  or,
  sql,
  type SQL,
  type SQLWrapper,
} from "drizzle-orm";
import type {
  ApiKeyRecord,
  AuditQuery,
  InsertApiKeyResult,
  OperatorGuard,
  UserChangeRefusal,
  AuditRecord,
  InsertSessionResult,
  PruneCutoff,
  Revocation,
  RevokeSelector,
  Batch,
  SessionQuery,
  SessionLimit,
  SessionQueryFilter,
  SessionRecord,
  UserWindowKey,
  StatsQuery,
  StatsRows,
  SignInAttemptCount,
  StatusScope,
  UserQuery,
  UserRecord,
} from "../store.js";
import { inactiveReason } from "../../domain/rules.js";
import type { SessionKind, UserRole, UserStatus } from "../../domain/types.js";
import type { Context, RevokedRow } from "./context.js";
import * as c from "./counters.js";
import * as q from "./query-parts.js";
import { outboxWrites, sessionCreated, sessionEnded, type OutboxMessage } from "./outbox.js";
import { all, call, get, parallel, run, type Operation } from "./steps.js";

/** The lookups on the hot path, for each dialect to prepare once (SQLite unnamed, Postgres named). */
export function lookupQueries({ on, t }: Pick<Context, "on" | "t">) {
  return {
    byTokenHash: on
      .select({ session: t.sessions, user: t.users })
      .from(t.sessions)
      .innerJoin(t.users, eq(t.sessions.userId, t.users.id))
      .where(eq(t.sessions.tokenHash, sql.placeholder("tokenHash"))),
    userById: on
      .select()
      .from(t.users)
      .where(eq(t.users.id, sql.placeholder("id"))),
    userByEmail: on
      .select()
      .from(t.users)
      .where(eq(t.users.email, sql.placeholder("email"))),
    sessionById: on
      .select({ session: t.sessions, user: t.sessionUser })
      .from(t.sessions)
      .innerJoin(t.users, eq(t.sessions.userId, t.users.id))
      .where(eq(t.sessions.id, sql.placeholder("id"))),
    apiKeyByHash: on
      .select()
      .from(t.apiKeys)
      .where(eq(t.apiKeys.keyHash, sql.placeholder("keyHash"))),
    /**
     * A user's unrevoked app sessions (the per-user limit's count, on every create when it is on),
     * by sessions_user_created_idx. Deliberately no expiry range and no ORDER BY: with either,
     * SQLite's planner (with statistics) preferred walking sessions_live_expires_idx or
     * sessions_last_seen_at_idx, the whole table, over the user's few rows.
     */
    unrevokedAppSessions: on
      .select()
      .from(t.sessions)
      .where(
        and(
          eq(t.sessions.userId, sql.placeholder("userId")),
          eq(t.sessions.kind, "app"),
          isNull(t.sessions.revokedAt),
        ),
      ),
  };
}

function idsMatching({ on, t }: Context) {
  return (condition: SQL | undefined) =>
    on
      .select({ id: t.sessions.id })
      .from(t.sessions)
      .innerJoin(t.users, eq(t.sessions.userId, t.users.id))
      .where(condition);
}

/** Sessions matching `condition`, read from `from` (a dialect's choice of the table's index, see DialectHooks.liveSessionsByExpiry). */
export function* countWhere({ on, t }: Context, condition: SQL | undefined, from?: SQL): Operation<number> {
  return (
    (yield* get(
      on
        .select({ n: count() })
        .from(from ?? t.sessions)
        .where(condition),
    ))?.n ?? 0
  );
}

// ---- users ----

export function* insertUser(
  { on, t }: Context,
  user: UserRecord,
  audit: AuditRecord | null,
): Operation<void> {
  yield* run(on.insert(t.users).values(user));
  if (audit) yield* run(on.insert(t.auditEvents).values(audit));
}

export function* listUsers(x: Context, query: UserQuery): Operation<UserRecord[]> {
  const { on, t, h } = x;
  const few = yield* call(() => h.usersMatching(query.search, true));
  if (few?.length === 0) return [];
  // Each order has its index, and a role or status filter its own (role|status, order) ones: few
  // users are operators or disabled, and walking every user's entry to find them would be a scan.
  // Emails are unique: that order needs no id after it (and the email indexes carry none).
  const { by, dir } = query.sort;
  const byEmail = by === "email";
  const after = query.after;
  const keyset = byEmail
    ? after &&
      (dir === "asc" ? gt(t.users.email, String(after.value)) : lt(t.users.email, String(after.value)))
    : q.keysetAfter(t.users.createdAt, t.users.id, dir, after);
  const order = byEmail
    ? [dir === "asc" ? asc(t.users.email) : desc(t.users.email)]
    : q.keysetOrder(t.users.createdAt, t.users.id, dir);
  return yield* all(
    on
      .select()
      .from(t.users)
      .where(
        and(
          few ? inArray(t.users.id, few) : undefined,
          query.search ? h.userSearch(query.search) : undefined,
          query.status ? eq(t.users.status, query.status) : undefined,
          query.role ? eq(t.users.role, query.role) : undefined,
          keyset ?? undefined,
        ),
      )
      .orderBy(...order)
      .limit(query.limit),
  );
}

export function* countActiveSessionsByUser(
  { on, t }: Context,
  userIds: string[],
  scope: StatusScope,
): Operation<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = yield* all(
    on
      .select({ userId: t.sessions.userId, n: count() })
      .from(t.sessions)
      .where(and(inArray(t.sessions.userId, userIds), q.activeCondition(t.sessions, scope)))
      .groupBy(t.sessions.userId),
  );
  return new Map(rows.map((r) => [r.userId, r.n]));
}

const NO_GUARD: OperatorGuard = { refuseOperator: false, keepAnAdmin: false };

/**
 * Checks a change to a user's status or role against the guard, inside the change's transaction:
 * the hook locks the target and every active admin first (Postgres FOR UPDATE; SQLite's write
 * transaction already holds the database's write lock), so of two concurrent demotions of the last
 * two admins the second reads the first's result and refuses. Null when the change may go ahead.
 */
function* refusalOf(
  x: Context,
  userId: string,
  after: { status?: UserStatus; role?: UserRole },
  guard: OperatorGuard,
): Operation<{ refusal: UserChangeRefusal | null; before: UserRecord | undefined }> {
  const { on, t, h } = x;
  if (guard.refuseOperator || guard.keepAnAdmin) yield* call(() => h.lockOperators(userId));
  const before = yield* get(on.select().from(t.users).where(eq(t.users.id, userId)));
  if (!before) return { refusal: { ok: false, error: "not_found" }, before };
  if (guard.refuseOperator && before.role !== "user") {
    return { refusal: { ok: false, error: "is_operator" }, before };
  }
  const activeAdmin = (u: { role: UserRole; status: UserStatus }) =>
    u.role === "admin" && u.status === "active";
  if (guard.keepAnAdmin && activeAdmin(before) && !activeAdmin({ ...before, ...after })) {
    const others = yield* get(
      on
        .select({ n: count() })
        .from(t.users)
        .where(and(eq(t.users.role, "admin"), eq(t.users.status, "active"), sql`${t.users.id} <> ${userId}`)),
    );
    if ((others?.n ?? 0) === 0) return { refusal: { ok: false, error: "last_admin" }, before };
  }
  return { refusal: null, before };
}

export function* setUserStatus(
  x: Context,
  userId: string,
  status: UserStatus,
  at: Date,
  revocation: Revocation | null,
  audit: AuditRecord,
  guard: OperatorGuard = NO_GUARD,
  revokeLimit?: number,
): Operation<
  { ok: true; user: UserRecord; revokedSessions: number; moreSessions: boolean } | UserChangeRefusal
> {
  const { on, t, h } = x;
  const { refusal } = yield* refusalOf(x, userId, { status }, guard);
  if (refusal && refusal.error !== "not_found") return refusal;
  const user = yield* get(
    on.update(t.users).set({ status, updatedAt: at }).where(eq(t.users.id, userId)).returning(),
  );
  if (!user) return { ok: false, error: "not_found" };
  let revokedSessions = 0;
  let moreSessions = false;
  const messages: OutboxMessage[] = [
    { type: status === "disabled" ? "user.disabled" : "user.enabled", data: { userId } },
  ];
  if (revocation) {
    const batch =
      revokeLimit === undefined
        ? undefined
        : { limit: revokeLimit, countBefore: 0, after: null, done: false };
    const revoked = yield* revokeWhere(x, { kind: "user", userId }, revocation, batch);
    messages.push(...sessionEnded(revoked, revocation));
    yield* call(() => h.countRevoked(revoked, outboxWrites(x, at, messages)));
    revokedSessions = revoked.length;
    moreSessions = batch !== undefined && !batch.done;
  } else {
    // No session changed: the hook only sends the outbox writes (countRevoked of no rows).
    yield* call(() => h.countRevoked([], outboxWrites(x, at, messages)));
  }
  yield* run(
    on
      .insert(t.auditEvents)
      .values(revocation ? endedAudit(audit, revocation, revokedSessions) : { ...audit, count: 0 }),
  );
  return { ok: true, user, revokedSessions, moreSessions };
}

export function* setUserRole(
  x: Context,
  userId: string,
  role: UserRole,
  at: Date,
  audit: AuditRecord,
  guard: OperatorGuard,
): Operation<{ ok: true; user: UserRecord } | UserChangeRefusal> {
  const { on, t } = x;
  const { refusal, before } = yield* refusalOf(x, userId, { role }, guard);
  if (refusal || !before) return refusal ?? { ok: false, error: "not_found" };
  const user = yield* get(
    on.update(t.users).set({ role, updatedAt: at }).where(eq(t.users.id, userId)).returning(),
  );
  if (!user) return { ok: false, error: "not_found" };
  // The role before is only known here, inside the transaction that changed it.
  yield* run(
    on.insert(t.auditEvents).values({ ...audit, data: { ...audit.data, from: before.role, to: role } }),
  );
  return { ok: true, user };
}

export function* setPasswordHash(
  { on, t }: Context,
  userId: string,
  previous: string | null,
  hash: string,
  at: Date,
  audit: AuditRecord | null,
): Operation<boolean> {
  const u = t.users;
  const row = yield* get(
    on
      .update(u)
      .set({ passwordHash: hash, updatedAt: at })
      .where(and(eq(u.id, userId), previous === null ? isNull(u.passwordHash) : eq(u.passwordHash, previous)))
      .returning({ id: u.id }),
  );
  if (!row) return false;
  if (audit) yield* run(on.insert(t.auditEvents).values(audit));
  return true;
}

// ---- sign-in limits ----

export function* countSignInAttempt(
  { on, t }: Context,
  email: string,
  address: string,
  at: Date,
  restartBefore: Date,
): Operation<SignInAttemptCount> {
  const a = t.signInAttempts;
  // One statement: both engines lock the conflicting row for the update, so N concurrent attempts
  // return the counts 1..N, never the same one twice. `excluded` is the row this insert proposed.
  const restart = lte(a.updatedAt, restartBefore);
  const row = yield* get(
    on
      .insert(a)
      .values({ email, address, attempts: 1, windowStart: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [a.email, a.address],
        set: {
          attempts: sql`case when ${restart} then 1 else ${a.attempts} + 1 end`,
          windowStart: sql`case when ${restart} then excluded.window_start else ${a.windowStart} end`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .returning({ attempts: a.attempts, windowStart: a.windowStart }),
  );
  // An upsert always returns its row.
  return row ?? { attempts: 1, windowStart: at };
}

export function clearSignInAttempts({ on, t }: Context, email: string, address: string) {
  const a = t.signInAttempts;
  return run(on.delete(a).where(and(eq(a.email, email), eq(a.address, address))));
}

export function* pruneSignInAttempts({ on, t }: Context, before: Date, limit: number): Operation<number> {
  const a = t.signInAttempts;
  // Bounded: at most `limit` rows per call, oldest first, so a flood of addresses is cleared in steps.
  const stale = on
    .select({ email: a.email, address: a.address })
    .from(a)
    .where(lt(a.updatedAt, before))
    .orderBy(a.updatedAt)
    .limit(limit);
  const deleted = yield* all(
    on
      .delete(a)
      .where(sql`(${a.email}, ${a.address}) in (${stale})`)
      .returning({ email: a.email }),
  );
  return deleted.length;
}

// ---- sessions ----

/** Whether a session limit bounds this create (it applies to app sessions only). */
export function limitBounds(session: SessionRecord, limit: SessionLimit | null | undefined): boolean {
  return limit != null && session.kind === "app";
}

export function* insertSession(
  x: Context,
  session: SessionRecord,
  audit: AuditRecord | null,
  limit?: SessionLimit | null,
): Operation<InsertSessionResult> {
  const { h } = x;
  const bounded = limitBounds(session, limit);
  const user = yield* call(() => h.sessionOwner(session.userId, bounded));
  if (!user) return { ok: false, error: "user_not_found" };
  if (user.status !== "active") return { ok: false, error: "user_disabled" };
  let evicted: SessionRecord[] = [];
  if (bounded && limit) {
    const made = yield* makeRoom(x, session.userId, limit);
    if (made === null) return { ok: false, error: "limit_reached" };
    evicted = made;
  }
  const messages = [sessionCreated(session), ...(limit ? sessionEnded(evicted, limit.revocation) : [])];
  yield* call(() => h.insertSession(session, audit, outboxWrites(x, session.createdAt, messages)));
  return { ok: true, user, evicted };
}

/**
 * Room for one more app session under the limit, read and made with the owner locked (sessionOwner),
 * so concurrent creates for one user each count what the one before committed. Evicts the least
 * recently seen active app sessions (as many as the new one needs: more than one only after the limit
 * was lowered), each with its audit event; null when the policy is deny and there is no room.
 * Served by sessions_user_created_idx (the user's rows only).
 */
function* makeRoom(x: Context, userId: string, limit: SessionLimit): Operation<SessionRecord[] | null> {
  const { on, t, h } = x;
  const s = t.sessions;
  // Which of them are still active (expiry, idle timeout) is decided by the domain's own rule.
  const unrevoked = yield* call(() => h.unrevokedAppSessions(userId));
  const live = unrevoked
    .filter((r) => inactiveReason(r, limit.scope) === null)
    // Least recently seen first: the ones an eviction ends.
    .sort(
      (a, b) => a.lastSeenAt.getTime() - b.lastSeenAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const excess = live.length - limit.max + 1;
  if (excess <= 0) return [];
  if (limit.policy === "deny") return null;
  const victims = live.slice(0, excess);
  const revoked = yield* all(
    on
      .update(s)
      .set(revocationColumns(limit.revocation))
      .where(
        and(
          inArray(
            s.id,
            victims.map((v) => v.id),
          ),
          q.notRevoked(s),
        ),
      )
      .returning(t.revokedColumns),
  );
  const ended = victims.filter((v) => revoked.some((r) => r.id === v.id));
  yield* call(() =>
    h.countRevoked(
      revoked,
      ended.map((v) =>
        on.insert(t.auditEvents).values(endedAudit(limit.evictionAudit(v), limit.revocation, 1)),
      ),
    ),
  );
  return ended.map((v) => ({ ...v, ...revocationColumns(limit.revocation) }));
}

/**
 * A revocation's audit event as written: the count it ended and its end reason in data (what the
 * audit log shows and filters by), whatever operation ended them, so no caller can leave it out.
 */
function endedAudit(audit: AuditRecord, revocation: Revocation, count: number | null): AuditRecord {
  return { ...audit, count, data: { ...audit.data, endReason: revocation.endReason } };
}

/** What a revocation writes on each row it ends. */
function revocationColumns(r: Revocation) {
  return { revokedAt: r.at, revokedBy: r.by, revokeReason: r.reason, endReason: r.endReason };
}

export function* listSessions(x: Context, query: SessionQuery) {
  const { on, t, h } = x;
  const column = q.sortColumn(t.sessions, query.sort);
  // Few matching users: their sessions through the user index. More (SQLite: "sanchez", 1,274 of
  // 100k users): the sort-index walk tests each entry's user id before reading its row (page 1 read
  // ~16k entries). Many: the walk tests the email, matches being dense.
  const users = yield* call(() => h.usersForList(query.filter.email));
  if (users && "few" in users && users.few.length === 0) return [];
  // A page walks the sort column's index from the cursor and joins each session's user by key, so
  // a deep page costs what the first one costs. FROM sessions CROSS JOIN users with the join in
  // WHERE says so to SQLite, which never reorders a CROSS JOIN; with planner statistics and an inner
  // join it scanned users first and sorted every match instead (a keyset page at 1M: 259 ms, not
  // 1 ms; a whole export, minutes). Postgres plans it exactly as the inner join it means.
  return yield* all(
    on
      .select({ session: t.sessions, user: t.sessionUser })
      .from(t.sessions)
      .crossJoin(t.users)
      .where(
        and(
          eq(t.sessions.userId, t.users.id),
          users ? ("few" in users ? inArray(t.sessions.userId, users.few) : users.walk) : undefined,
          q.sessionFilterCondition(t.sessions, t.users, query.filter, query.scope, h.emailContains),
          q.keysetAfter(column, t.sessions.id, query.sort.dir, query.after),
        ),
      )
      .orderBy(...q.keysetOrder(column, t.sessions.id, query.sort.dir))
      .limit(query.limit),
  );
}

export function* countSessions(
  x: Context,
  filter: SessionQueryFilter,
  scope: StatusScope,
  /** Stop counting there (the answer is then at most this): bounded work for "N matching". */
  limit?: number,
): Operation<number> {
  const maintained = yield* maintainedCount(x, filter, scope);
  if (maintained !== null) return maintained;
  const few = yield* call(() => x.h.usersMatching(filter.email, false));
  return yield* countRows(x, filter, scope, few, limit);
}

/** The count from the rows, through the few matching users' sessions when there are few. */
function* countRows(
  x: Context,
  filter: SessionQueryFilter,
  scope: StatusScope,
  few: string[] | null,
  limit: number | undefined,
): Operation<number> {
  const { on, t } = x;
  if (few?.length === 0) return 0;
  const condition = and(
    few ? inArray(t.sessions.userId, few) : undefined,
    q.sessionFilterCondition(t.sessions, t.users, filter, scope),
  );
  const needsUsers = q.filterNeedsUsers(filter);
  if (limit === undefined) {
    if (!needsUsers) return yield* countWhere(x, condition);
    if (filter.usersAfter !== undefined || filter.usersThrough !== undefined) {
      // A window of users (windowed-count.ts): users outer, by their window key, then each one's
      // sessions (through sessions_user_created_idx).
      // Joined the other way SQLite carried the users.id range over to sessions.user_id and
      // walked every session in it, reading each row and its user: at 10M the acme.io windows
      // took 17.8 s against 1.4 s for the whole count. It never reorders a CROSS JOIN.
      const row = yield* get(
        on
          .select({ n: count() })
          .from(t.users)
          .crossJoin(t.sessions)
          .where(
            and(
              eq(t.sessions.userId, t.users.id),
              condition,
              filter.usersAfter != null ? gt(x.h.userWindowKey, filter.usersAfter) : undefined,
              filter.usersThrough != null ? lte(x.h.userWindowKey, filter.usersThrough) : undefined,
            ),
          ),
      );
      return row?.n ?? 0;
    }
    const row = yield* get(
      on
        .select({ n: count() })
        .from(t.sessions)
        .innerJoin(t.users, eq(t.sessions.userId, t.users.id))
        .where(condition),
    );
    return row?.n ?? 0;
  }
  // count(*) over the first `limit` matches: the scan stops at the limit, whatever the table's size.
  const matches = on.select({ one: sql`1`.as("one") }).from(t.sessions);
  const limited = (needsUsers ? matches.innerJoin(t.users, eq(t.sessions.userId, t.users.id)) : matches)
    .where(condition)
    .limit(limit)
    .as("matches");
  return (yield* get(on.select({ n: count() }).from(limited)))?.n ?? 0;
}

/**
 * The exact count when bounded work answers it, else null (the count would walk rows in
 * proportion to the table): the maintained figures, or an email search matching few users (their
 * sessions through the user index).
 */
export function* cheapCount(
  x: Context,
  filter: SessionQueryFilter,
  scope: StatusScope,
): Operation<number | null> {
  const maintained = yield* maintainedCount(x, filter, scope);
  if (maintained !== null) return maintained;
  const few = yield* call(() => x.h.usersMatching(filter.email, false));
  return few === null ? null : yield* countRows(x, filter, scope, few, undefined);
}

/**
 * The count from the maintained figures (status active, live or expired, narrowed at most by
 * browser and OS), or null where they cannot answer. The caller's own session, which a bulk revoke
 * leaves out (excludeId), is subtracted after one keyed lookup: before, a signed-in admin's dry run
 * of "browser Chrome" walked every Chrome row while an API key's was answered from the figures.
 */
function* maintainedCount(
  x: Context,
  filter: SessionQueryFilter,
  scope: StatusScope,
): Operation<number | null> {
  const { excludeId, ...counted } = filter;
  const asked = c.countersServe(scope) ? c.maintainedNarrowing(counted) : null;
  if (!asked) return null;
  const all = yield* maintainedFigure(x, scope, asked.narrowing, asked.figure);
  if (!excludeId) return all;
  const s = x.t.sessions;
  const own = yield* get(
    x.on
      .select({ id: s.id })
      .from(s)
      .where(and(eq(s.id, excludeId), q.sessionFilterCondition(s, x.t.users, counted, scope))),
  );
  return own ? all - 1 : all;
}

/** Every user, counted from the primary key. */
export function* countAllUsers({ on, t }: Context): Operation<number> {
  return (yield* get(on.select({ n: count() }).from(t.users)))?.n ?? 0;
}

/** The window key `skip` users past `after` (a walk of `skip` keys), or null past the last user. */
export function* userKeyAfter(
  { on, t, h }: Context,
  after: UserWindowKey | null,
  skip: number,
): Operation<UserWindowKey | null> {
  const key = h.userWindowKey;
  const row = yield* get(
    on
      .select({ key: sql<UserWindowKey>`${key}` })
      .from(t.users)
      .where(after === null ? undefined : gt(key, after))
      .orderBy(asc(key))
      .limit(1)
      .offset(Math.max(0, skip - 1)),
  );
  return row?.key ?? null;
}

/** The oldest and newest session's created_at (an index probe at each end), or null with no sessions. */
export function* sessionsCreatedSpan(x: Context): Operation<{ oldest: Date; newest: Date } | null> {
  const s = x.t.sessions;
  const end = (dir: typeof asc) =>
    get(x.on.select({ at: s.createdAt }).from(s).orderBy(dir(s.createdAt)).limit(1));
  const [oldest, newest] = yield* parallel([end(asc), end(desc)]);
  return oldest && newest ? { oldest: oldest.at, newest: newest.at } : null;
}

/**
 * The next batch's sessions: at most batch.limit ids matching `condition`, read before they are
 * changed, so the batch knows it is the last when it finds fewer (a count of rows changed could
 * fall short because a concurrent change got some first, and end the job early). It walks
 * (order, id) from batch.after, an order an index serves (revocations: createdAt, which every
 * sessions index ends with; prune: the column of its condition): a revocation's earlier batches
 * leave their rows in the index (now revoked), Postgres keeps deleted rows in its indexes until
 * vacuum, and starting each batch where the last stopped keeps it from stepping over them again
 * (without it, batch k reads k × limit rows first).
 */
function* pick(x: Context, condition: SQL, batch: Batch, order: Column): Operation<string[]> {
  const s = x.t.sessions;
  const rows = yield* all(
    x.on
      // mapWith(order): the column's own mapping, so the cursor is the Date the row holds.
      .select({ id: s.id, value: sql<Date | null>`${order}`.mapWith(order) })
      .from(s)
      .where(and(condition, q.keysetAfter(order, s.id, "asc", batch.after)))
      .orderBy(...q.keysetOrder(order, s.id, "asc"))
      .limit(batch.limit),
  );
  const last = rows.at(-1);
  if (last && last.value instanceof Date) batch.after = { value: last.value, id: last.id };
  return rows.map((r) => r.id);
}

/**
 * What a revocation's next batch reads: the selector's condition, starting where the last batch
 * stopped. The row-value cursor is then the only lower bound on created_at: the filter's own
 * created-from is dropped once the cursor is past it (SQLite, given a second lower bound, ranged on
 * that one and read every earlier batch's rows again: 30+ ms per batch of 500 at 200k sessions),
 * and no created-from is added either: at 1M sessions, a `created_at >= cursor` added beside the
 * row value let SQLite's stat4 estimates flip the plan part-way through a job to a skip-scan of
 * the browser index plus a sort of the whole rest of the range (546-810 ms per batch of 25 from
 * batch ~690 on, so a 100k revocation would have taken hours; with the row value alone 99k
 * revoked in 20 s, every batch 4-6 ms).
 */
function pickCondition(x: Context, selector: RevokeSelector, batch: Batch, condition: SQL): SQL {
  const after = batch.after;
  if (!after || selector.kind !== "filter") return condition;
  const from = selector.filter.createdFrom;
  const narrowed = {
    ...selector,
    filter: { ...selector.filter, createdFrom: from && from > after.value ? from : undefined },
  };
  return q.revokeSelectorCondition(x.t.sessions, x.t.users, narrowed, idsMatching(x));
}

function* revokeWhere(
  x: Context,
  selector: RevokeSelector,
  revocation: Revocation,
  batch: Batch | undefined,
): Operation<RevokedRow[]> {
  const { on, t } = x;
  const condition = q.revokeSelectorCondition(t.sessions, t.users, selector, idsMatching(x));
  let where = condition;
  if (batch) {
    const ids = yield* pick(x, pickCondition(x, selector, batch, condition), batch, t.sessions.createdAt);
    batch.done = ids.length < batch.limit;
    if (ids.length === 0) return [];
    // By id alone (a primary-key lookup each), plus "not revoked": on Postgres a row a concurrent
    // transaction revoked meanwhile is re-checked against this statement's WHERE, so it is neither
    // revoked nor counted twice. Repeating the whole filter here would let the planner choose the
    // filter's range scan over the ids, reading the whole match again for every batch.
    where = and(inArray(t.sessions.id, ids), q.notRevoked(t.sessions))!;
  }
  return yield* all(
    on.update(t.sessions).set(revocationColumns(revocation)).where(where).returning(t.revokedColumns),
  );
}

/** The one audit event of a bulk change goes with its last batch (or its only run), counting all. */
function finalCount(batch: Batch | undefined, changed: number): number | null {
  const total = (batch?.countBefore ?? 0) + changed;
  const last = !batch || batch.done;
  return last && total > 0 ? total : null;
}

export function* revokeSessions(
  x: Context,
  selector: RevokeSelector,
  revocation: Revocation,
  audit: AuditRecord,
  batch?: Batch,
): Operation<number> {
  const revoked = yield* revokeWhere(x, selector, revocation, batch);
  // The audit event is written as given (its target chosen by the service), counting what changed.
  const total = finalCount(batch, revoked.length);
  const along: SQLWrapper[] =
    total !== null ? [x.on.insert(x.t.auditEvents).values(endedAudit(audit, revocation, total))] : [];
  if (revoked.length > 0)
    along.push(...outboxWrites(x, revocation.at, revokedMessages(selector, revocation, revoked)));
  yield* call(() => x.h.countRevoked(revoked, along));
  return revoked.length;
}

/**
 * What a revocation tells webhooks: a session.ended per session, except a bulk revoke's, which is
 * one sessions.bulk_revoked per batch (its count and the filter), not thousands of messages.
 */
function revokedMessages(selector: RevokeSelector, r: Revocation, revoked: RevokedRow[]): OutboxMessage[] {
  if (selector.kind !== "filter") return sessionEnded(revoked, r);
  return [
    {
      type: "sessions.bulk_revoked",
      data: {
        count: revoked.length,
        filter: publicFilter(selector.filter),
        endReason: r.endReason,
        at: r.at.toISOString(),
      },
    },
  ];
}

/** The filter as a receiver can read it: what was set, without the store's own narrowing. */
function publicFilter(filter: SessionQueryFilter): Record<string, unknown> {
  const { excludeId: _excluded, status, ...rest } = filter;
  const set = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return { ...Object.fromEntries(set), ...(status && status !== "live" ? { status } : {}) };
}

export function* prune(
  x: Context,
  cutoff: PruneCutoff,
  audit: AuditRecord,
  batch?: Batch,
): Operation<number> {
  const { on, t, h } = x;
  const conditions = q.pruneConditions(t.sessions, cutoff);
  let removed = 0;
  let room = batch?.limit ?? Infinity;
  // With a batch: the conditions one after another (batch.stage), each walked in its own column's
  // index order from batch.after, so no batch reads what an earlier one deleted (Postgres keeps
  // deleted rows in its indexes until vacuum; reading past them again made each batch slower).
  for (let stage = batch?.stage ?? 0; stage < conditions.length && room > 0; stage++) {
    const { condition, column } = conditions[stage]!;
    let where: SQL = condition;
    if (batch) {
      // A copy with the room left as its limit; the cursor it moves is copied back.
      const step = { ...batch, limit: room };
      const ids = yield* pick(x, condition, step, column);
      batch.after = step.after;
      room -= ids.length;
      if (ids.length === 0 || room > 0) {
        // This condition has nothing left: the next one starts from its beginning.
        batch.stage = stage + 1;
        batch.after = null;
      }
      if (ids.length === 0) continue;
      // By id alone: picked in this transaction, and a row deleted meanwhile is simply not there.
      where = inArray(t.sessions.id, ids);
    }
    const deleted = yield* all(on.delete(t.sessions).where(where).returning(t.deletedColumns));
    // A user's live_until stays right: a deleted live session had expired, so a user still
    // holding an active session keeps its (later) latest expiry, and the others stay in the past.
    yield* call(() => h.countDeleted(deleted));
    removed += deleted.length;
    if (batch && room === 0) break;
  }
  if (batch) batch.done = (batch.stage ?? 0) >= conditions.length;
  const total = finalCount(batch, removed);
  if (total !== null) yield* run(on.insert(t.auditEvents).values({ ...audit, count: total }));
  return removed;
}

/**
 * How many sessions prune would delete now (the console's "Clean up now" and a dry run). A session
 * can match two conditions (revoked, then expired), so each condition counts only what no earlier
 * one does: still a range on each condition's own index, never one OR that SQLite would scan.
 */
export function* countPrunable(x: Context, cutoff: PruneCutoff): Operation<number> {
  const conditions = q.pruneConditions(x.t.sessions, cutoff).map((c) => c.condition);
  let total = 0;
  for (const [i, condition] of conditions.entries()) {
    total += yield* countWhere(x, and(condition, ...conditions.slice(0, i).map((earlier) => not(earlier))));
  }
  return total;
}

/**
 * Deletes audit events older than `before` (AUDIT_RETENTION), oldest first along (at, id), with
 * the one audit event of the whole job written by the last batch, as prune's. The job's own event
 * is dated now, after the cutoff, so no later batch deletes it.
 */
export function* pruneAudit(x: Context, before: Date, audit: AuditRecord, batch?: Batch): Operation<number> {
  const { on, t } = x;
  const a = t.auditEvents;
  let where: SQL = lt(a.at, before);
  if (batch) {
    const rows = yield* all(
      on
        .select({ id: a.id, at: a.at })
        .from(a)
        .where(and(where, q.keysetAfter(a.at, a.id, "asc", batch.after)))
        .orderBy(...q.keysetOrder(a.at, a.id, "asc"))
        .limit(batch.limit),
    );
    const last = rows.at(-1);
    if (last) batch.after = { value: last.at, id: last.id };
    batch.done = rows.length < batch.limit;
    // By id: picked in this transaction (a row deleted meanwhile is simply not there).
    where = inArray(
      a.id,
      rows.map((r) => r.id),
    );
    if (rows.length === 0) return yield* auditPruned(x, batch, 0, audit);
  }
  const deleted = yield* all(on.delete(a).where(where).returning({ id: a.id }));
  return yield* auditPruned(x, batch, deleted.length, audit);
}

function* auditPruned(
  x: Context,
  batch: Batch | undefined,
  deleted: number,
  audit: AuditRecord,
): Operation<number> {
  const total = finalCount(batch, deleted);
  if (total !== null) yield* run(x.on.insert(x.t.auditEvents).values({ ...audit, count: total }));
  return deleted;
}

// ---- statistics ----

/**
 * A count from the maintained figures, narrowed to a browser and/or OS. Active: the live counts
 * of the days after today, plus today's sessions still active (read from the rows: they expire
 * during the day), less console sessions past their idle timeout. Live: every day's live counts.
 * Expired: live less active. All: live plus the revoked, from their partial index (unnarrowed). One statement, so one snapshot: a change between two reads cannot be
 * counted twice or missed; and, run by countSessions through the runner's read (on SQLite a
 * read-pool worker), never on the event loop: today's rows grow with the table (at 10M sessions
 * ~166k of them, 12 ms, which on the main connection held every validation).
 */
function* maintainedFigure(
  x: Context,
  scope: StatusScope,
  narrowing: c.Narrowing,
  figure: c.MaintainedFigure,
): Operation<number> {
  const { on, t } = x;
  const s = t.sessions;
  const live = t.sessionLiveCounts;
  const narrowLive = q.narrowingCondition(live, narrowing);
  const liveSum = sql<number>`coalesce(sum(${live.liveSessions}), 0)`.mapWith(Number);
  if (figure === "live" || figure === "all") {
    const revoked = sql`(select count(*) from ${s} where ${isNotNull(s.revokedAt)})`;
    const n = figure === "all" ? sql<number>`${liveSum} + ${revoked}`.mapWith(Number) : liveSum;
    return (yield* get(on.select({ n }).from(live).where(narrowLive)))?.n ?? 0;
  }
  const idled = q.idledConsoleCondition(s, scope);
  const narrowSessions = q.narrowingCondition(s, narrowing);
  const idledCount = idled ? sql`(select count(*) from ${s} where ${and(idled, narrowSessions)})` : sql`0`;
  const future = sql`(select coalesce(sum(${live.liveSessions}), 0) from ${live} where ${and(
    gt(live.expiresDay, c.dayOf(scope.now)),
    narrowLive,
  )})`;
  const active = sql`${future} + count(*) - ${idledCount}`;
  const allLive = sql`(select ${liveSum} from ${live}${narrowLive ? sql` where ${narrowLive}` : sql``})`;
  const row = yield* get(
    on
      .select({
        n: sql<number>`${figure === "active" ? active : sql`${allLive} - (${active})`}`.mapWith(Number),
      })
      .from(x.h.liveSessionsByExpiry)
      .where(and(q.activeTodayCondition(s, scope.now), narrowSessions)),
  );
  return row?.n ?? 0;
}

/** Active and live (= active + expired) counts from the maintained figures. */
export function* maintainedCounts(
  x: Context,
  scope: StatusScope,
  narrowing: c.Narrowing = {},
): Operation<{ active: number; live: number }> {
  const { on, t } = x;
  const { now } = scope;
  const day = c.dayOf(now);
  const idled = q.idledConsoleCondition(t.sessions, scope);
  const live = t.sessionLiveCounts;
  const [totals, today, idledConsole] = yield* parallel([
    get(
      on
        .select({
          future:
            sql<number>`coalesce(sum(case when ${live.expiresDay} > ${day} then ${live.liveSessions} else 0 end), 0)`.mapWith(
              Number,
            ),
          live: sql<number>`coalesce(sum(${live.liveSessions}), 0)`.mapWith(Number),
        })
        .from(live)
        .where(q.narrowingCondition(live, narrowing)),
    ),
    countWhere(
      x,
      and(q.activeTodayCondition(t.sessions, now), q.narrowingCondition(t.sessions, narrowing)),
      x.h.liveSessionsByExpiry,
    ),
    idled ? countWhere(x, and(idled, q.narrowingCondition(t.sessions, narrowing))) : call(() => 0),
  ]);
  return { active: (totals?.future ?? 0) + today - idledConsole, live: totals?.live ?? 0 };
}

function* createdPerDayFromRows({ on, t }: Context, query: StatsQuery): Operation<number[]> {
  const bucket = q.dayBucket(t.sessions.createdAt, query.dayStarts);
  const perDay = yield* all(
    on
      .select({ bucket: sql<number>`${bucket}`.mapWith(Number), count: count() })
      .from(t.sessions)
      .where(and(gte(t.sessions.createdAt, query.dayStarts[0]!), lt(t.sessions.createdAt, query.end)))
      .groupBy(sql`1`),
  );
  return query.dayStarts.map((_, i) => perDay.find((r) => r.bucket === i)?.count ?? 0);
}

function revokedToday(x: Context, query: StatsQuery) {
  const s = x.t.sessions;
  return countWhere(x, and(isNotNull(s.revokedAt), gte(s.revokedAt, query.todayStart)));
}

/** Every figure from the maintained tables plus today's expiry bucket (no idle timeout). */
export function* maintainedStats(x: Context, query: StatsQuery): Operation<StatsRows> {
  const { on, t } = x;
  const now = query.scope.now;
  const day = c.dayOf(now);
  const live = t.sessionLiveCounts;
  const idled = q.idledConsoleCondition(t.sessions, query.scope);
  function* grouped(
    counted: typeof live.browser | typeof live.os,
    column: typeof t.sessions.browser | typeof t.sessions.os,
  ) {
    const name = sql<string>`coalesce(${column}, ${c.UNKNOWN})`;
    const [future, today, idledConsole] = yield* parallel([
      all(
        on
          .select({ name: counted, count: sql<number>`sum(${live.liveSessions})`.mapWith(Number) })
          .from(live)
          .where(gt(live.expiresDay, day))
          .groupBy(counted),
      ),
      all(
        on
          .select({ name, count: count() })
          .from(x.h.liveSessionsByExpiry)
          .where(q.activeTodayCondition(t.sessions, now))
          .groupBy(sql`1`),
      ),
      idled
        ? all(
            on
              .select({ name, count: count() })
              .from(t.sessions)
              .where(idled)
              .groupBy(sql`1`),
          )
        : call((): { name: string; count: number }[] => []),
    ]);
    const takenAway = idledConsole.map((r) => ({ name: r.name, count: -r.count }));
    return c.topByCount([...future, ...today, ...takenAway], query.topN);
  }
  /** Users counted live only through idled-out console sign-ins: none of their sessions is active. */
  function idledOnlyUsers(): Operation<number> {
    if (!idled) return call(() => 0);
    const s = t.sessions;
    const other = t.otherSessions;
    return countWhere(
      x,
      and(
        idled,
        // One per user: the user's first idled-out sign-in stands for them.
        notExists(
          on
            .select({ one: sql`1` })
            .from(other)
            .where(
              and(
                eq(other.userId, s.userId),
                or(
                  q.activeCondition(other, query.scope),
                  and(q.idledConsoleCondition(other, query.scope)!, lt(other.id, s.id)),
                ),
              ),
            ),
        ),
      ),
    );
  }
  function* createdPerDay(): Operation<number[]> {
    const slots = c.createdSlots(query);
    if (!slots) return yield* createdPerDayFromRows(x, query);
    const created = t.sessionCreatedCounts;
    const rows = yield* all(
      on
        .select()
        .from(created)
        .where(and(gte(created.createdSlot, slots.from), lt(created.createdSlot, slots.to))),
    );
    return c.perDay(rows, slots.boundaries);
  }
  const [counts, uniqueUsers, idledUsers, revoked, byBrowser, byOs, perDay] = yield* parallel([
    maintainedCounts(x, query.scope),
    get(on.select({ n: count() }).from(t.userLiveUntil).where(gt(t.userLiveUntil.liveUntil, now))),
    idledOnlyUsers(),
    revokedToday(x, query),
    grouped(live.browser, t.sessions.browser),
    grouped(live.os, t.sessions.os),
    createdPerDay(),
  ]);
  return {
    totalActive: counts.active,
    uniqueUsers: (uniqueUsers?.n ?? 0) - idledUsers,
    expiredSessions: counts.live - counts.active,
    sessionsToday: perDay[perDay.length - 1] ?? 0,
    revokedToday: revoked,
    byBrowser,
    byOs,
    createdPerDay: perDay,
  };
}

/** Every figure counted from the session rows (an idle timeout makes "active" depend on last_seen_at). */
export function* rowStats(x: Context, query: StatsQuery): Operation<StatsRows> {
  const { on, t } = x;
  const s = t.sessions;
  const active = q.activeCondition(s, query.scope);
  const grouped = (column: typeof s.browser | typeof s.os) =>
    all(
      on
        .select({ name: sql<string>`coalesce(${column}, 'Unknown')`, count: count() })
        .from(s)
        .where(active)
        .groupBy(column)
        .orderBy(desc(count()), sql`1`)
        .limit(query.topN),
    );
  const [totals, expiredSessions, sessionsToday, revoked, byBrowser, byOs, createdPerDay] = yield* parallel([
    get(
      on
        .select({ total: count(), users: countDistinct(s.userId) })
        .from(s)
        .where(active),
    ),
    countWhere(x, q.expiredCondition(s, query.scope)),
    countWhere(x, and(gte(s.createdAt, query.todayStart), lt(s.createdAt, query.end))),
    revokedToday(x, query),
    grouped(s.browser),
    grouped(s.os),
    createdPerDayFromRows(x, query),
  ]);
  return {
    totalActive: totals?.total ?? 0,
    uniqueUsers: totals?.users ?? 0,
    expiredSessions,
    sessionsToday,
    revokedToday: revoked,
    byBrowser,
    byOs,
    createdPerDay,
  };
}

export function sessionStats(x: Context, query: StatsQuery): Operation<StatsRows> {
  return c.countersServe(query.scope) ? maintainedStats(x, query) : rowStats(x, query);
}

// ---- audit ----

export function insertAuditEvent({ on, t }: Context, audit: AuditRecord) {
  return run(on.insert(t.auditEvents).values(audit));
}

export function listAudit({ on, t }: Context, query: AuditQuery) {
  const a = t.auditEvents;
  return all(
    on
      .select(t.auditSelection)
      .from(a)
      .leftJoin(t.actorUser, and(eq(a.actorType, "user"), eq(t.actorUser.id, a.actor)))
      .leftJoin(t.actorKey, and(eq(a.actorType, "api_key"), eq(t.actorKey.id, a.actor)))
      .leftJoin(t.targetUser, and(eq(a.targetType, "user"), eq(t.targetUser.id, a.target)))
      .where(
        and(
          // The filter is free text (an unknown action lists nothing), so it is bound as plain text
          // rather than as the typed column's AuditAction.
          query.action ? sql`${a.action} = ${query.action}` : undefined,
          query.actor ? eq(a.actor, query.actor) : undefined,
          query.target ? eq(a.target, query.target) : undefined,
          query.from ? gte(a.at, query.from) : undefined,
          query.to ? lt(a.at, query.to) : undefined,
          q.keysetAfter(a.at, a.id, "desc", query.after),
        ),
      )
      .orderBy(...q.keysetOrder(a.at, a.id, "desc"))
      .limit(query.limit),
  );
}

// ---- api keys ----

export function* insertApiKey(
  { on, t, h }: Context,
  key: ApiKeyRecord,
  audit: AuditRecord,
): Operation<InsertApiKeyResult> {
  if (key.parentKeyId !== null) {
    const parentKeyId = key.parentKeyId;
    const parent = yield* call(() => h.parentKey(parentKeyId));
    if (!parent || parent.revokedAt !== null) return { ok: false, error: "parent_revoked" };
  }
  yield* run(on.insert(t.apiKeys).values(key));
  yield* run(on.insert(t.auditEvents).values(audit));
  return { ok: true };
}

export function* getApiKeyById({ on, t }: Context, id: string): Operation<ApiKeyRecord | null> {
  return (yield* get(on.select().from(t.apiKeys).where(eq(t.apiKeys.id, id)))) ?? null;
}

export function listApiKeys({ on, t }: Context) {
  return all(
    on
      .select()
      .from(t.apiKeys)
      .orderBy(...q.keysetOrder(t.apiKeys.createdAt, t.apiKeys.id, "desc")),
  );
}

/**
 * Bound on the generations a revocation walks (a key made by a key made by a key…). Far beyond
 * any real chain; it only stops a loop in corrupt data (a key listed as its own ancestor) from
 * running forever inside a transaction.
 */
export const MAX_KEY_GENERATIONS = 1000;

export function* revokeApiKey(
  { on, t }: Context,
  id: string,
  at: Date,
  audit: AuditRecord,
): Operation<number> {
  const k = t.apiKeys;
  let generation = yield* all(
    on
      .update(k)
      .set({ revokedAt: at })
      .where(and(eq(k.id, id), sql`${k.revokedAt} is null`))
      .returning({ id: k.id }),
  );
  if (generation.length === 0) return 0;
  let revoked = generation.length;
  // One generation per statement: the keys the previous generation made and that are still live.
  for (let depth = 0; depth < MAX_KEY_GENERATIONS && generation.length > 0; depth++) {
    generation = yield* all(
      on
        .update(k)
        .set({ revokedAt: at })
        .where(
          and(
            inArray(
              k.parentKeyId,
              generation.map((g) => g.id),
            ),
            sql`${k.revokedAt} is null`,
          ),
        )
        .returning({ id: k.id }),
    );
    revoked += generation.length;
  }
  yield* run(on.insert(t.auditEvents).values({ ...audit, count: revoked }));
  return revoked;
}

export function* renewSessionAuthentication(
  { on, t }: Context,
  sessionId: string,
  kind: SessionKind,
  at: Date,
  method: string | null,
  audit: AuditRecord,
): Operation<boolean> {
  const s = t.sessions;
  const renewed = yield* all(
    on
      .update(s)
      .set(method === null ? { authenticatedAt: at } : { authenticatedAt: at, authMethod: method })
      .where(and(eq(s.id, sessionId), eq(s.kind, kind), isNull(s.revokedAt), gt(s.expiresAt, at)))
      .returning({ id: s.id }),
  );
  if (renewed.length === 0) return false;
  yield* run(on.insert(t.auditEvents).values(audit));
  return true;
}

export function touchApiKey({ on, t }: Context, id: string, at: Date, staleBefore: Date) {
  const k = t.apiKeys;
  return run(
    on
      .update(k)
      .set({ lastUsedAt: at })
      .where(and(eq(k.id, id), q.staleOrNull(k.lastUsedAt, staleBefore))),
  );
}
