// Postgres store. Works over any drizzle Postgres driver (postgres.js in production, PGlite in
// tests without a server). Multi-statement operations run in one transaction; single conditional
// UPDATE … RETURNING statements make concurrent revokes count each session exactly once.
import {
  and,
  type Column,
  getTableName,
  count,
  countDistinct,
  getTableColumns,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  sql,
  type SQL,
} from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTable } from "drizzle-orm/pg-core";
import { alias } from "drizzle-orm/pg-core";
import * as c from "../shared/counters.js";
import * as q from "../shared/query-parts.js";
import type {
  ChangeFeed,
  InsertSessionResult,
  SessionQueryFilter,
  SessionRecord,
  SessionsStore,
  SessionWithUser,
  StatsQuery,
  StatsRows,
} from "../store.js";
import type { schema } from "./schema.js";
import {
  apiKeys,
  auditEvents,
  sessionCreatedCounts,
  sessionLiveCounts,
  sessions,
  userLiveUntil,
  users,
} from "./schema.js";

export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Rows per INSERT of the bulk path (one JSON parameter of a few MB). */
const BULK_ROWS_PER_STATEMENT = 10_000;

/**
 * An email search matching at most this many users lists their sessions through the user index;
 * a broader one walks the sort index, where matching sessions are then dense enough.
 */
const EMAIL_SEARCH_USERS = 200;

type Counted = Pick<SessionRecord, "userId" | "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">;

const revokedColumns = {
  id: sessions.id,
  userId: sessions.userId,
  expiresAt: sessions.expiresAt,
  browser: sessions.browser,
  os: sessions.os,
};

// ---- maintained figures (../shared/counters.ts): one statement per change, in the caller's transaction ----

function liveUpsert(deltas: c.LiveDelta[]): SQL {
  const rows = deltas.map((d) => sql`(${d.expiresDay}, ${d.browser}, ${d.os}, ${d.liveSessions})`);
  return sql`insert into ${sessionLiveCounts} (expires_day, browser, os, live_sessions) values ${sql.join(rows, sql`, `)}
    on conflict (expires_day, browser, os) do update set live_sessions = ${sessionLiveCounts.liveSessions} + excluded.live_sessions`;
}

function createdUpsert(deltas: c.CreatedDelta[]): SQL {
  const rows = deltas.map((d) => sql`(${d.createdSlot}, ${d.createdSessions})`);
  return sql`insert into ${sessionCreatedCounts} (created_slot, created_sessions) values ${sql.join(rows, sql`, `)}
    on conflict (created_slot) do update set created_sessions = ${sessionCreatedCounts.createdSessions} + excluded.created_sessions`;
}

function liveUntilRaise(rows: { userId: string; liveUntil: Date }[]): SQL {
  const values = rows.map((r) => sql`(${r.userId}, ${sql.param(r.liveUntil, userLiveUntil.liveUntil)})`);
  return sql`insert into ${userLiveUntil} (user_id, live_until) values ${sql.join(values, sql`, `)}
    on conflict (user_id) do update set live_until = greatest(${userLiveUntil.liveUntil}, excluded.live_until)`;
}

function liveUntilRecompute(userIds: string[]): SQL {
  return sql`update ${userLiveUntil} set live_until = coalesce((select max(s.expires_at) from ${sessions} s
      where s.user_id = ${userLiveUntil.userId} and s.revoked_at is null), 'epoch'::timestamptz)
    where ${inArray(userLiveUntil.userId, userIds)}`;
}

/** Several data-modifying statements as one (CTEs), so a change costs one more round trip at most. */
function oneStatement(parts: SQL[]): SQL | null {
  if (parts.length === 0) return null;
  const last = parts[parts.length - 1]!;
  const ctes = parts.slice(0, -1).map((part, i) => sql`${sql.raw(`c${i}`)} as (${part})`);
  return ctes.length === 0 ? last : sql`with ${sql.join(ctes, sql`, `)} ${last}`;
}

/**
 * One INSERT of many rows as ONE parameter: the rows as a JSON array that Postgres turns back into
 * table rows (json_populate_recordset, by column name). A multi-row VALUES of 14 parameters a row
 * spent most of the load in building and binding the parameters (measured at 1M sessions: ~11k
 * rows/s, the client's CPU busy). Dates travel as ISO strings, which timestamptz reads exactly.
 */
