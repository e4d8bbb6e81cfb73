// SQLite store over better-sqlite3. better-sqlite3 is synchronous, so every multi-statement
// operation is one synchronous transaction: nothing else can interleave inside it, and the async
// interface is only a wrapper (never `db.transaction(async …)`: it would commit before the awaits).
import Database from "better-sqlite3";
import {
  and,
  count,
  countDistinct,
  desc,
  eq,
  getTableColumns,
  getTableName,
  gte,
  inArray,
  gt,
  isNotNull,
  isNull,
  lt,
  sql,
  type Column,
  type Logger,
  type SQL,
} from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { alias } from "drizzle-orm/sqlite-core";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as c from "../shared/counters.js";
import { migrationsFolderOf } from "../migrations.js";
import * as q from "../shared/query-parts.js";
import type {
  InsertSessionResult,
  SessionQueryFilter,
  SessionRecord,
  SessionsStore,
  SessionWithUser,
  StatsQuery,
  StatsRows,
} from "../store.js";
import {
  apiKeys,
  auditEvents,
  schema,
  sessionCreatedCounts,
  sessionLiveCounts,
  sessions,
  userLiveUntil,
  users,
} from "./schema.js";

type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Page cache while a bulk insert runs, in KiB. A bulk load writes all over every index; with the
 * default 16 MiB cache at 1M sessions most index pages are evicted and re-read between rows.
 */
const BULK_CACHE_KIB = 1024 * 1024;

const migrationsFolder = migrationsFolderOf("sqlite");

/**
 * An email search matching at most this many users lists their sessions through the user index;
 * a broader one walks the sort index, where matching sessions are then dense enough.
 */
const EMAIL_SEARCH_USERS = 200;

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

export interface SqliteOptions {
  /** Sees every statement the store runs (the query-plan test uses it). */
  logger?: Logger;
}

