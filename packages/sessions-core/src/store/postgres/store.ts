// Postgres store. Works over any drizzle Postgres driver (postgres.js in production, PGlite in
// tests without a server). The operations are the shared ones (../shared/operations.ts), awaited
// step by step inside one transaction each, except a create with no session limit, which is one
// prepared statement (insertSessionAtOnce: the hottest write); what is Postgres's own lives here: the maintained
// figures' SQL (each change's writes bundled into one statement), FOR SHARE row locking, the
// email search over the trigram index, the single-snapshot active count, the bulk load and the
// named prepared statements. Single conditional UPDATE … RETURNING statements make concurrent
// revokes count each session exactly once.
import {
  and,
  type Column,
  eq,
  getTableColumns,
  getTableName,
  inArray,
  isNull,
  lt,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTable } from "drizzle-orm/pg-core";
import {
  sharedSchema,
  type Context,
  type DeletedRow,
  type DialectHooks,
  type RevokedRow,
} from "../shared/context.js";
import { UnavailableError } from "../../domain/errors.js";
import * as c from "../shared/counters.js";
import { lookupQueries } from "../shared/operations.js";
import { outboxInsert, outboxRows, sessionCreated } from "../shared/outbox.js";
import * as q from "../shared/query-parts.js";
import { runAsync, type Operation } from "../shared/steps.js";
import { createStore } from "../shared/store.js";
import type {
  AuditRecord,
  ChangeFeed,
  InsertSessionResult,
  JobLock,
  SessionRecord,
  SessionsStore,
} from "../store.js";
import { prepareNamed, sharedDb, sharedTables } from "./as-shared.js";
import { inProcessJobLocks } from "./job-locks.js";
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

export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Rows per INSERT of the bulk path (one JSON parameter of a few MB). */
const BULK_ROWS_PER_STATEMENT = 10_000;

type Counted = Pick<SessionRecord, "userId" | "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">;

// ---- maintained figures (../shared/counters.ts): one statement per change, in the caller's transaction ----

/**
 * Each connection adds to its own shard of a counter (its backend pid modulo COUNTER_SHARDS): with
 * one row per key, every concurrent create waited for the one before to commit (measured on main:
 * 1,351 creates/s with 4 callers, 882 with 32); reads sum the shards, so every figure stays exact.
 */
export const COUNTER_SHARDS = 16;

/** The shard a connection adds to; one shard (1) is one row per key, as before sharding. */
function shardOf(shards: number): SQL {
  return sql.raw(shards <= 1 ? "0" : `(pg_backend_pid() % ${Math.floor(shards)})`);
}

// Each upsert takes its rows as one JSON parameter (json_populate_recordset, by column name): the
// statement's text is then the same for one row or two thousand, so it can be prepared once (the
// one-statement create below), and binding one parameter costs less than four a row.

const liveRows = (deltas: c.LiveDelta[]) =>
  deltas.map((d) => ({
    expires_day: d.expiresDay,
    browser: d.browser,
    os: d.os,
    live_sessions: d.liveSessions,
  }));
const createdRows = (deltas: c.CreatedDelta[]) =>
  deltas.map((d) => ({ created_slot: d.createdSlot, created_sessions: d.createdSessions }));
const raiseRows = (rows: { userId: string; liveUntil: Date }[]) =>
  rows.map((r) => ({ user_id: r.userId, live_until: r.liveUntil }));

function liveUpsert(deltas: c.LiveDelta[], shard: SQL): SQL {
  return liveUpsertFrom(jsonParam(liveRows(deltas)), shard);
}

function liveUpsertFrom(rows: SQL, shard: SQL): SQL {
  return sql`insert into ${sessionLiveCounts} (expires_day, browser, os, live_sessions, shard)
    select expires_day, browser, os, live_sessions, ${shard} from json_populate_recordset(null::${sessionLiveCounts}, ${rows})
    on conflict (expires_day, browser, os, shard) do update set live_sessions = ${sessionLiveCounts.liveSessions} + excluded.live_sessions`;
}

function createdUpsert(deltas: c.CreatedDelta[], shard: SQL): SQL {
  return createdUpsertFrom(jsonParam(createdRows(deltas)), shard);
}