function insertJsonRows(table: PgTable, records: object[]): SQL {
  const columns: [string, Column][] = Object.entries(getTableColumns(table));
  const rows = (records as Record<string, unknown>[]).map((record) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = record[key];
      row[column.name] = value instanceof Date ? value.toISOString() : (value ?? null);
    }
    return row;
  });
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  return sql`insert into ${table} (${names}) select ${names} from json_populate_recordset(null::${table}, ${JSON.stringify(rows)}::json)`;
}

/**
 * Drops the indexes of an empty table that no constraint owns (primary keys stay: foreign keys
 * rely on them) and returns their definitions, read from the catalog so they cannot drift from the
 * migrations.
 */
async function dropIndexesIfEmpty(tx: PgDb, table: typeof users | typeof sessions): Promise<string[]> {
  const rows = await tx
    .select({ one: sql<number>`1` })
    .from(table)
    .limit(1);
  if (rows.length > 0) return [];
  // Selected through the query builder: raw execute() results differ between postgres.js and PGlite.
  const indexes = await tx
    .select({ name: sql<string>`indexname`, definition: sql<string>`indexdef` })
    .from(sql`pg_indexes`)
    .where(
      sql`schemaname = current_schema() and tablename = ${getTableName(table)}
        and not exists (select 1 from pg_constraint c where c.conname = indexname)`,
    );
  for (const index of indexes) await tx.execute(sql`drop index ${sql.identifier(index.name)}`);
  return indexes.map((index) => index.definition);
}

/** Chunks, so no statement nears Postgres's 65,535 parameters. */
function chunked<T>(items: T[], size = 2000): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** `along`: other writes of the same change, sent in the same statement (one round trip for all). */
async function countInserted(on: PgDb, rows: Counted[], along: SQL[] = []): Promise<void> {
  const live = rows.filter((r) => r.revokedAt === null);
  const lives = chunked(c.liveDeltas(live, 1));
  const createds = chunked(c.createdDeltas(rows, 1));
  const raises = chunked(c.latestExpiryByUser(live));
  for (let i = 0; i < Math.max(along.length > 0 ? 1 : 0, lives.length, createds.length, raises.length); i++) {
    const statement = oneStatement([
      ...(i === 0 ? along : []),
      ...(lives[i]?.length ? [liveUpsert(lives[i]!)] : []),
      ...(createds[i]?.length ? [createdUpsert(createds[i]!)] : []),
      ...(raises[i]?.length ? [liveUntilRaise(raises[i]!)] : []),
    ]);
    if (statement) await on.execute(statement);
  }
}

async function countRevoked(
  on: PgDb,
  rows: Pick<Counted, "userId" | "expiresAt" | "browser" | "os">[],
  along: SQL[] = [],
): Promise<void> {
  const lives = chunked(c.liveDeltas(rows, -1));
  const users = chunked(c.sortedDistinct(rows.map((r) => r.userId)));
  for (let i = 0; i < Math.max(along.length > 0 ? 1 : 0, lives.length, users.length); i++) {
    const statement = oneStatement([
      ...(i === 0 ? along : []),
      ...(lives[i]?.length ? [liveUpsert(lives[i]!)] : []),
      ...(users[i]?.length ? [liveUntilRecompute(users[i]!)] : []),
    ]);
    if (statement) await on.execute(statement);
  }
}

async function countDeleted(
  on: PgDb,
  rows: Pick<Counted, "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">[],
): Promise<void> {
  for (const part of chunked(
    c.liveDeltas(
      rows.filter((r) => r.revokedAt === null),
      -1,
    ),
  ))
    await on.execute(liveUpsert(part));
  for (const part of chunked(c.createdDeltas(rows, -1))) await on.execute(createdUpsert(part));
  await on.delete(sessionLiveCounts).where(eq(sessionLiveCounts.liveSessions, 0));
  await on.delete(sessionCreatedCounts).where(eq(sessionCreatedCounts.createdSessions, 0));
}

/** Live sessions still active at `now` whose expiry falls on today's (UTC) expiry bucket. */
function activeTodayCondition(now: Date): SQL {
  return and(
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, now),
    lt(sessions.expiresAt, new Date((c.dayOf(now) + 1) * c.DAY_MS)),
  )!;
}

// Audit lists name who acted and which user was the target, by join: one query per page, no N+1.
const actorUser = alias(users, "actor_user");
const actorKey = alias(apiKeys, "actor_key");
const targetUser = alias(users, "target_user");
const auditSelection = {
  ...getTableColumns(auditEvents),
  actorName: sql<string | null>`coalesce(${actorUser.email}, ${actorKey.name})`,
  targetName: targetUser.email,
};

