import type { Logger } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { migrationsFolderOf } from "../migrations.js";
import { MigrationsPendingError, pendingMigrations } from "../migration-state.js";
import type { SessionsStore } from "../store.js";
import { schema } from "./schema.js";
import { createPostgresJsChangeFeed } from "./change-feed.js";
import { advisoryJobLocks } from "./job-locks.js";
import { createPostgresStore } from "./store.js";

export const postgresMigrationsFolder = migrationsFolderOf("postgres");

// Any fixed 64-bit number: every instance that starts at once takes the same lock, so exactly one
// of them migrates while the others wait and then find nothing left to do.
const MIGRATION_LOCK_ID = 4_242_001;

const DEFAULT_TIMEOUT_MS = 5_000;
/**
 * Connections of the long reads' own pool (an admin's filtered list or count, an export's pages):
 * however many admins search at once, they hold at most these, and validations never queue behind
 * them for one of the main pool's.
 */
export const READ_CONNECTIONS = 2;

export interface PostgresOptions {
  /** Connection pool size per process. */
  max?: number;
  /**
   * DATABASE_TIMEOUT: how long a connection attempt or an ordinary store call may take before the
   * caller gets a 503 (default 5 s). Statements get a server-side statement_timeout of 6× that (at
   * least 30 s), so a runaway statement frees its connection; bulk jobs have no client deadline.
   */
  timeoutMs?: number;
  /** Sees every statement the store runs (the query-plan test uses it). */
  logger?: Logger;
  /** false: refuse (MigrationsPendingError) instead of migrating a database that lacks a migration. */
  migrate?: boolean;
  /**
   * DATABASE_DIRECT_URL: a connection straight to the server, when `url` goes through a
   * transaction-pooling PgBouncer. What needs one server connection across statements runs on it:
   * migrations (under a session advisory lock), LISTEN (the change feed) and the job locks. `url`
   * is then used as a pool must be: no prepared statements, no startup parameters (PgBouncer 1.18
   * knows neither), every transaction whole on one statement batch.
   */
  directUrl?: string;
  /** See createPostgresStore: 1 only to measure what sharding the counters buys (the bench). */
  counterShards?: number;
}

/**
 * postgres.js' default fetch_types runs a catalog query (array types' oids) first on every new
 * connection and drops its promise: when that connection dies meanwhile (the server stopping,
 * a connection killed or cut while it starts, a statement timeout) the rejection is unhandled,
 * which ends a Node process (porsager/postgres#1192, #1205, #1223; open in 3.4.9). Array types are
 * all it is for, and the store has none (lists are jsonb; drizzle's inArray binds each value).
 */
const NO_TYPE_FETCH = { fetch_types: false } as const;

/** Connects with postgres.js, migrates under an advisory lock, and returns the store. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<SessionsStore> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const direct = options.directUrl ?? url;
  const pooled = options.directUrl !== undefined;
  if (options.migrate === false) await refuseIfBehind(direct);
  else await migrateUnderLock(direct);
  const connect = (to: string, max: number, throughPool: boolean) =>
    postgres(to, {
      max,
      onnotice: () => {},
      ...NO_TYPE_FETCH,
      // Whole seconds only in postgres.js; at least one.
      connect_timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
      // Through a transaction pool a named statement prepared on one server connection is
      // missing on the next, and PgBouncer refuses unknown startup parameters: the pool's own
      // server-side settings (ALTER ROLE … SET statement_timeout) bound runaway statements there.
      ...(throughPool
        ? { prepare: false }
        : { connection: { statement_timeout: Math.max(30_000, timeoutMs * 6) } }),
    });
  const client = connect(url, options.max ?? 10, pooled);
  const readClient = connect(url, READ_CONNECTIONS, pooled);
  // LISTEN holds one connection and each held job lock another: two, straight to the server.
  const sessionClient = pooled ? connect(direct, 2, false) : client;
  const end = (timeout: number) =>
    Promise.all([
      client.end({ timeout }),
      readClient.end({ timeout }),
      ...(pooled ? [sessionClient.end({ timeout })] : []),
    ]).then(() => undefined);
  try {
    await client`select 1`;
    const logger = options.logger ?? false;
    return createPostgresStore(
      drizzle(client, { schema, logger }),
      () => end(5),
      createPostgresJsChangeFeed(sessionClient),
      {
        deadlineMs: timeoutMs,
        tryJobLock: advisoryJobLocks(sessionClient),
        reads: drizzle(readClient, { schema, logger }),
        ...(options.counterShards !== undefined ? { counterShards: options.counterShards } : {}),
      },
    );
  } catch (error) {
    await end(1);
    throw error;
  }
}

/** Runs the migrations on a one-connection client, so the session-level advisory lock covers them. */
async function migrateUnderLock(url: string): Promise<void> {
  const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, ...NO_TYPE_FETCH });
  try {
    await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await migrate(drizzle(single), { migrationsFolder: postgresMigrationsFolder });
    } finally {
      await single`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await single.end({ timeout: 5 });
  }
}

/** Throws MigrationsPendingError when the database lacks a migration of this build. */
async function refuseIfBehind(url: string): Promise<void> {
  const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, ...NO_TYPE_FETCH });
  try {
    const [row] = await single<{ exists: boolean }[]>`
      select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
    const last = row?.exists
      ? (
          await single<
            { at: string | null }[]
          >`select max(created_at)::text as at from drizzle.__drizzle_migrations`
        )[0]?.at
      : null;
    const pending = pendingMigrations(postgresMigrationsFolder, last == null ? null : Number(last));
    if (pending > 0) throw new MigrationsPendingError(pending);
  } finally {
    await single.end({ timeout: 5 });
  }
}
