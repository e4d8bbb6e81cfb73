// Every store the contract suite runs against. SQLite: in memory and in a temp file. Postgres: the
// real server at TEST_POSTGRES_URL (one fresh database per test file), else PGlite (one instance
// per test file) so `pnpm test` passes with no server; with CI set, a missing server is a failure.
import { PGlite } from "@electric-sql/pglite";
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
import type { SessionsStore } from "../store/store.js";

export type StoreKind = "sqlite-memory" | "sqlite-file" | "postgres";

export const STORE_KINDS: StoreKind[] = ["sqlite-memory", "sqlite-file", "postgres"];

/**
 * Opens stores of one kind for one test file. `fresh()` returns an empty store; `dispose()` releases
 * everything at the end of the file.
 */
export interface StoreHarness {
  kind: StoreKind;
  /** What actually runs: "sqlite", "postgres-server" or "pglite". */
  engine: string;
  fresh(): Promise<SessionsStore>;
  dispose(): Promise<void>;
}

export async function createStoreHarness(kind: StoreKind): Promise<StoreHarness> {
  if (kind === "sqlite-memory") {
    const open: SessionsStore[] = [];
    return {
      kind,
      engine: "sqlite",
      async fresh() {
        const store = openSqliteStore(":memory:");
        open.push(store);
        return store;
      },
      async dispose() {
        await Promise.all(open.map((s) => s.close()));
      },
    };
  }
  if (kind === "sqlite-file") {
    const dir = mkdtempSync(join(tmpdir(), "sessions-test-"));
    const open: SessionsStore[] = [];
    let n = 0;
    return {
      kind,
      engine: "sqlite",
      async fresh() {
        const store = openSqliteStore(join(dir, `db-${n++}.sqlite`));
        open.push(store);
        return store;
      },
      async dispose() {
        await Promise.all(open.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  return createPostgresHarness();
}

const TABLES = "audit_events, sessions, api_keys, users";

async function createPostgresHarness(): Promise<StoreHarness> {
  const serverUrl = process.env.TEST_POSTGRES_URL;
  if (!serverUrl) {
    if (process.env.CI) {
      throw new Error(
        "CI is set but TEST_POSTGRES_URL is not: the Postgres suite must run against a real server in CI.",
      );
    }
    return createPgliteHarness();
  }
  // A database of its own per test file, so files can run in parallel against one server.
  const database = `sessions_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const store = await openPostgresStore(url.toString());
  const cleaner = postgres(url.toString(), { max: 1, onnotice: () => {} });
  let handedOut = false;
  return {
    kind: "postgres",
    engine: "postgres-server",
    async fresh() {
      if (handedOut) await cleaner.unsafe(`truncate ${TABLES} cascade`);
      handedOut = true;
      return nonClosing(store);
    },
    async dispose() {
      await cleaner.end();
      await store.close();
      await admin.unsafe(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}

async function createPgliteHarness(): Promise<StoreHarness> {
  const client = new PGlite();
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: postgresMigrationsFolder });
  const store = nonClosing(createPostgresStore(db, async () => {}));
  let handedOut = false;
  return {
    kind: "postgres",
    engine: "pglite",
    async fresh() {
      if (handedOut) await client.exec(`truncate ${TABLES} cascade`);
      handedOut = true;
      return store;
    },
    async dispose() {
      await client.close();
    },
  };
}

/** The shared server store outlives each test; a test closing it must not end the file's pool. */
function nonClosing(store: SessionsStore): SessionsStore {
  return { ...store, close: async () => {} };
}
