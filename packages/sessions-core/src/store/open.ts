// openStore(databaseUrl): the one place a URL becomes a store. The URL is fully checked before
// anything is opened, so a bad setting never leaves a half-open database behind.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../domain/errors.js";
import { openPostgresStore } from "./postgres/open.js";
import { openSqliteStore } from "./sqlite/store.js";
import type { SessionsStore } from "./store.js";

export const DEFAULT_DATABASE_URL = "file:./data/sessions.db";

export type StoreTarget = { dialect: "sqlite"; filename: string } | { dialect: "postgres"; url: string };

const ACCEPTED =
  'accepted forms: "file:<path>" or a plain path (SQLite), ":memory:" (SQLite in memory), "postgres://…" or "postgresql://…" (Postgres)';

/** Parses a database URL into what to open, without opening anything. */
export function parseDatabaseUrl(databaseUrl: string = DEFAULT_DATABASE_URL): StoreTarget {
  const url = databaseUrl.trim();
  if (url === "") throw new ConfigError(`DATABASE_URL is empty; ${ACCEPTED}`);
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      if (!parsed.hostname && !parsed.searchParams.get("host")) throw new Error("no host");
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid Postgres URL; ${ACCEPTED}`);
    }
    return { dialect: "postgres", url };
  }
  if (url === ":memory:" || url === "file::memory:") return { dialect: "sqlite", filename: ":memory:" };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "") throw new ConfigError(`DATABASE_URL "file:" has no path; ${ACCEPTED}`);
    return { dialect: "sqlite", filename: resolve(path) };
  }
  // Anything with another scheme (mysql://, http://, sqlite://…) is a mistake, not a file name.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[a-z][a-z0-9+.-]+:/i.test(url)) {
    throw new ConfigError(`DATABASE_URL "${url.split(":")[0]}:" is not supported; ${ACCEPTED}`);
  }
  return { dialect: "sqlite", filename: resolve(url) };
}

export interface OpenStoreOptions {
  /**
   * DATABASE_TIMEOUT (default 5 s): Postgres' connect timeout and each ordinary call's deadline;
   * SQLite's busy_timeout (the wait for another process's write lock). Past it the call is
   * refused as unavailable (503), never left hanging.
   */
  timeoutMs?: number;
  /**
   * false: never change the schema; refuse with MigrationsPendingError when the database lacks a
   * migration (the ops CLI, except `migrate`). Default true: apply what is pending (the API).
   */
  migrate?: boolean;
  /**
   * Postgres behind a transaction-pooling PgBouncer: DATABASE_DIRECT_URL, the server itself, for
   * what needs a connection of its own (postgres/open.ts). Unset: DATABASE_URL serves everything.
   */
  directUrl?: string;
  /** SQLite: worker threads for the long reads (sqlite/read-pool.ts); 0 runs them inline. Default 2. */
  readWorkers?: number;
  /** SQLite: where bulk changes' batches run (sqlite/bulk-writer.ts). Default "worker". */
  bulkWrites?: "worker" | "inline";
}

export async function openStore(
  databaseUrl: string = DEFAULT_DATABASE_URL,
  options: OpenStoreOptions = {},
): Promise<SessionsStore> {
  const target = parseDatabaseUrl(databaseUrl);
  const { timeoutMs, migrate, readWorkers, bulkWrites, directUrl } = options;
  if (target.dialect === "postgres") {
    return openPostgresStore(target.url, { timeoutMs, migrate, ...(directUrl ? { directUrl } : {}) });
  }
  if (target.filename !== ":memory:") mkdirSync(dirname(target.filename), { recursive: true });
  return openSqliteStore(target.filename, { busyTimeoutMs: timeoutMs, migrate, readWorkers, bulkWrites });
}