const sessionUser = {
  id: users.id,
  email: users.email,
  name: users.name,
  status: users.status,
  role: users.role,
};

function isUniqueViolation(error: unknown): boolean {
  // postgres.js and PGlite both expose the SQLSTATE as `code`; drizzle may wrap it in `cause`.
  const code = (e: unknown) => (typeof e === "object" && e !== null && "code" in e ? e.code : undefined);
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined;
  return code(error) === "23505" || code(cause) === "23505";
}

export function createPostgresStore(
  db: PgDb,
  close: () => Promise<void>,
  changeFeed: ChangeFeed | null = null,
): SessionsStore {
  const idsMatching = (condition: SQL | undefined) =>
    db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(sessions.userId, users.id))
      .where(condition);

  const byTokenHash = db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
    .prepare("sessions_by_token_hash");

  /** Active and live (= active + expired) counts from the maintained figures. */
  async function maintainedCounts(on: PgDb, now: Date): Promise<{ active: number; live: number }> {
    const day = c.dayOf(now);
    const [[totals], today] = await Promise.all([
      on
        .select({
          future:
            sql<number>`coalesce(sum(case when ${sessionLiveCounts.expiresDay} > ${day} then ${sessionLiveCounts.liveSessions} else 0 end), 0)`.mapWith(
              Number,
            ),
          live: sql<number>`coalesce(sum(${sessionLiveCounts.liveSessions}), 0)`.mapWith(Number),
        })
        .from(sessionLiveCounts),
      countWhere(activeTodayCondition(now), on),
    ]);
    return { active: (totals?.future ?? 0) + today, live: totals?.live ?? 0 };
  }

  async function maintainedStats(on: PgDb, query: StatsQuery): Promise<StatsRows> {
    const now = query.scope.now;
    const day = c.dayOf(now);
    const grouped = async (
      counted: typeof sessionLiveCounts.browser | typeof sessionLiveCounts.os,
      column: typeof sessions.browser | typeof sessions.os,
    ) => {
      const [future, today] = await Promise.all([
        on
          .select({
            name: counted,
            count: sql<number>`sum(${sessionLiveCounts.liveSessions})`.mapWith(Number),
          })
          .from(sessionLiveCounts)
          .where(gt(sessionLiveCounts.expiresDay, day))
          .groupBy(counted),
        on
          .select({ name: sql<string>`coalesce(${column}, ${c.UNKNOWN})`, count: count() })
          .from(sessions)
          .where(activeTodayCondition(now))
          .groupBy(sql`1`),
      ]);
      return c.topByCount([...future, ...today], query.topN);
    };
    const slots = c.createdSlots(query);
    const [counts, uniqueUsers, revokedToday, byBrowser, byOs, createdPerDay] = await Promise.all([
      maintainedCounts(on, now),
      on
        .select({ n: count() })
        .from(userLiveUntil)
        .where(gt(userLiveUntil.liveUntil, now))
        .then(([row]) => row?.n ?? 0),
      countWhere(and(isNotNull(sessions.revokedAt), gte(sessions.revokedAt, query.todayStart)), on),
      grouped(sessionLiveCounts.browser, sessions.browser),
      grouped(sessionLiveCounts.os, sessions.os),
      slots
        ? on
            .select()
            .from(sessionCreatedCounts)
            .where(
              and(
                gte(sessionCreatedCounts.createdSlot, slots.from),
                lt(sessionCreatedCounts.createdSlot, slots.to),
              ),
            )
            .then((rows) => c.perDay(rows, slots.boundaries))
        : createdPerDayFromRows(on, query),
    ]);
    return {
      totalActive: counts.active,
      uniqueUsers,
      expiredSessions: counts.live - counts.active,
      sessionsToday: createdPerDay[createdPerDay.length - 1] ?? 0,
      revokedToday,
      byBrowser,
      byOs,
      createdPerDay,
    };
  }

  async function createdPerDayFromRows(on: PgDb, query: StatsQuery): Promise<number[]> {
    const bucket = q.dayBucket(sessions.createdAt, query.dayStarts);
    const perDay = await on
      .select({ bucket: sql<number>`${bucket}`.mapWith(Number), count: count() })
      .from(sessions)
      .where(and(gte(sessions.createdAt, query.dayStarts[0]!), lt(sessions.createdAt, query.end)))
      .groupBy(sql`1`);
    return query.dayStarts.map((_, i) => perDay.find((r) => r.bucket === i)?.count ?? 0);
  }

  /**
   * The ids of the users whose email contains `email` when there are few of them (the caller still
   * applies the LIKE condition itself), or null when the trigram index cannot narrow the search.
   */
  async function fewUsersMatching(email: string | undefined): Promise<string[] | null> {
    const needle = q.trigramSearchable(email);
    if (needle === null) return null;
    const rows = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`${users.email} like ${`%${needle}%`}`)
      .limit(EMAIL_SEARCH_USERS + 1);
    return rows.length > EMAIL_SEARCH_USERS ? null : rows.map((r) => r.id);
  }

  // Reads that run on every API request (key check) or console click: built once, not per call.
  const userById = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .prepare("users_by_id");
  const userByEmail = db
    .select()
    .from(users)
    .where(eq(users.email, sql.placeholder("email")))
    .prepare("users_by_email");
  const sessionById = db
    .select({ session: sessions, user: sessionUser })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare("sessions_by_id");
  const apiKeyByHash = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, sql.placeholder("keyHash")))
    .prepare("api_keys_by_hash");

  async function countWhere(condition: SQL | undefined, on: PgDb = db): Promise<number> {
    const [row] = await on.select({ n: count() }).from(sessions).where(condition);
    return row?.n ?? 0;
  }

  /** Every figure from `on`: inside sessionStats that is one read-only snapshot transaction. */
  async function stats(on: PgDb, query: StatsQuery): Promise<StatsRows> {
    const active = q.activeCondition(sessions, query.scope);
    const grouped = (column: typeof sessions.browser | typeof sessions.os) =>
      on
        .select({ name: sql<string>`coalesce(${column}, 'Unknown')`, count: count() })
        .from(sessions)
        .where(active)
        .groupBy(column)
        .orderBy(desc(count()), sql`1`)
        .limit(query.topN);
    const bucket = q.dayBucket(sessions.createdAt, query.dayStarts);
    const [totals, expiredSessions, sessionsToday, revokedToday, byBrowser, byOs, perDay] = await Promise.all(
      [
        on
          .select({ total: count(), users: countDistinct(sessions.userId) })
          .from(sessions)
          .where(active),
        countWhere(q.expiredCondition(sessions, query.scope), on),
        countWhere(and(gte(sessions.createdAt, query.todayStart), lt(sessions.createdAt, query.end)), on),
        countWhere(and(isNotNull(sessions.revokedAt), gte(sessions.revokedAt, query.todayStart)), on),
        grouped(sessions.browser),
        grouped(sessions.os),
        on
          .select({ bucket: sql<number>`${bucket}`.mapWith(Number), count: count() })
          .from(sessions)
          .where(and(gte(sessions.createdAt, query.dayStarts[0]!), lt(sessions.createdAt, query.end)))
          .groupBy(sql`1`),
      ],
    );
    return {
      totalActive: totals[0]?.total ?? 0,
      uniqueUsers: totals[0]?.users ?? 0,
      expiredSessions,
      sessionsToday,
      revokedToday,
      byBrowser,
      byOs,
      createdPerDay: query.dayStarts.map((_, i) => perDay.find((r) => r.bucket === i)?.count ?? 0),
    };
  }

  return {
    dialect: "postgres",
    changeFeed,

    async insertUser(user, audit) {
      try {
        await db.transaction(async (tx) => {
          await tx.insert(users).values(user);
          if (audit) await tx.insert(auditEvents).values(audit);
        });
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, error: "email_taken" };
        throw error;
      }
    },

    async getUserById(id) {
      const [row] = await userById.execute({ id });
      return row ?? null;
    },

    async getUserByEmail(email) {
      const [row] = await userByEmail.execute({ email });
      return row ?? null;
    },

    async listUsers(query) {
      return db
        .select()
        .from(users)
        .where(
          and(
            query.search ? q.userSearchCondition(users, query.search, "lower") : undefined,
            query.status ? eq(users.status, query.status) : undefined,
            query.role ? eq(users.role, query.role) : undefined,
            q.keysetAfter(users.createdAt, users.id, "desc", query.after),
          ),
        )
        .orderBy(...q.keysetOrder(users.createdAt, users.id, "desc"))
        .limit(query.limit);
    },

    async countActiveSessionsByUser(userIds, scope) {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .select({ userId: sessions.userId, n: count() })
        .from(sessions)
        .where(and(inArray(sessions.userId, userIds), q.activeCondition(sessions, scope)))
        .groupBy(sessions.userId);
      return new Map(rows.map((r) => [r.userId, r.n]));
    },

    async setUserStatus(userId, status, at, revocation, audit) {
      return db.transaction(async (tx) => {
        const [user] = await tx
          .update(users)
          .set({ status, updatedAt: at })
          .where(eq(users.id, userId))
          .returning();
        if (!user) return null;
        let revokedSessions = 0;
        if (revocation) {
          const revoked = await tx
            .update(sessions)
            .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
            .where(q.revokeSelectorCondition(sessions, users, { kind: "user", userId }, idsMatching))
            .returning(revokedColumns);
          await countRevoked(tx, revoked);
          revokedSessions = revoked.length;
        }
        await tx.insert(auditEvents).values({ ...audit, count: revokedSessions });
        return { user, revokedSessions };
      });
    },

    async insertSession(session, audit) {
      return db.transaction(async (tx): Promise<InsertSessionResult> => {
        // FOR SHARE: a concurrent disable (UPDATE users) waits for this commit, and its revocation
        // then sees the new row; if the disable committed first, this reads the disabled status.
        const [user] = await tx.select().from(users).where(eq(users.id, session.userId)).for("share");
        if (!user) return { ok: false, error: "user_not_found" };
        if (user.status !== "active") return { ok: false, error: "user_disabled" };
        await countInserted(
          tx,
          [session],
          [
            tx.insert(sessions).values(session).getSQL(),
            ...(audit ? [tx.insert(auditEvents).values(audit).getSQL()] : []),
          ],
        );
        return { ok: true, user };
      });
    },

    async insertSessionsBulk(batches) {
      await db.transaction(async (tx) => {
        // As in the SQLite store: into an empty table, load without its secondary indexes and build
        // each once at the end (with memory enough to sort in one pass). DROP INDEX holds the
        // table's exclusive lock until commit, so other instances' reads of the (empty) table wait
        // for the load instead of seeing it half done. A duplicate found by a rebuilt unique index
        // fails the transaction, and the dropped indexes come back with the rollback.
        const rebuild = [
          ...(await dropIndexesIfEmpty(tx, users)),
          ...(await dropIndexesIfEmpty(tx, sessions)),
        ];
        for (const { users: userRecords, sessions: sessionRecords } of batches) {
          for (let i = 0; i < userRecords.length; i += BULK_ROWS_PER_STATEMENT) {
            await tx.execute(insertJsonRows(users, userRecords.slice(i, i + BULK_ROWS_PER_STATEMENT)));
          }
          for (let i = 0; i < sessionRecords.length; i += BULK_ROWS_PER_STATEMENT) {
            await tx.execute(insertJsonRows(sessions, sessionRecords.slice(i, i + BULK_ROWS_PER_STATEMENT)));
          }
          await countInserted(tx, sessionRecords);
        }
        if (rebuild.length > 0) await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
        for (const statement of rebuild) await tx.execute(sql.raw(statement));
      });
    },

    async findSessionByTokenHash(tokenHash) {
      const [row] = await byTokenHash.execute({ tokenHash });
      return row ?? null;
    },

    async touchSession(id, at, staleBefore) {
      await db
        .update(sessions)
        .set({ lastSeenAt: at })
        .where(and(eq(sessions.id, id), lt(sessions.lastSeenAt, staleBefore)));
    },

    async getSession(id) {
      const [row] = await sessionById.execute({ id });
      return row ?? null;
    },

    async listSessions(query): Promise<SessionWithUser[]> {
      const column = q.sortColumn(sessions, query.sort);
      const few = await fewUsersMatching(query.filter.email);
      if (few?.length === 0) return [];
      return db
        .select({ session: sessions, user: sessionUser })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(
          and(
            few ? inArray(sessions.userId, few) : undefined,
            q.sessionFilterCondition(sessions, users, query.filter, query.scope),
            q.keysetAfter(column, sessions.id, query.sort.dir, query.after),
          ),
        )
        .orderBy(...q.keysetOrder(column, sessions.id, query.sort.dir))
        .limit(query.limit);
    },

    async countSessions(filter: SessionQueryFilter, scope) {
      if (c.countersServe(scope) && c.isPlainActiveFilter(filter)) {
        // One statement, so one snapshot: a change between two reads cannot be counted twice or missed.
        const day = c.dayOf(scope.now);
        const [row] = await db
          .select({
            n: sql<number>`(select coalesce(sum(${sessionLiveCounts.liveSessions}), 0) from ${sessionLiveCounts}
              where ${sessionLiveCounts.expiresDay} > ${day}) + count(*)`.mapWith(Number),
          })
          .from(sessions)
          .where(activeTodayCondition(scope.now));
        return row?.n ?? 0;
      }
      const few = await fewUsersMatching(filter.email);
      if (few?.length === 0) return 0;
      const condition = and(
        few ? inArray(sessions.userId, few) : undefined,
        q.sessionFilterCondition(sessions, users, filter, scope),
      );
      if (!q.filterNeedsUsers(filter)) return countWhere(condition);
      const [row] = await db
        .select({ n: count() })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(condition);
      return row?.n ?? 0;
    },

    async revokeSessions(selector, revocation, audit) {
      return db.transaction(async (tx) => {
        const revoked = await tx
          .update(sessions)
          .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
          .where(q.revokeSelectorCondition(sessions, users, selector, idsMatching))
          .returning(revokedColumns);
        const target = revoked.length === 1 && audit.targetType === "session" ? revoked[0]!.id : audit.target;
        await countRevoked(
          tx,
          revoked,
          revoked.length > 0
            ? [
                tx
                  .insert(auditEvents)
                  .values({ ...audit, target, count: revoked.length })
                  .getSQL(),
              ]
            : [],
        );
        return revoked.length;
      });
    },

    async sessionStats(query) {
      // One snapshot for every figure, so they agree with each other.
      return db.transaction(
        (tx) => (c.countersServe(query.scope) ? maintainedStats(tx, query) : stats(tx, query)),
        {
          isolationLevel: "repeatable read",
          accessMode: "read only",
        },
      );
    },

    async prune(cutoff, audit) {
      return db.transaction(async (tx) => {
        let removed = 0;
        for (const condition of q.pruneConditions(sessions, cutoff)) {
          const deleted = await tx.delete(sessions).where(condition).returning({
            createdAt: sessions.createdAt,
            expiresAt: sessions.expiresAt,
            browser: sessions.browser,
            os: sessions.os,
            revokedAt: sessions.revokedAt,
          });
          // A user's live_until stays right: a deleted live session had expired, so a user still
          // holding an active session keeps its (later) latest expiry, and the others stay in the past.
          await countDeleted(tx, deleted);
          removed += deleted.length;
        }
        if (removed > 0) await tx.insert(auditEvents).values({ ...audit, count: removed });
        return removed;
      });
    },

    async listAudit(query) {
      return db
        .select(auditSelection)
        .from(auditEvents)
        .leftJoin(actorUser, and(eq(auditEvents.actorType, "user"), eq(actorUser.id, auditEvents.actor)))
        .leftJoin(actorKey, and(eq(auditEvents.actorType, "api_key"), eq(actorKey.id, auditEvents.actor)))
        .leftJoin(targetUser, and(eq(auditEvents.targetType, "user"), eq(targetUser.id, auditEvents.target)))
        .where(
          and(
            query.action ? eq(auditEvents.action, query.action) : undefined,
            query.actor ? eq(auditEvents.actor, query.actor) : undefined,
            query.target ? eq(auditEvents.target, query.target) : undefined,
            q.keysetAfter(auditEvents.at, auditEvents.id, "desc", query.after),
          ),
        )
        .orderBy(...q.keysetOrder(auditEvents.at, auditEvents.id, "desc"))
        .limit(query.limit);
    },

    async insertApiKey(key, audit) {
      await db.transaction(async (tx) => {
        await tx.insert(apiKeys).values(key);
        await tx.insert(auditEvents).values(audit);
      });
    },

    async findApiKeyByHash(keyHash) {
      const [row] = await apiKeyByHash.execute({ keyHash });
      return row ?? null;
    },

    async listApiKeys() {
      return db
        .select()
        .from(apiKeys)
        .orderBy(...q.keysetOrder(apiKeys.createdAt, apiKeys.id, "desc"));
    },

    async revokeApiKey(id, at, audit) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiKeys)
          .set({ revokedAt: at })
          .where(and(eq(apiKeys.id, id), sql`${apiKeys.revokedAt} is null`))
          .returning({ id: apiKeys.id });
        if (!row) return false;
        await tx.insert(auditEvents).values(audit);
        return true;
      });
    },

    async touchApiKey(id, at, staleBefore) {
      await db
        .update(apiKeys)
        .set({ lastUsedAt: at })
        .where(and(eq(apiKeys.id, id), q.staleOrNull(apiKeys.lastUsedAt, staleBefore)));
    },

    async ping() {
      await db.execute(sql`select 1`);
    },

    close,
  };
}