function createdUpsertFrom(rows: SQL, shard: SQL): SQL {
  return sql`insert into ${sessionCreatedCounts} (created_slot, created_sessions, shard)
    select created_slot, created_sessions, ${shard} from json_populate_recordset(null::${sessionCreatedCounts}, ${rows})
    on conflict (created_slot, shard) do update set created_sessions = ${sessionCreatedCounts.createdSessions} + excluded.created_sessions`;
}

function liveUntilRaise(rows: { userId: string; liveUntil: Date }[]): SQL {
  return liveUntilRaiseFrom(jsonParam(raiseRows(rows)));
}

function liveUntilRaiseFrom(rows: SQL): SQL {
  return sql`insert into ${userLiveUntil} (user_id, live_until)
    select user_id, live_until from json_populate_recordset(null::${userLiveUntil}, ${rows})
    on conflict (user_id) do update set live_until = greatest(${userLiveUntil.liveUntil}, excluded.live_until)`;
}

/** Rows as one JSON parameter (dates as ISO strings, which timestamptz reads exactly). */
function jsonParam(rows: object[]): SQL {
  return sql`${JSON.stringify(rows)}::json`;
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
 * rows/s, the client's CPU busy).
 */
function insertJsonRows(table: PgTable, records: object[]): SQL {
  return insertFromJson(table, jsonParam(tableRows(table, records)));
}

/** Records (the schema's keys) as rows of the table's column names; dates as ISO strings. */
function tableRows(table: PgTable, records: object[]): Record<string, unknown>[] {
  const columns: [string, Column][] = Object.entries(getTableColumns(table));
  return (records as Record<string, unknown>[]).map((record) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = record[key];
      row[column.name] = value instanceof Date ? value.toISOString() : (value ?? null);
    }
    return row;
  });
}

/** INSERT of the rows of `rows`, a JSON array of the table's rows. */
function insertFromJson(table: PgTable, rows: SQL): SQL {
  const names = sql.join(
    Object.values(getTableColumns(table)).map((column) => sql.identifier(column.name)),
    sql`, `,
  );
  return sql`insert into ${table} (${names}) select ${names} from json_populate_recordset(null::${table}, ${rows})`;
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
async function countInserted(on: PgDb, shard: SQL, rows: Counted[], along: SQL[] = []): Promise<void> {
  const live = rows.filter((r) => r.revokedAt === null);
  const lives = chunked(c.liveDeltas(live, 1));
  const createds = chunked(c.createdDeltas(rows, 1));
  const raises = chunked(c.latestExpiryByUser(live));
  for (let i = 0; i < Math.max(along.length > 0 ? 1 : 0, lives.length, createds.length, raises.length); i++) {
    const statement = oneStatement([
      ...(i === 0 ? along : []),
      ...(lives[i]?.length ? [liveUpsert(lives[i]!, shard)] : []),
      ...(createds[i]?.length ? [createdUpsert(createds[i]!, shard)] : []),
      ...(raises[i]?.length ? [liveUntilRaise(raises[i]!)] : []),
    ]);
    if (statement) await on.execute(statement);
  }
}

/** SQLSTATEs of sessions_require_active_owner (migration 0011). */
const OWNER_NOT_FOUND = "SE404";
const OWNER_NOT_ACTIVE = "SE403";

/**
 * insertSession without a session limit, as ONE statement: the owner read FOR SHARE and every write
 * of the create (the session, its audit event, its webhook messages, the maintained figures) are
 * parts of one WITH statement, which Postgres runs atomically on its own. The transaction it
 * replaces cost four round trips (BEGIN, the owner, the writes, COMMIT), each of them unprepared
 * statements that postgres.js sends in two (it first asks for the parameters' types), and Postgres
 * parsed and planned the writes on every create. Built and prepared once: every value is one of
 * its placeholders (the rows as JSON), so the text is the same on every create, parsed and planned
 * once per connection (bench/RESULTS.md: creates/s with 32 callers, before and after).
 *
 * A statement cannot skip its own data-modifying parts, so when the locked owner is missing or not
 * active the main query's one-time filter raises (sessions_require_active_owner, migration 0011)
 * and the statement writes nothing. The lock is the transaction's: FOR SHARE makes a concurrent
 * disable wait for this commit (its revocation then sees the session), and if the disable
 * committed first, READ COMMITTED re-reads the locked row, so the filter sees the new status. Which
 * part runs first does not matter: nothing is visible before the statement commits, and it fails
 * whole.
 */
function insertSessionAtOnce(db: PgDb, t: Context["t"], shard: SQL) {
  const json = (name: string) => sql`${sql.placeholder(name)}::json`;
  const owner = db.$with("owner").as(
    db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("userId")))
      .for("share"),
  );
  const messages = sql`select id, type, payload from json_to_recordset(${json("messages")}) as m(id text, type text, payload text)`;
  const writes = [
    insertFromJson(sessions, json("session")),
    insertFromJson(auditEvents, json("audit")),
    outboxInsert(t, sql`${sql.placeholder("at")}::timestamptz`, messages),
    liveUpsertFrom(json("lives"), shard),
    createdUpsertFrom(json("createds"), shard),
    liveUntilRaiseFrom(json("raises")),
  ].map((part, i) => db.$with(`w${i}`, {}).as(part));
  const statement = db
    .with(owner, ...writes)
    .select()
    .from(owner)
    // A one-time filter (it reads no column of the row): evaluated once, before any row, so it
    // raises even when there is no owner row to return.
    .where(sql`(select sessions_require_active_owner((select ${owner.status} from ${owner})))`)
    .prepare("sessions_insert_at_once");

  return async (session: SessionRecord, audit: AuditRecord | null): Promise<InsertSessionResult> => {
    const live = session.revokedAt === null ? [session] : [];
    try {
      const [user] = await statement.execute({
        userId: session.userId,
        session: JSON.stringify(tableRows(sessions, [session])),
        audit: JSON.stringify(audit ? tableRows(auditEvents, [audit]) : []),
        at: session.createdAt.toISOString(),
        messages: JSON.stringify(outboxRows(session.createdAt, [sessionCreated(session)])),
        lives: JSON.stringify(liveRows(c.liveDeltas(live, 1))),
        createds: JSON.stringify(createdRows(c.createdDeltas([session], 1))),
        raises: JSON.stringify(raiseRows(c.latestExpiryByUser(live))),
      });
      if (!user) throw new Error("sessions_require_active_owner let a create through without its owner");
      return { ok: true, user, evicted: [] };
    } catch (error) {
      if (failedWith(error, OWNER_NOT_FOUND)) return { ok: false, error: "user_not_found" };
      if (failedWith(error, OWNER_NOT_ACTIVE)) return { ok: false, error: "user_disabled" };
      throw error;
    }
  };
}

