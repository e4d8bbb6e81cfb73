// SQLite store over better-sqlite3. The operations are the shared ones (../shared/operations.ts),
// driven by runSync inside one synchronous better-sqlite3 transaction each: nothing else can
// interleave inside it, and the async interface is only a wrapper (never `db.transaction(async …)`:
// it would commit before the awaits). What is SQLite's own lives here: the maintained figures'
// prepared statements, the FTS5 trigram search tables, Unicode case folding for the users search,
// the bulk load and the prepared hot-path lookups.
import Database from "better-sqlite3";
import {
  and,
  eq,
  getTableColumns,
  getTableName,
  lt,
  sql,
  type SQL,
  type Column,
  type Logger,
  type SQLWrapper,
} from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzleProxy } from "drizzle-orm/sqlite-proxy";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { migrationsFolderOf } from "../migrations.js";
import { MigrationsPendingError, pendingMigrations } from "../migration-state.js";
import {
  sharedSchema,
  type Context,
  type DeletedRow,
  type SharedDb,
  type DialectHooks,
  type RevokedRow,
} from "../shared/context.js";
import * as c from "../shared/counters.js";
import { lookupQueries } from "../shared/operations.js";
import * as q from "../shared/query-parts.js";
import { runAsync, runSync, type Operation } from "../shared/steps.js";
import { createStore } from "../shared/store.js";
import type { ChangeFeed, SessionRecord, SessionsStore } from "../store.js";
import { startCheckpointer } from "./checkpointer.js";
import { READ_WORKERS, startReadPool, type ReadPool } from "./read-pool.js";
import { startBulkWriter, type BulkWriter, type Statement, type WriteGate } from "./bulk-writer.js";
import { createSqliteJobLocks } from "./job-locks.js";
import { createSqliteChangeFeed, type SqliteChangeFeedOptions } from "./change-feed.js";
import { apiKeys, auditEvents, schema, sessions, users } from "./schema.js";

type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Page cache while a bulk insert runs, in KiB. A bulk load writes all over every index; with the
 * default 16 MiB cache at 1M sessions most index pages are evicted and re-read between rows.
 */
const BULK_CACHE_KIB = 1024 * 1024;

const migrationsFolder = migrationsFolderOf("sqlite");

export interface SqliteOptions {
  /** Sees every statement the store runs (the query-plan test uses it). */
  logger?: Logger;
  /** How long a write waits for another process's write lock before it is refused as busy (503). */
  busyTimeoutMs?: number;
  /** The change feed's batching, polling and retention (tests poll faster). */
  changeFeed?: SqliteChangeFeedOptions;
  /**
   * Where WAL checkpoints run: "background" (default for a file) in a worker thread, so no commit
   * stalls the event loop copying the log; "inline" in whichever commit fills the log (SQLite's own).
   */
  checkpoints?: "background" | "inline";
  /**
   * How many worker threads run the long reads an admin can make (read-pool.ts), with read-only
   * connections of their own, so those reads never hold the event loop. Default READ_WORKERS for a
   * file; 0 runs them on the store's own connection (always so for ":memory:").
   */
  readWorkers?: number;
  /**
   * Where a bulk change's batches run (bulk-writer.ts): "worker" (default for a file) on a writer
   * connection in a worker thread, so no batch holds the event loop; "inline" on the store's own
   * connection (always so for ":memory:").
   */
  bulkWrites?: "worker" | "inline";
  /** false: refuse (MigrationsPendingError) instead of migrating a database that lacks a migration. */
  migrate?: boolean;
}

