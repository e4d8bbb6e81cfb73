// Every store the contract suite runs against. SQLite: in memory and in a temp file. Postgres: the
// real server at TEST_POSTGRES_URL (one fresh database per test file), else PGlite (one instance
// per test file) so `pnpm test` passes with no server; with CI set, a missing server is a failure.
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import Database from "better-sqlite3";
import type { Logger } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openPostgresStore, postgresMigrationsFolder } from "../store/postgres/open.js";
import { schema } from "../store/postgres/schema.js";
import { createPostgresStore } from "../store/postgres/store.js";
import { openSqliteStore } from "../store/sqlite/store.js";
import { CHANGE_CHANNEL, parseChangeMessage } from "../store/postgres/change-feed.js";
import type { ChangeFeed, SessionsStore } from "../store/store.js";

export type StoreKind = "sqlite-memory" | "sqlite-file" | "postgres";

export const STORE_KINDS: StoreKind[] = ["sqlite-memory", "sqlite-file", "postgres"];

export interface StoreHarnessOptions {
  /** Sees every statement the stores run. */
  logger?: Logger;
}

/**
 * Opens stores of one kind for one test file. `fresh()` returns an empty store; `dispose()` releases
 * everything at the end of the file.
 */
export interface StoreHarness {
  kind: StoreKind;
  /** What actually runs: "sqlite", "postgres-server" or "pglite". */
  engine: "sqlite" | "postgres-server" | "pglite";
  fresh(): Promise<SessionsStore>;
  /**
   * The query plan of a statement against the latest fresh store, one line per plan node
   * (SQLite: EXPLAIN QUERY PLAN; Postgres: EXPLAIN with sequential scans disabled, so a Seq Scan
   * in the plan means no index can serve the query). Not for ":memory:" stores.
   */
  explain(query: string, params: unknown[]): Promise<string[]>;
  /**
   * Another store on the latest fresh store's database, as a second process would open it (a new
   * connection pool on a server; the same instance on PGlite), or null where none can exist
   * (":memory:"). Closed by dispose().
   */
  openSecond(): Promise<SessionsStore | null>;
  /**
   * A read-only statement on the latest fresh store's database through a connection of its own,
   * for tests that look at what the store's interface does not show (indexes, journal mode).
   * Not for ":memory:" stores.
   */
  query(statement: string): Promise<Record<string, unknown>[]>;
  /**
   * A statement that changes the latest fresh store's database behind the store's back (the query
   * plan test gives SQLite the planner statistics of a 1M-session database). Not for ":memory:".
   */
  exec(statement: string): Promise<void>;
  dispose(): Promise<void>;
}

export async function createStoreHarness(
  kind: StoreKind,
  options: StoreHarnessOptions = {},
): Promise<StoreHarness> {
  if (kind === "postgres") return createPostgresHarness(options);
  return createSqliteHarness(kind, options);
}