async function countRevoked(on: PgDb, shard: SQL, rows: RevokedRow[], along: SQL[] = []): Promise<void> {
  const lives = chunked(c.liveDeltas(rows, -1));
  const users = chunked(c.sortedDistinct(rows.map((r) => r.userId)));
  for (let i = 0; i < Math.max(along.length > 0 ? 1 : 0, lives.length, users.length); i++) {
    const statement = oneStatement([
      ...(i === 0 ? along : []),
      ...(lives[i]?.length ? [liveUpsert(lives[i]!, shard)] : []),
      ...(users[i]?.length ? [liveUntilRecompute(users[i]!)] : []),
    ]);
    if (statement) await on.execute(statement);
  }
}

async function countDeleted(on: PgDb, shard: SQL, rows: DeletedRow[]): Promise<void> {
  for (const part of chunked(
    c.liveDeltas(
      rows.filter((r) => r.revokedAt === null),
      -1,
    ),
  ))
    await on.execute(liveUpsert(part, shard));
  for (const part of chunked(c.createdDeltas(rows, -1))) await on.execute(createdUpsert(part, shard));
  await on.delete(sessionLiveCounts).where(eq(sessionLiveCounts.liveSessions, 0));
  await on.delete(sessionCreatedCounts).where(eq(sessionCreatedCounts.createdSessions, 0));
}

/** Whether a statement failed with `state`: postgres.js and PGlite expose the SQLSTATE as `code`; drizzle may wrap it in `cause`. */
function failedWith(error: unknown, state: string): boolean {
  const code = (e: unknown) => (typeof e === "object" && e !== null && "code" in e ? e.code : undefined);
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined;
  return code(error) === state || code(cause) === state;
}

function isUniqueViolation(error: unknown): boolean {
  return failedWith(error, "23505");
}

