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
  isNotNull,
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
import { fileURLToPath } from "node:url";
import * as q from "../query-parts.js";
import type { InsertSessionResult, SessionsStore, SessionWithUser, StatsQuery, StatsRows } from "../store.js";
import { apiKeys, auditEvents, schema, sessions, users } from "./schema.js";

type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Page cache while a bulk insert runs, in KiB. A bulk load writes all over every index; with the
 * default 16 MiB cache at 1M sessions most index pages are evicted and re-read between rows.
 */
const BULK_CACHE_KIB = 1024 * 1024;

const migrationsFolder = fileURLToPath(new URL("../../../migrations/sqlite", import.meta.url));

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
      return db.select().from(users).where(eq(users.id, id)).get() ?? null;
    },

    async getUserByEmail(email) {
      return db.select().from(users).where(eq(users.email, email)).get() ?? null;
    },

    async listUsers(query) {
      return db
        .select()
        .from(users)
        .where(
          and(
            query.search ? q.userSearchCondition(users, query.search, "unicode_lower") : undefined,
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
          revokedSessions = tx
            .update(sessions)
            .set({ revokedAt: revocation.at, revokedBy: revocation.by, revokeReason: revocation.reason })
            .where(q.revokeSelectorCondition(sessions, users, { kind: "user", userId }, idsMatching))
            .returning({ id: sessions.id })
            .all().length;
        }
        tx.insert(auditEvents)
          .values({ ...audit, count: revokedSessions })
          .run();
        return { user, revokedSessions };
      });
    },

    async insertSession(session, audit) {
      // One synchronous transaction: no other write can land between the status check and the insert.
      return db.transaction((tx): InsertSessionResult => {
        const user = tx.select().from(users).where(eq(users.id, session.userId)).get();
        if (!user) return { ok: false, error: "user_not_found" };
        if (user.status !== "active") return { ok: false, error: "user_disabled" };
        tx.insert(sessions).values(session).run();
        if (audit) tx.insert(auditEvents).values(audit).run();
        return { ok: true, user };
      });
    },

    async insertSessionsBulk(userRecords, sessionRecords) {
      const sqlite = db.$client;
      const cacheSize = sqlite.pragma("cache_size", { simple: true }) as number;
      sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
      try {
        sqlite.transaction(() => {
          bulkInsert(users, userRecords);
          bulkInsert(sessions, sessionRecords);
        })();
      } finally {
        sqlite.pragma(`cache_size = ${cacheSize}`);
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
      return (
        db
          .select({ session: sessions, user: sessionUser })
          .from(sessions)
          .innerJoin(users, eq(sessions.userId, users.id))
          .where(eq(sessions.id, id))
          .get() ?? null
      );
    },

    async listSessions(query): Promise<SessionWithUser[]> {
      const column = q.sortColumn(sessions, query.sort);
      return db
        .select({ session: sessions, user: sessionUser })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(
          and(
            q.sessionFilterCondition(sessions, users, query.filter, query.scope),
            q.keysetAfter(column, sessions.id, query.sort.dir, query.after),
          ),
        )
        .orderBy(...q.keysetOrder(column, sessions.id, query.sort.dir))
        .limit(query.limit)
        .all();
    },

    async countSessions(filter, scope) {
      const condition = q.sessionFilterCondition(sessions, users, filter, scope);
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
          .returning({ id: sessions.id })
          .all();
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
      return db.transaction(() => stats(query));
    },

    async prune(cutoff, audit) {
      return db.transaction((tx) => {
        let removed = 0;
        for (const condition of q.pruneConditions(sessions, cutoff)) {
          removed += tx.delete(sessions).where(condition).run().changes;
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
      return db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get() ?? null;
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