function createSqliteHarness(
  kind: "sqlite-memory" | "sqlite-file",
  options: StoreHarnessOptions,
): StoreHarness {
  const dir = kind === "sqlite-file" ? mkdtempSync(join(tmpdir(), "sessions-test-")) : null;
  const open: SessionsStore[] = [];
  let latest: string | null = null;
  let n = 0;
  return {
    kind,
    engine: "sqlite",
    async fresh() {
      latest = dir ? join(dir, `db-${n++}.sqlite`) : null;
      const store = openSqliteStore(latest ?? ":memory:", { logger: options.logger });
      open.push(store);
      return store;
    },
    async explain(query, params) {
      if (!latest) throw new Error("explain needs a file-backed store (sqlite-file)");
      const db = new Database(latest, { readonly: true });
      try {
        const rows = db.prepare(`explain query plan ${query}`).all(...params) as { detail: string }[];
        return rows.map((r) => r.detail);
      } finally {
        db.close();
      }
    },
    async query(statement) {
      if (!latest) throw new Error("query needs a file-backed store (sqlite-file)");
      const db = new Database(latest, { readonly: true });
      try {
        return db.prepare<[], Record<string, unknown>>(statement).all();
      } finally {
        db.close();
      }
    },
    async exec(statement) {
      if (!latest) throw new Error("exec needs a file-backed store (sqlite-file)");
      const db = new Database(latest);
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    },
    async openSecond() {
      if (!latest) return null;
      const store = openSqliteStore(latest);
      open.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(open.map((s) => s.close()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Every table, the store-maintained figures included (they would outlive the sessions they count).
const TABLES =
  "audit_events, sessions, api_keys, users, session_live_counts, session_created_counts, user_live_until, sign_in_attempts, webhook_deliveries, webhook_endpoints";
const EXPLAIN_SETTINGS = "set enable_seqscan = off";

async function createPostgresHarness(options: StoreHarnessOptions): Promise<StoreHarness> {
  const serverUrl = process.env.TEST_POSTGRES_URL;
  if (!serverUrl) {
    if (process.env.CI) {
      throw new Error(
        "CI is set but TEST_POSTGRES_URL is not: the Postgres suite must run against a real server in CI.",
      );
    }
    return createPgliteHarness(options);
  }
  // A database of its own per test file, so files can run in parallel against one server.
  const database = `sessions_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const store = nonClosing(await openPostgresStore(url.toString(), { logger: options.logger }));
  const direct = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const seconds: SessionsStore[] = [];
  let handedOut = false;
  return {
    kind: "postgres",
    engine: "postgres-server",
    async fresh() {
      if (handedOut) await direct.unsafe(`truncate ${TABLES} cascade`);
      handedOut = true;
      return store;
    },
    async explain(query, params) {
      return direct.begin(async (tx) => {
        await tx.unsafe(EXPLAIN_SETTINGS);
        const rows = await tx.unsafe(`explain ${query}`, params as postgres.ParameterOrJSON<never>[]);
        return rows.map((r) => String(r["QUERY PLAN"]));
      });
    },
    async query(statement) {
      return [...(await direct.unsafe(statement))];
    },
    async exec(statement) {
      await direct.unsafe(statement);
    },
    async openSecond() {
      const second = await openPostgresStore(url.toString(), { max: 2 });
      seconds.push(second);
      return second;
    },
    async dispose() {
      await Promise.all(seconds.map((s) => s.close()));
      await direct.end();
      await store.close();
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

async function createPgliteHarness(options: StoreHarnessOptions): Promise<StoreHarness> {
  // pg_trgm: the email-search index of the Postgres migrations (a contrib extension PGlite loads on demand).
  const client = new PGlite({ extensions: { pg_trgm } });
  const db = drizzlePglite(client, { schema, logger: options.logger ?? false });
  await migratePglite(db, { migrationsFolder: postgresMigrationsFolder });
  const store = nonClosing(createPostgresStore(db, async () => {}, pgliteChangeFeed(client)));
  let handedOut = false;
  return {
    kind: "postgres",
    engine: "pglite",
    async fresh() {
      if (handedOut) await client.exec(`truncate ${TABLES} cascade`);
      handedOut = true;
      return store;
    },
    async explain(query, params) {
      return client.transaction(async (tx) => {
        await tx.exec(EXPLAIN_SETTINGS);
        const result = await tx.query<{ "QUERY PLAN": string }>(`explain ${query}`, params);
        return result.rows.map((r) => r["QUERY PLAN"]);
      });
    },
    async query(statement) {
      return (await client.query<Record<string, unknown>>(statement)).rows;
    },
    async exec(statement) {
      await client.exec(statement);
    },
    async openSecond() {
      return store;
    },
    async dispose() {
      await client.close();
    },
  };
}

/** LISTEN/NOTIFY on PGlite: the same channel and message format as the postgres.js feed. */
function pgliteChangeFeed(client: PGlite): ChangeFeed {
  return {
    async publish(message) {
      await client.query("select pg_notify($1, $2)", [CHANGE_CHANNEL, JSON.stringify(message)]);
    },
    async subscribe(listener) {
      const unsubscribe = await client.listen(CHANGE_CHANNEL, (payload) => {
        const message = parseChangeMessage(payload);
        if (message) listener(message);
      });
      return unsubscribe;
    },
  };
}

/** The file's shared store outlives each test; a test closing it must not end the file's pool. */
function nonClosing(store: SessionsStore): SessionsStore {
  return { ...store, close: async () => {} };
}