/** The Postgres side of the shared operations, on `on` (the db, or the transaction running them). */
function hooksOn(on: PgDb, shard: SQL): DialectHooks {
  const hooks: DialectHooks = {
    async sessionOwner(userId, exclusive) {
      // FOR SHARE: a concurrent disable (UPDATE users) waits for this commit, and its revocation
      // then sees the new row; if the disable committed first, this reads the disabled status.
      // FOR NO KEY UPDATE (a session limit applies) also makes a concurrent create for this user
      // wait, and under READ COMMITTED its count, a new statement, then sees this one's session.
      // It does not block the FOR KEY SHARE that other sessions' foreign keys take.
      const [user] = await on
        .select()
        .from(users)
        .where(eq(users.id, userId))
        .for(exclusive ? "no key update" : "share");
      return user;
    },
    // The shared lookup's condition, on the transaction running it (operations.ts says why no more).
    unrevokedAppSessions: (userId) =>
      on
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), eq(sessions.kind, "app"), isNull(sessions.revokedAt))),
    insertSession: (session, audit, along) =>
      countInserted(
        on,
        shard,
        [session],
        [
          on.insert(sessions).values(session).getSQL(),
          ...(audit ? [on.insert(auditEvents).values(audit).getSQL()] : []),
          ...along,
        ],
      ),
    instant: (at) => sql`${at.toISOString()}::timestamptz`,
    // SKIP LOCKED: rows another dispatcher's claim is writing are passed over, not waited for, so
    // two instances claim disjoint rows; the claim's lease (claimed_until) keeps them apart after.
    claimLock: () => sql`for update skip locked`,
    countRevoked: (rows, along) =>
      countRevoked(
        on,
        shard,
        rows,
        along.map((write) => write.getSQL()),
      ),
    countDeleted: (rows) => countDeleted(on, shard, rows),
    /**
     * The ids of the users whose email contains the search when there are few of them, or null when
     * the trigram index cannot narrow it. Names are not looked up first: the users list's own LIKE
     * over email and name is what Postgres's trigram indexes serve.
     */
    async usersMatching(search, names) {
      const needle = names ? null : q.trigramSearchable(search);
      if (needle === null) return null;
      const rows = await on
        .select({ id: users.id })
        .from(users)
        .where(sql`${users.email} like ${`%${needle}%`}`)
        .limit(q.EMAIL_SEARCH_USERS + 1);
      return rows.length > q.EMAIL_SEARCH_USERS ? null : rows.map((r) => r.id);
    },
    async usersForList(search) {
      // No sort-walk tier: Postgres walks the sort index joining each user (measured within its
      // targets); only the per-user path's candidates.
      const few = await hooks.usersMatching(search, false);
      return few ? { few } : null;
    },
    userWindowKey: sql`${users.id}`,
    liveSessionsByExpiry: sql`${sessions}`,
    emailContains: (needle) => q.containsLiteral(users.email, needle),
    userSearch: (search) => q.userSearchCondition(users, search, "lower"),
    async lockOperators(userId) {
      // In id order, so two transactions locking overlapping sets never deadlock. Under READ
      // COMMITTED a waiter re-reads each row once its lock is free, so the next statement sees
      // the change the other transaction committed.
      await on
        .select({ id: users.id })
        .from(users)
        .where(or(eq(users.id, userId), and(eq(users.role, "admin"), eq(users.status, "active"))))
        .orderBy(users.id)
        .for("update");
    },
    async parentKey(id) {
      // FOR SHARE: a concurrent revocation (UPDATE api_keys) waits for this commit and its cascade
      // then sees the new key; if the revocation committed first, this reads it revoked.
      const [key] = await on
        .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(eq(apiKeys.id, id))
        .for("share");
      return key;
    },
  };
  return hooks;
}