/** Opens (creating if needed) a SQLite database file, or ":memory:", and migrates it. */
export function openSqliteStore(filename: string, options: SqliteOptions = {}): SessionsStore {
  const sqlite = new Database(filename);
  try {
    // WAL lets readers run while one writer commits; busy_timeout makes a second process wait for
    // the write lock instead of failing at once; foreign keys are off by default in SQLite.
    if (filename !== ":memory:") sqlite.pragma("journal_mode = WAL");
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(busyTimeoutMs))}`);
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.function("unicode_lower", { deterministic: true }, (value: unknown) =>
      typeof value === "string" ? value.toLowerCase() : value,
    );
    const db = drizzle(sqlite, { schema, logger: options.logger ?? false });
    if (options.migrate === false) {
      const table = sqlite
        .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
        .get();
      const last = table
        ? (
            sqlite.prepare("select max(created_at) as at from __drizzle_migrations").get() as {
              at: number | null;
            }
          ).at
        : null;
      const pending = pendingMigrations(migrationsFolder, last === null ? null : Number(last));
      if (pending > 0) throw new MigrationsPendingError(pending);
    } else {
      migrate(db, { migrationsFolder });
    }
    // The query planner's statistics (sqlite_stat1). Without them SQLite picks indexes by rule of
    // thumb, and at 1M sessions it picked badly for the admin's counts: the active sessions created
    // in the last 7 days walked the live-expiry index (2.2 s instead of 29 ms), Chrome sessions
    // expiring today walked every Chrome session (3.3 s instead of 2.5 ms), an email domain
    // joined from the sessions side (1.9 s instead of 18 ms). SQLite's advice for long-lived
    // connections: optimize when opening; it analyzes only what has no statistics or grew 10×
    // since, so it costs nothing on most starts (1.4 s at 1M sessions the first time, before the
    // API listens). The bulk load analyzes in full (below); the cleanup job optimizes again.
    if (options.migrate !== false) sqlite.pragma("optimize=0x10002");
    const file = filename !== ":memory:";
    const checkpointer =
      !file || options.checkpoints === "inline" ? null : startCheckpointer(sqlite, filename);
    const bulkWriter =
      !file || options.bulkWrites === "inline"
        ? null
        : startBulkWriter(filename, { busyTimeoutMs, backgroundCheckpoints: checkpointer !== null });
    // Only a file can be shared by processes; an in-memory database belongs to this one alone.
    const changeFeed = file
      ? createSqliteChangeFeed(sqlite, { ...options.changeFeed, gate: bulkWriter?.gate })
      : null;
    const workers = options.readWorkers ?? READ_WORKERS;
    const readPool = !file || workers <= 0 ? null : startReadPool(filename, workers);
    return createSqliteStore(
      db,
      async () => {
        // The writer first: a batch in flight rolls back before the change feed writes its last.
        await bulkWriter?.close();
        changeFeed?.close();
        await readPool?.close();
        // The worker first: closing the last connection then checkpoints and removes the log.
        await checkpointer?.close();
        sqlite.close();
      },
      changeFeed,
      { readPool, bulkWriter, logger: options.logger },
    );
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

// ---- maintained figures (../shared/counters.ts): the statements, and each change's writes ----
const COUNTER_SQL = {
  addLive:
    "insert into session_live_counts (expires_day, browser, os, live_sessions) values (?, ?, ?, ?) " +
    // One writer at a time: SQLite keeps every counter in shard 0 (see the schema).
    "on conflict (expires_day, browser, os, shard) do update set live_sessions = live_sessions + excluded.live_sessions",
  addCreated:
    "insert into session_created_counts (created_slot, created_sessions) values (?, ?) " +
    "on conflict (created_slot, shard) do update set created_sessions = created_sessions + excluded.created_sessions",
  raiseLiveUntil:
    "insert into user_live_until (user_id, live_until) values (?, ?) " +
    "on conflict (user_id) do update set live_until = max(live_until, excluded.live_until)",
  recomputeLiveUntil:
    "update user_live_until set live_until = coalesce((select max(s.expires_at) from sessions s " +
    "where s.user_id = user_live_until.user_id and s.revoked_at is null), 0) where user_id = ?",
  dropEmptyLive: "delete from session_live_counts where live_sessions = 0",
  dropEmptyCreated: "delete from session_created_counts where created_sessions = 0",
} as const;

type CounterStatement = keyof typeof COUNTER_SQL;
type CounterWrite = [CounterStatement, unknown[]];
type Counted = Pick<SessionRecord, "userId" | "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">;

const counterStatement = ([name, params]: CounterWrite): Statement => ({ sql: COUNTER_SQL[name], params });

/** Sessions just inserted: live ones raise the live counts and their user's live_until. */
function insertedCounts(rows: Counted[]): CounterWrite[] {
  const live = rows.filter((r) => r.revokedAt === null);
  return [
    ...c
      .liveDeltas(live, 1)
      .map((d): CounterWrite => ["addLive", [d.expiresDay, d.browser, d.os, d.liveSessions]]),
    ...c.createdDeltas(rows, 1).map((d): CounterWrite => ["addCreated", [d.createdSlot, d.createdSessions]]),
    ...c
      .latestExpiryByUser(live)
      .map((u): CounterWrite => ["raiseLiveUntil", [u.userId, u.liveUntil.getTime()]]),
  ];
}

/** Live sessions just revoked: the live counts, and each of their users' live_until again. */
function revokedCounts(rows: RevokedRow[]): CounterWrite[] {
  return [
    ...c
      .liveDeltas(rows, -1)
      .map((d): CounterWrite => ["addLive", [d.expiresDay, d.browser, d.os, d.liveSessions]]),
    ...c
      .sortedDistinct(rows.map((r) => r.userId))
      .map((userId): CounterWrite => ["recomputeLiveUntil", [userId]]),
  ];
}

/** Sessions just deleted (prune). A user's live_until needs no change: see prune. */
function deletedCounts(rows: DeletedRow[]): CounterWrite[] {
  const live = rows.filter((r) => r.revokedAt === null);
  return [
    ...c
      .liveDeltas(live, -1)
      .map((d): CounterWrite => ["addLive", [d.expiresDay, d.browser, d.os, d.liveSessions]]),
    ...c.createdDeltas(rows, -1).map((d): CounterWrite => ["addCreated", [d.createdSlot, d.createdSessions]]),
    ["dropEmptyLive", []],
    ["dropEmptyCreated", []],
  ];
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === "SQLITE_CONSTRAINT_UNIQUE";
}
export function createSqliteStore(
  db: Db,
  close: () => void | Promise<void>,
  changeFeed: ChangeFeed | null = null,
  workers: { readPool: ReadPool | null; bulkWriter?: BulkWriter | null; logger?: Logger } = {
    readPool: null,
  },
): SessionsStore {
  const t = sharedSchema(schema);
  const bulkWriter = workers.bulkWriter ?? null;
  const gate: WriteGate | null = bulkWriter?.gate ?? null;
  /** A write on the main connection: after the batch that holds the writer's lock, if one does (bulk-writer.ts). */
  const gated = async <T>(write: () => T): Promise<T> => {
    if (gate?.held) await gate.whenOpen();
    return write();
  };
  const jobLocks = createSqliteJobLocks(db.$client, undefined, gate);
  // The hot path runs prepared statements: no query building per call (building and preparing
  // cost ~90% of such a lookup). The definitions are shared; preparing is SQLite's own.
  const lookups = lookupQueries({ on: db, t });
  const byTokenHash = lookups.byTokenHash.prepare();
  const userById = lookups.userById.prepare();
  const userByEmail = lookups.userByEmail.prepare();
  const sessionById = lookups.sessionById.prepare();
  const apiKeyByHash = lookups.apiKeyByHash.prepare();
  const unrevokedAppSessions = lookups.unrevokedAppSessions.prepare();

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
   * For a load into an empty users table: drops the triggers that keep the trigram search tables
   * (migrations 0001, 0002) in step with users, and returns what restores them: fill both search
   * tables from users in one INSERT … SELECT each, then recreate the triggers. FTS5 fed row by row
   * by the triggers inside one long transaction grew quadratically (100k users: 35 s, 200k: 165 s,
   * 300k: 460 s — the 10M-session load could not finish); filled in one statement, 200k took 2.2 s.
   */
  function dropSearchTriggers(): string[] {
    if (!isEmpty("users")) return [];
    const client = db.$client;
    const triggers = client
      .prepare<[], { name: string; sql: string }>(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'users' and name like 'users_%_search_%'",
      )
      .all();
    for (const trigger of triggers) client.exec(`drop trigger "${trigger.name}"`);
    return [
      "delete from users_email_search",
      "delete from users_name_search",
      "insert into users_email_search (user_id, email) select id, email from users",
      "insert into users_name_search (user_id, name) select id, name from users where name is not null",
      ...triggers.map((trigger) => trigger.sql),
    ];
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
  // Each write is a statement of COUNTER_SQL and its parameters: run through statements prepared
  // once on the main connection, or sent as they are to the bulk writer (bulk-writer.ts).
  const counterStatements = Object.fromEntries(
    Object.entries(COUNTER_SQL).map(([name, text]) => [name, db.$client.prepare(text)]),
  ) as Record<CounterStatement, Database.Statement>;
  function runCounts(writes: CounterWrite[]): void {
    for (const [name, params] of writes) counterStatements[name].run(params);
  }

  /** Live sessions just revoked; `along` (the audit event) runs first, in the same transaction. */
  function countRevoked(rows: RevokedRow[], along: SQLWrapper[]): void {
    for (const write of along) db.run(write);
    runCounts(revokedCounts(rows));
  }

  // ---- search: the users a substring matches, from the trigram indexes (migrations 0001, 0002) ----
  // The matches' rowids first, then their user ids: FTS5 answers a phrase MATCH from the trigram
  // doclists alone, while LIKE reads each match's stored row to test it, and user_id comes from the
  // stored row too. Counting the matches by rowid is what tells a dense search from a sparse one:
  // 2,001 matches of "@gmail.com" (100k users) by rowid 0.69 ms, by LIKE with their user ids 1.70
  // ms. A search it does not refuse pays the ids after: "sanchez" (1,224 users) 0.34 + 0.97 ms,
  // against 1.12 ms by LIKE (raw better-sqlite3, medians of 40, on the bench's 1M file).
  const emailRowidReads = new Map<number, Database.Statement>();
  /** The statement reading at most `most` + 1 matches' rowids, prepared once per limit. */
  function emailRowids(most: number): Database.Statement {
    let read = emailRowidReads.get(most);
    if (!read) {
      read = db.$client
        .prepare(`select rowid from users_email_search where users_email_search match ? limit ${most + 1}`)
        .pluck();
      emailRowidReads.set(most, read);
    }
    return read;
  }
  const emailUsersOf = db.$client
    .prepare(`select user_id from users_email_search where rowid in (select value from json_each(?))`)
    .pluck();
  /** The ids of the users whose email contains `needle`, or null when more than `most` do. */
  function usersWithEmail(needle: string, most: number): string[] | null {
    // A phrase of the needle's trigrams, in order: a substring match. Inside double quotes only a
    // double quote is special (doubled); trigramSearchable has already refused LIKE's wildcards.
    const phrase = `"${needle.replaceAll('"', '""')}"`;
    const rowids = emailRowids(most).all(phrase);
    if (rowids.length > most) return null;
    return rowids.length === 0 ? [] : (emailUsersOf.all(JSON.stringify(rowids)) as string[]);
  }
  // Not one UNION query: SQLite computes a UNION whole before its LIMIT (32 ms for "gmail" at 100k
  // users), while each LIKE alone streams from the index and stops at the limit.
  const nameSearch = db.$client
    .prepare(`select user_id from users_name_search where name like ? limit ${q.EMAIL_SEARCH_USERS + 1}`)
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
    const ids = usersWithEmail(needle, q.EMAIL_SEARCH_USERS);
    if (ids === null) return null;
    if (!names) return ids;
    const all = new Set([...ids, ...(nameSearch.all(`%${needle}%`) as string[])]);
    return all.size > q.EMAIL_SEARCH_USERS ? null : [...all];
  }

  /** DialectHooks.usersForList from one trigram read (measurements: query-parts' SORT_WALK_USERS). */
  function usersForList(search: string | undefined): { few: string[] } | { walk: SQL } | null {
    const needle = q.trigramSearchable(search);
    if (needle === null) return null;
    const ids = usersWithEmail(needle, q.SORT_WALK_USERS);
    if (ids === null) return null;
    if (ids.length <= q.EMAIL_SEARCH_USERS) return { few: ids };
    // Unary +: SQLite must not serve this term from the user index (it would read every matching
    // user's sessions and sort them all: 28 ms for "sanchez" at 1M); the sort-index walk checks it.
    // Sorted by createdAt it does so on the index entry (sessions_created_at_idx carries user_id:
    // 4 ms instead of 24 ms); by lastSeenAt or expiresAt it reads each walked row first.
    // json_each: one bound parameter however many ids.
    return { walk: sql`+${sessions.userId} in (select value from json_each(${JSON.stringify(ids)}))` };
  }

  const hooks: DialectHooks = {
    // Read inside the operation's synchronous transaction: no other write can land between the
    // status check and the insert.
    // Write transactions begin IMMEDIATE: no other create counts until this one commits.
    sessionOwner: (userId) => userById.get({ id: userId }),
    // Prepared once: building the statement on every create cost more than running it (bench).
    unrevokedAppSessions: (userId) => unrevokedAppSessions.all({ userId }),
    insertSession(session, audit, along) {
      insertRow(sessions, session);
      if (audit) insertRow(auditEvents, audit);
      for (const write of along) db.run(write);
      runCounts(insertedCounts([session]));
    },
    instant: (at) => sql`${at.getTime()}`,
    // The write transaction holds the database's write lock: no other dispatcher claims meanwhile.
    claimLock: () => sql``,
    countRevoked,
    countDeleted: (rows) => runCounts(deletedCounts(rows)),
    usersMatching: fewUsersMatching,
    usersForList,
    // A correlated lookup rather than a test on the joined row: with the join, SQLite first builds
    // a Bloom filter by reading every user (20 ms at 100k users) before walking a single session;
    // "@gmail.com" page 1: 21 ms joined, 1.3 ms so.
    userWindowKey: sql`${users}.rowid`,
    liveSessionsByExpiry: sql`${sessions} indexed by "sessions_live_expires_idx"`,
    emailContains: (needle) =>
      sql`(select ${q.containsLiteral(sql.raw('"u2"."email"'), needle)} from ${users} "u2" where "u2"."id" = ${sessions.userId})`,
    userSearch: (search) =>
      q.userSearchCondition(users, search, q.isAscii(search) ? "ascii-like" : "unicode_lower"),
    // Write transactions begin IMMEDIATE (below): no other connection writes until this one ends.
    lockOperators: () => undefined,
    parentKey: (id) =>
      db
        .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(eq(apiKeys.id, id))
        .get(),
  };

  const context: Context = { on: db, t, h: hooks };
  // The long reads' context: the same tables, hooks and query builders, over drizzle's sqlite-proxy
  // driver, whose statements the read pool's workers run (read-pool.ts). Its builders are
  // SQLite's with async execution, which is what the shared code's Postgres path already drives
  // (runAsync awaits each step): typed as the shared SharedDb for the same reason Postgres is.
  const { readPool } = workers;
  const readContext: Context | null = readPool
    ? {
        on: drizzleProxy(
          (text, params, method) => {
            if (method === "run") throw new Error("the read pool runs reads only");
            return readPool.query(text, params, method);
          },
          { schema, logger: workers.logger ?? false },
        ) as unknown as SharedDb,
        t,
        h: hooks,
      }
    : null;
  // A bulk change's batches: the same again over the bulk writer's connection (bulk-writer.ts),
  // whose worker runs each batch's statements inside one transaction. The maintained figures'
  // hooks send their statements there too, in one message; every other hook only reads, on the
  // main connection (WAL: no lock needed), or builds SQL.
  const bulkContext: Context | null = bulkWriter ? bulkContextOf(bulkWriter) : null;
  function bulkContextOf(writer: BulkWriter): Context {
    const on = drizzleProxy((text, params, method) => writer.query(text, params, method), {
      schema,
      logger: workers.logger ?? false,
    });
    const send = (writes: CounterWrite[]) => writer.runAll(writes.map(counterStatement));
    return {
      on: on as unknown as SharedDb,
      t,
      h: {
        ...hooks,
        async countRevoked(rows, along) {
          for (const write of along) await on.run(write);
          await send(revokedCounts(rows));
        },
        countDeleted: (rows) => send(deletedCounts(rows)),
      },
    };
  }
  // better-sqlite3 is synchronous: the whole operation runs inside the transaction's callback.
  const inTransaction = <T>(operation: (x: Context) => Operation<T>): T =>
    db.transaction(() => runSync(operation(context)));
  // A write takes the write lock before its first read (BEGIN IMMEDIATE), so what a guarded change
  // reads (the last admin, a key's parent) cannot be changed by another connection before it
  // writes, and it never fails half-way upgrading a read lock.
  const inWriteTransaction = <T>(operation: (x: Context) => Operation<T>): T =>
    db.transaction(() => runSync(operation(context)), { behavior: "immediate" });

  return createStore({
    dialect: "sqlite",
    // Other processes on the same file (a second API, the CLI) hear changes through change_log.
    changeFeed,
    run: {
      // direct may write (a lone conditional update): gated like write.
      direct: (operation) => gated(() => runSync(operation(context))),
      write: (operation) => gated(() => inWriteTransaction(operation)),
      snapshot: async (operation) => inTransaction(operation),
      read: async (operation) =>
        readContext ? runAsync(operation(readContext)) : runSync(operation(context)),
      bulk: (operation) =>
        bulkWriter && bulkContext
          ? bulkWriter.transaction(() => runAsync(operation(bulkContext)))
          : gated(() => inWriteTransaction(operation)),
    },
    isUniqueViolation,
    // No deadline: every call is synchronous under the hood (a timer could not fire during it),
    // and busy_timeout bounds the only wait, for another process's write lock.
    faults: { deadlineMs: null },
    own: {
      async insertSessionsBulk(batches) {
        if (gate?.held) await gate.whenOpen();
        const sqlite = db.$client;
        const cacheSize = sqlite.pragma("cache_size", { simple: true }) as number;
        sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
        // Leaving WAL needs the only connection to the file: the readers and the writer go (they
        // come back on the next read or batch).
        await readPool?.suspend();
        await bulkWriter?.suspend();
        const journal = isEmpty("sessions") ? leaveWal() : null;
        try {
          sqlite.transaction(() => {
            // Into an empty table, drop its secondary indexes and build each once at the end: one sort
            // per index instead of a B-tree descent per row and index (at 1M sessions the rate inside
            // the store went from 24k to 42k rows/s, with leaveWal). DDL is transactional in SQLite, so a failure — a duplicate
            // email or token hash found while rebuilding a unique index included — rolls it all back.
            const rebuild = [
              ...dropSearchTriggers(),
              ...[users, sessions].flatMap((table) => dropIndexes(getTableName(table))),
            ];
            for (const batch of batches) {
              bulkInsert(users, batch.users);
              bulkInsert(sessions, batch.sessions);
              runCounts(insertedCounts(batch.sessions));
            }
            for (const statement of rebuild) sqlite.exec(statement);
          })();
          // The tables just changed size by orders of magnitude: fresh statistics for the planner
          // (see openSqliteStore). A full ANALYZE reads every index once: 2.4 s at 1M sessions,
          // against ~35 s for the load.
          sqlite.exec("analyze");
          // The trigram indexes were filled row by row by the users triggers, leaving thousands of
          // small segments that every search merges (100k users: 2,107 segments; "sanchez" read in
          // 5.6 ms, 4.0 ms after merging them; the merge took 0.4 s).
          for (const search of ["users_email_search", "users_name_search"])
            sqlite.exec(`insert into ${search}(${search}) values('optimize')`);
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
        await gated(() => touch.run({ id, at: at.getTime(), staleBefore: staleBefore.getTime() }));
      },
      async getUserById(id) {
        return userById.get({ id }) ?? null;
      },
      async getUserByEmail(email) {
        return userByEmail.get({ email }) ?? null;
      },
      async getSession(id) {
        return sessionById.get({ id }) ?? null;
      },
      async findApiKeyByHash(keyHash) {
        return apiKeyByHash.get({ keyHash }) ?? null;
      },
      async ping() {
        db.run(sql`select 1`);
      },
      // optimize may run ANALYZE, which writes sqlite_stat1.
      refreshStatistics: () => gated(() => void db.$client.pragma("optimize")),
      tryJobLock: (name) => gated(() => jobLocks.tryJobLock(name)),
      async close() {
        await close();
      },
    },
  });
}