/** Opens (creating if needed) a SQLite database file, or ":memory:", and migrates it. */
export function openSqliteStore(filename: string, options: SqliteOptions = {}): SessionsStore {
  const sqlite = new Database(filename);
  try {
    // WAL lets readers run while one writer commits; busy_timeout makes a second process wait for
    // the write lock instead of failing at once; foreign keys are off by default in SQLite.
    if (filename !== ":memory:") sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.function("unicode_lower", { deterministic: true }, (value: unknown) =>
      typeof value === "string" ? value.toLowerCase() : value,
    );
    const db = drizzle(sqlite, { schema, logger: options.logger ?? false });
    migrate(db, { migrationsFolder });
    return createSqliteStore(db, () => sqlite.close());
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === "SQLITE_CONSTRAINT_UNIQUE";
}

export function createSqliteStore(db: Db, close: () => void): SessionsStore {
  const idsMatching = (condition: SQL | undefined) =>
    db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(sessions.userId, users.id))
      .where(condition);

  // The validate hot path runs one prepared statement: no query building per call.
  const byTokenHash = db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
    .prepare();

  const userById = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .prepare();

  // Reads that run on every API request (key check) or console click: prepared once, not rebuilt
  // and re-parsed per call (building and preparing cost ~90% of such a lookup).
  const userByEmail = db
    .select()
    .from(users)
    .where(eq(users.email, sql.placeholder("email")))
    .prepare();
  const sessionById = db
    .select({ session: sessions, user: sessionUser })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare();
  const apiKeyByHash = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, sql.placeholder("keyHash")))
    .prepare();

  const touch = db
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder("at")}` })
    .where(
      and(eq(sessions.id, sql.placeholder("id")), lt(sessions.lastSeenAt, sql.placeholder("staleBefore"))),
    )
    .prepare();

  // The bulk path binds plain values on the driver itself: building drizzle queries for hundreds of
  // thousands of rows would cost more than inserting them. One prepared single-row INSERT run per
  // record inside the transaction is SQLite's fastest form: there is no round trip to save, and a
  // multi-row VALUES statement makes SQLite keep a statement journal of every page it touches
  // (measured at 1M rows: ~40% more CPU per row).
  const bulkStatements = new Map<
    SQLiteTable,
    { statement: Database.Statement; columns: [string, Column][] }
  >();
  function bulkInsert(table: SQLiteTable, records: object[]): void {
    let prepared = bulkStatements.get(table);
    if (!prepared) {
      const columns = Object.entries(getTableColumns(table));
      const statement = db.$client.prepare(
        `insert into "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(",")}) values (${columns.map(() => "?").join(",")})`,
      );
      prepared = { statement, columns };
      bulkStatements.set(table, prepared);
    }
    const { statement, columns } = prepared;
    const values: unknown[] = new Array(columns.length);
    for (const record of records as Record<string, unknown>[]) {
      for (let i = 0; i < columns.length; i++) {
        const [key, column] = columns[i]!;
        const value = record[key];
        values[i] = value === null || value === undefined ? null : column.mapToDriverValue(value);
      }
      statement.run(values);
    }
  }

  function isEmpty(table: string): boolean {
    return db.$client.prepare(`select 1 from "${table}" limit 1`).get() === undefined;
  }

  /**
   * Drops the explicitly created indexes of an empty table and returns the statements that create
   * them again, read from the schema itself so the list can never drift from the migrations.
   * Primary keys stay (they are the table, or an automatic index foreign keys rely on).
   */
  function dropIndexes(table: string): string[] {
    if (!isEmpty(table)) return [];
    const client = db.$client;
    const indexes = client
      .prepare<[string], { name: string; sql: string }>(
        "select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null",
      )
      .all(table);
    for (const index of indexes) client.exec(`drop index "${index.name}"`);
    return indexes.map((index) => index.sql);
  }

  /**
   * For a load into an empty table: WAL writes every new page twice (into the log, then the
   * checkpoint copies it into the file); a rollback journal writes it once, since pages past the
   * file's old end have no old content to save. SQLite allows leaving WAL only while no other
   * connection has the file open — otherwise this stays in WAL and the load is just slower.
   * Crash-safe either way: the rollback journal is as atomic, and opening the store sets WAL again.
   * Returns the mode to restore, or null when unchanged.
   */
  function leaveWal(): string | null {
    const client = db.$client;
    const mode = client.pragma("journal_mode", { simple: true }) as string;
    if (mode !== "wal") return null;
    try {
      return client.pragma("journal_mode = delete", { simple: true }) === "delete" ? mode : null;
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code.startsWith("SQLITE_BUSY")) return null;
      throw error;
    }
  }

  /** One row through the same prepared INSERT as the bulk path (hot writes skip query building). */
  function insertRow(table: SQLiteTable, record: object): void {
    bulkInsert(table, [record]);
  }

  // ---- maintained figures (../shared/counters.ts), written in the caller's transaction ----
  const addLive = db.$client.prepare(
    "insert into session_live_counts (expires_day, browser, os, live_sessions) values (?, ?, ?, ?) " +
      "on conflict (expires_day, browser, os) do update set live_sessions = live_sessions + excluded.live_sessions",
  );
  const addCreated = db.$client.prepare(
    "insert into session_created_counts (created_slot, created_sessions) values (?, ?) " +
      "on conflict (created_slot) do update set created_sessions = created_sessions + excluded.created_sessions",
  );
  const raiseLiveUntil = db.$client.prepare(
    "insert into user_live_until (user_id, live_until) values (?, ?) " +
      "on conflict (user_id) do update set live_until = max(live_until, excluded.live_until)",
  );
  const recomputeLiveUntil = db.$client.prepare(
    "update user_live_until set live_until = coalesce((select max(s.expires_at) from sessions s " +
      "where s.user_id = user_live_until.user_id and s.revoked_at is null), 0) where user_id = ?",
  );
  const dropEmptyCounts = [
    db.$client.prepare("delete from session_live_counts where live_sessions = 0"),
    db.$client.prepare("delete from session_created_counts where created_sessions = 0"),
  ];

  type Counted = Pick<SessionRecord, "userId" | "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">;

  /** Sessions just inserted: live ones raise the live counts and their user's live_until. */
  function countInserted(rows: Counted[]): void {
    const live = rows.filter((r) => r.revokedAt === null);
    for (const d of c.liveDeltas(live, 1)) addLive.run(d.expiresDay, d.browser, d.os, d.liveSessions);
    for (const d of c.createdDeltas(rows, 1)) addCreated.run(d.createdSlot, d.createdSessions);
    for (const u of c.latestExpiryByUser(live)) raiseLiveUntil.run(u.userId, u.liveUntil.getTime());
  }

  /** Live sessions just revoked. */
  function countRevoked(rows: Pick<Counted, "userId" | "expiresAt" | "browser" | "os">[]): void {
    for (const d of c.liveDeltas(rows, -1)) addLive.run(d.expiresDay, d.browser, d.os, d.liveSessions);
    for (const userId of c.sortedDistinct(rows.map((r) => r.userId))) recomputeLiveUntil.run(userId);
  }

  /** Sessions just deleted (prune). A user's live_until needs no change: see prune. */
  function countDeleted(
    rows: Pick<Counted, "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">[],
  ): void {
    for (const d of c.liveDeltas(
      rows.filter((r) => r.revokedAt === null),
      -1,
    )) {
      addLive.run(d.expiresDay, d.browser, d.os, d.liveSessions);
    }
    for (const d of c.createdDeltas(rows, -1)) addCreated.run(d.createdSlot, d.createdSessions);
    for (const statement of dropEmptyCounts) statement.run();
  }

  const revokedColumns = {
    id: sessions.id,
    userId: sessions.userId,
    expiresAt: sessions.expiresAt,
    browser: sessions.browser,
    os: sessions.os,
  };

  /** Live sessions still active at `now` whose expiry falls on today's (UTC) expiry bucket. */
  function activeTodayCondition(now: Date): SQL {
    return and(
      isNull(sessions.revokedAt),
      gt(sessions.expiresAt, now),
      lt(sessions.expiresAt, new Date((c.dayOf(now) + 1) * c.DAY_MS)),
    )!;
  }

  /** Active and live (= active + expired) counts from the maintained figures. */
  function maintainedCounts(now: Date): { active: number; live: number } {
    const day = c.dayOf(now);
    const totals = db
      .select({
        future:
          sql<number>`coalesce(sum(case when ${sessionLiveCounts.expiresDay} > ${day} then ${sessionLiveCounts.liveSessions} else 0 end), 0)`.mapWith(
            Number,
          ),
        live: sql<number>`coalesce(sum(${sessionLiveCounts.liveSessions}), 0)`.mapWith(Number),
      })
      .from(sessionLiveCounts)
      .get();
    return { active: (totals?.future ?? 0) + countWhere(activeTodayCondition(now)), live: totals?.live ?? 0 };
  }

  function maintainedStats(query: StatsQuery): StatsRows {
    const now = query.scope.now;
    const day = c.dayOf(now);
    const { active, live } = maintainedCounts(now);
    const grouped = (
      counted: typeof sessionLiveCounts.browser | typeof sessionLiveCounts.os,
      column: typeof sessions.browser | typeof sessions.os,
    ) =>
      c.topByCount(
        [
          ...db
            .select({
              name: counted,
              count: sql<number>`sum(${sessionLiveCounts.liveSessions})`.mapWith(Number),
            })
            .from(sessionLiveCounts)
            .where(gt(sessionLiveCounts.expiresDay, day))
            .groupBy(counted)
            .all(),
          ...db
            .select({ name: sql<string>`coalesce(${column}, ${c.UNKNOWN})`, count: count() })
            .from(sessions)
            .where(activeTodayCondition(now))
            .groupBy(sql`1`)
            .all(),
        ],
        query.topN,
      );
    const slots = c.createdSlots(query);
    const createdPerDay = slots
      ? c.perDay(
          db
            .select()
            .from(sessionCreatedCounts)
            .where(
              and(
                gte(sessionCreatedCounts.createdSlot, slots.from),
                lt(sessionCreatedCounts.createdSlot, slots.to),
              ),
            )
            .all(),
          slots.boundaries,
        )
      : createdPerDayFromRows(query);
    const uniqueUsers =
      db.select({ n: count() }).from(userLiveUntil).where(gt(userLiveUntil.liveUntil, now)).get()?.n ?? 0;
    return {
      totalActive: active,
      uniqueUsers,
      expiredSessions: live - active,
      sessionsToday: createdPerDay[createdPerDay.length - 1] ?? 0,
      revokedToday: countWhere(and(isNotNull(sessions.revokedAt), gte(sessions.revokedAt, query.todayStart))),
      byBrowser: grouped(sessionLiveCounts.browser, sessions.browser),
      byOs: grouped(sessionLiveCounts.os, sessions.os),
      createdPerDay,
    };
  }

  function createdPerDayFromRows(query: StatsQuery): number[] {
    const bucket = q.dayBucket(sessions.createdAt, query.dayStarts);
    const perDay = db
      .select({ bucket: sql<number>`${bucket}`.mapWith(Number), count: count() })
      .from(sessions)
      .where(and(gte(sessions.createdAt, query.dayStarts[0]!), lt(sessions.createdAt, query.end)))
      .groupBy(sql`1`)
      .all();
    return query.dayStarts.map((_, i) => perDay.find((r) => r.bucket === i)?.count ?? 0);
  }

  // ---- search: the users a substring matches, from the trigram indexes (migrations 0001, 0002) ----
  const emailSearch = db.$client
    .prepare(`select user_id from users_email_search where email like ? limit ${EMAIL_SEARCH_USERS + 1}`)
    .pluck();
  // Not one UNION query: SQLite computes a UNION whole before its LIMIT (32 ms for "gmail" at 100k
  // users), while each LIKE alone streams from the index and stops at the limit.
  const nameSearch = db.$client
    .prepare(`select user_id from users_name_search where name like ? limit ${EMAIL_SEARCH_USERS + 1}`)
    .pluck();

  /**
   * The ids of the users whose email (or, with `names`, name) contains the search, when there are
   * few of them (the caller still applies its own condition: these are candidates), or null when the
   * index cannot narrow the search: fewer than three characters, LIKE wildcards, a non-ASCII name
   * search (the trigram index folds case its own way, so it may miss what the caller's Unicode
   * lower-casing matches; for emails, compared as stored, it only finds more), or more
   * than EMAIL_SEARCH_USERS users — then matches are dense enough to find by walking the sort index.
   */
  function fewUsersMatching(search: string | undefined, names = false): string[] | null {
    const needle = q.trigramSearchable(search);
    if (needle === null || (names && !q.isAscii(needle))) return null;
    const pattern = `%${needle}%`;
    const ids = emailSearch.all(pattern) as string[];
    if (ids.length > EMAIL_SEARCH_USERS) return null;
    if (!names) return ids;
    const all = new Set([...ids, ...(nameSearch.all(pattern) as string[])]);
    return all.size > EMAIL_SEARCH_USERS ? null : [...all];
  }

  function countWhere(condition: SQL | undefined): number {
    return db.select({ n: count() }).from(sessions).where(condition).get()?.n ?? 0;
  }

  function stats(query: StatsQuery): StatsRows {
    const active = q.activeCondition(sessions, query.scope);
    const totals = db
      .select({ total: count(), users: countDistinct(sessions.userId) })
      .from(sessions)
      .where(active)
      .get();
    const grouped = (column: typeof sessions.browser | typeof sessions.os) =>
      db
        .select({ name: sql<string>`coalesce(${column}, 'Unknown')`, count: count() })
        .from(sessions)
        .where(active)
        .groupBy(column)
        .orderBy(desc(count()), sql`1`)
        .limit(query.topN)
        .all();
    const bucket = q.dayBucket(sessions.createdAt, query.dayStarts);
    const perDay = db
      .select({ bucket: sql<number>`${bucket}`.mapWith(Number), count: count() })
      .from(sessions)
      .where(and(gte(sessions.createdAt, query.dayStarts[0]!), lt(sessions.createdAt, query.end)))
      .groupBy(sql`1`)
      .all();
    const createdPerDay = query.dayStarts.map((_, i) => perDay.find((r) => r.bucket === i)?.count ?? 0);
    return {
      totalActive: totals?.total ?? 0,
      uniqueUsers: totals?.users ?? 0,
      expiredSessions: countWhere(q.expiredCondition(sessions, query.scope)),
      sessionsToday: countWhere(
        and(gte(sessions.createdAt, query.todayStart), lt(sessions.createdAt, query.end)),
      ),
      revokedToday: countWhere(and(isNotNull(sessions.revokedAt), gte(sessions.revokedAt, query.todayStart))),
      byBrowser: grouped(sessions.browser),
      byOs: grouped(sessions.os),
      createdPerDay,
    };
  }

  return {
    dialect: "sqlite",
    // One process owns a SQLite database: its API's in-process event bus already hears every change.
    changeFeed: null,

    async insertUser(user, audit) {
      try {
        db.transaction((tx) => {
          tx.insert(users).values(user).run();
          if (audit) tx.insert(auditEvents).values(audit).run();
        });
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, error: "email_taken" };
        throw error;
      }
    },

    async getUserById(id) {
      return userById.get({ id }) ?? null;
    },

    async getUserByEmail(email) {
      return userByEmail.get({ email }) ?? null;
    },

    async listUsers(query) {
      const few = fewUsersMatching(query.search, true);
      if (few?.length === 0) return [];
      return db
        .select()
        .from(users)
        .where(
          and(
            few ? inArray(users.id, few) : undefined,
            query.search
              ? q.userSearchCondition(
                  users,
                  query.search,
                  q.isAscii(query.search) ? "ascii-like" : "unicode_lower",
                )
              : undefined,
            query.status ? eq(users.status, query.status) : undefined,
            query.role ? eq(users.role, query.role) : undefined,
            q.keysetAfter(users.createdAt, users.id, "desc", query.after),
          ),
        )
        .orderBy(...q.keysetOrder(users.createdAt, users.id, "desc"))
        .limit(query.limit)
        .all();
    },

    async countActiveSessionsByUser(userIds, scope) {
      if (userIds.length === 0) return new Map();
      const rows = db
        .select({ userId: sessions.userId, n: count() })
        .from(sessions)
        .where(and(inArray(sessions.userId, userIds), q.activeCondition(sessions, scope)))
        .groupBy(sessions.userId)
        .all();
      return new Map(rows.map((r) => [r.userId, r.n]));
    },

    async setUserStatus(userId, status, at, revocation, audit) {
      return db.transaction((tx) => {
        const user = tx
          .update(users)
          .set({ status, updatedAt: at })
          .where(eq(users.id, userId))
          .returning()
          .get();
        if (!user) return null;
        let revokedSessions = 0;
        if (revocation) {
          const revoked = tx
            .update(sessions)
            .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
            .where(q.revokeSelectorCondition(sessions, users, { kind: "user", userId }, idsMatching))
            .returning(revokedColumns)
            .all();
          countRevoked(revoked);
          revokedSessions = revoked.length;
        }
        tx.insert(auditEvents)
          .values({ ...audit, count: revokedSessions })
          .run();
        return { user, revokedSessions };
      });
    },

    async insertSession(session, audit) {
      // One synchronous transaction: no other write can land between the status check and the insert.
      return db.transaction((): InsertSessionResult => {
        const user = userById.get({ id: session.userId });
        if (!user) return { ok: false, error: "user_not_found" };
        if (user.status !== "active") return { ok: false, error: "user_disabled" };
        insertRow(sessions, session);
        if (audit) insertRow(auditEvents, audit);
        countInserted([session]);
        return { ok: true, user };
      });
    },

    async insertSessionsBulk(batches) {
      const sqlite = db.$client;
      const cacheSize = sqlite.pragma("cache_size", { simple: true }) as number;
      sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
      const journal = isEmpty("sessions") ? leaveWal() : null;
      try {
        sqlite.transaction(() => {
          // Into an empty table, drop its secondary indexes and build each once at the end: one sort
          // per index instead of a B-tree descent per row and index (at 1M sessions the rate inside
          // the store went from 24k to 42k rows/s, with leaveWal). DDL is transactional in SQLite, so a failure — a duplicate
          // email or token hash found while rebuilding a unique index included — rolls it all back.
          const rebuild = [users, sessions].flatMap((table) => dropIndexes(getTableName(table)));
          for (const batch of batches) {
            bulkInsert(users, batch.users);
            bulkInsert(sessions, batch.sessions);
            countInserted(batch.sessions);
          }
          for (const statement of rebuild) sqlite.exec(statement);
        })();
      } finally {
        sqlite.pragma(`cache_size = ${cacheSize}`);
        if (journal) sqlite.pragma(`journal_mode = ${journal}`);
      }
    },

    async findSessionByTokenHash(tokenHash) {
      return byTokenHash.get({ tokenHash }) ?? null;
    },

    async touchSession(id, at, staleBefore) {
      // Placeholders bypass column encoding, so the Dates are passed as the integer ms SQLite stores.
      touch.run({ id, at: at.getTime(), staleBefore: staleBefore.getTime() });
    },

    async getSession(id) {
      return sessionById.get({ id }) ?? null;
    },

    async listSessions(query): Promise<SessionWithUser[]> {
      const column = q.sortColumn(sessions, query.sort);
      const few = fewUsersMatching(query.filter.email);
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
        .limit(query.limit)
        .all();
    },

    async countSessions(filter: SessionQueryFilter, scope) {
      if (c.countersServe(scope) && c.isPlainActiveFilter(filter)) {
        return db.transaction(() => maintainedCounts(scope.now).active);
      }
      const few = fewUsersMatching(filter.email);
      if (few?.length === 0) return 0;
      const condition = and(
        few ? inArray(sessions.userId, few) : undefined,
        q.sessionFilterCondition(sessions, users, filter, scope),
      );
      if (!q.filterNeedsUsers(filter)) return countWhere(condition);
      return (
        db
          .select({ n: count() })
          .from(sessions)
          .innerJoin(users, eq(sessions.userId, users.id))
          .where(condition)
          .get()?.n ?? 0
      );
    },

    async revokeSessions(selector, revocation, audit) {
      return db.transaction((tx) => {
        const revoked = tx
          .update(sessions)
          .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
          .where(q.revokeSelectorCondition(sessions, users, selector, idsMatching))
          .returning(revokedColumns)
          .all();
        countRevoked(revoked);
        if (revoked.length > 0) {
          const target =
            revoked.length === 1 && audit.targetType === "session" ? revoked[0]!.id : audit.target;
          tx.insert(auditEvents)
            .values({ ...audit, target, count: revoked.length })
            .run();
        }
        return revoked.length;
      });
    },

    async sessionStats(query) {
      return db.transaction(() => (c.countersServe(query.scope) ? maintainedStats(query) : stats(query)));
    },

    async prune(cutoff, audit) {
      return db.transaction((tx) => {
        let removed = 0;
        for (const condition of q.pruneConditions(sessions, cutoff)) {
          const deleted = tx
            .delete(sessions)
            .where(condition)
            .returning({
              createdAt: sessions.createdAt,
              expiresAt: sessions.expiresAt,
              browser: sessions.browser,
              os: sessions.os,
              revokedAt: sessions.revokedAt,
            })
            .all();
          // A user's live_until stays right: a deleted live session had expired, so a user still
          // holding an active session keeps its (later) latest expiry, and the others stay in the past.
          countDeleted(deleted);
          removed += deleted.length;
        }
        if (removed > 0)
          tx.insert(auditEvents)
            .values({ ...audit, count: removed })
            .run();
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
        .limit(query.limit)
        .all();
    },

    async insertApiKey(key, audit) {
      db.transaction((tx) => {
        tx.insert(apiKeys).values(key).run();
        tx.insert(auditEvents).values(audit).run();
      });
    },

    async findApiKeyByHash(keyHash) {
      return apiKeyByHash.get({ keyHash }) ?? null;
    },

    async listApiKeys() {
      return db
        .select()
        .from(apiKeys)
        .orderBy(...q.keysetOrder(apiKeys.createdAt, apiKeys.id, "desc"))
        .all();
    },

    async revokeApiKey(id, at, audit) {
      return db.transaction((tx) => {
        const row = tx
          .update(apiKeys)
          .set({ revokedAt: at })
          .where(and(eq(apiKeys.id, id), sql`${apiKeys.revokedAt} is null`))
          .returning({ id: apiKeys.id })
          .get();
        if (!row) return false;
        tx.insert(auditEvents).values(audit).run();
        return true;
      });
    },

    async touchApiKey(id, at, staleBefore) {
      db.update(apiKeys)
        .set({ lastUsedAt: at })
        .where(and(eq(apiKeys.id, id), q.staleOrNull(apiKeys.lastUsedAt, staleBefore)))
        .run();
    },

    async ping() {
      db.run(sql`select 1`);
    },

    async close() {
      close();
    },
  };
}