export function createPostgresStore(
  db: PgDb,
  close: () => Promise<void>,
  changeFeed: ChangeFeed | null = null,
  options: {
    deadlineMs?: number | null;
    /** How a job is held across instances (openPostgresStore: advisory locks on the server). */
    tryJobLock?: (name: string) => Promise<JobLock | null>;
    /** The long reads' own small pool (open.ts' READ_CONNECTIONS); default: the main one. */
    reads?: PgDb;
    /** Rows per maintained counter key (default COUNTER_SHARDS); 1 only to measure what sharding buys. */
    counterShards?: number;
  } = {},
): SessionsStore {
  const shard = shardOf(options.counterShards ?? COUNTER_SHARDS);
  const tryJobLock = options.tryJobLock ?? inProcessJobLocks();
  const t = sharedSchema(sharedTables(schema));
  // Statements are built on the transaction running them (or on db outside one).
  const contextOn = (on: PgDb): Context => ({ on: sharedDb(on), t, h: hooksOn(on, shard) });
  const run = <T>(on: PgDb, operation: (x: Context) => Operation<T>) => runAsync(operation(contextOn(on)));

  // Reads that run on every API request (validate, key check) or console click: built and named
  // once, so Postgres plans them once per connection.
  const lookups = lookupQueries(contextOn(db));
  const byTokenHash = prepareNamed(lookups.byTokenHash, "sessions_by_token_hash");
  const userById = prepareNamed(lookups.userById, "users_by_id");
  const userByEmail = prepareNamed(lookups.userByEmail, "users_by_email");
  const sessionById = prepareNamed(lookups.sessionById, "sessions_by_id");
  const apiKeyByHash = prepareNamed(lookups.apiKeyByHash, "api_keys_by_hash");
  const first = async <Row>(rows: Promise<Row[]>): Promise<Row | null> => (await rows)[0] ?? null;
  // A validation's touch, prepared as the lookups are: unprepared, postgres.js first asks the
  // server for a statement's parameter types, a round trip of its own before the one that runs it.
  const instant = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;
  const touch = db
    .update(sessions)
    .set({ lastSeenAt: instant("at") })
    .where(and(eq(sessions.id, sql.placeholder("id")), lt(sessions.lastSeenAt, instant("staleBefore"))))
    .prepare("sessions_touch");

  return createStore({
    dialect: "postgres",
    changeFeed,
    run: {
      direct: (operation) => run(db, operation),
      // Postgres waits on the network, never on the event loop; on a pool of their own, long reads
      // cannot take every connection while validations wait for one.
      read: (operation) => run(options.reads ?? db, operation),
      write: (operation) => db.transaction((tx) => run(tx, operation)),
      // A batch waits on the network like any write: nothing to move off the event loop.
      bulk: (operation) => db.transaction((tx) => run(tx, operation)),
      snapshot: (operation) =>
        db.transaction((tx) => run(tx, operation), {
          isolationLevel: "repeatable read",
          accessMode: "read only",
        }),
    },
    // A frozen or unreachable server must not hold a caller: each call answers within the deadline.
    faults: { deadlineMs: options.deadlineMs ?? null },
    isUniqueViolation,
    insertSessionAtOnce: insertSessionAtOnce(db, t, shard),
    own: {
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
              await tx.execute(
                insertJsonRows(sessions, sessionRecords.slice(i, i + BULK_ROWS_PER_STATEMENT)),
              );
            }
            await countInserted(tx, shard, sessionRecords);
          }
          if (rebuild.length > 0) await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
          for (const statement of rebuild) await tx.execute(sql.raw(statement));
        });
        // A bulk load changes the tables' sizes by orders of magnitude at once, and the planner
        // must know before the next query, not whenever autovacuum gets to them: over 150k freshly
        // loaded sessions, an email count planned for one row (a nested loop re-reading an index
        // per user) took 6.2 s. ANALYZE samples a fixed number of rows, so it costs well under a
        // second at any size.
        await db.execute(sql`analyze ${users}, ${sessions}`);
      },
      findSessionByTokenHash: (tokenHash) => first(byTokenHash.execute({ tokenHash })),
      async touchSession(id, at, staleBefore) {
        await touch.execute({ id, at: at.toISOString(), staleBefore: staleBefore.toISOString() });
      },
      getUserById: (id) => first(userById.execute({ id })),
      getUserByEmail: (email) => first(userByEmail.execute({ email })),
      getSession: (id) => first(sessionById.execute({ id })),
      findApiKeyByHash: (keyHash) => first(apiKeyByHash.execute({ keyHash })),
      // Autovacuum analyzes tables as they change; the bulk load analyzes at once (above).
      refreshStatistics: async () => {},
      async ping() {
        // Reachable is not enough for /readyz: after a failover the old address can lead to a
        // standby (or the database was set read-only), where every read works and every write
        // fails. Both facts are session state the server knows: no write needed to find out.
        // PgDb is driver-agnostic, so execute's result is unknown; postgres-js answers a row array.
        const rows: unknown = await db.execute(
          sql`select pg_is_in_recovery() or current_setting('transaction_read_only') = 'on' as read_only`,
        );
        const readOnly =
          Array.isArray(rows) && (rows[0] as { read_only?: unknown } | undefined)?.read_only === true;
        if (readOnly) throw new UnavailableError("read_only");
      },
      tryJobLock,
      close,
    },
  });
}
