// Admin reads off the event loop. better-sqlite3 is synchronous, so on the store's own connection a
// read holds the API's one event loop for as long as SQLite takes: at 1M sessions an admin's
// "N matching" for an email substring took 2.9 s, and every sessions.validate sent meanwhile waited
// for it (issue 16). The reads an admin can make long (filtered lists and counts, the audit log,
// the users list, exports' pages) run here instead, on a few worker threads
// with read-only connections of their own: WAL lets them read a consistent snapshot while the main
// connection keeps writing, and the main thread only waits for a message.
//
// The statements are the store's own: drizzle builds them on the main thread (the sqlite-proxy
// driver hands over SQL text and bound parameters, and maps the raw rows that come back exactly as
// the better-sqlite3 driver would), so nothing about a query is written twice. The workers run no
// project code at all, only the driver: a few lines of CommonJS run with `eval`, like the
// checkpointer's, so the API's single-file bundle needs nothing beside it.
//
// Each worker starts on the first read that needs it and stays; a worker that dies is replaced on
// the next read, and the calls it held fail (the store reports them as faults, like any error).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Two readers: one long count never makes the next admin read wait, on the 2-core machines we run. */
export const READ_WORKERS = 2;
/**
 * Each worker's page cache, in KiB: SQLite's default is 2 MiB; the file itself stays in the OS's
 * cache. Every KiB of it is resident once a worker has read that much (an export reads it all): at
 * 64 MiB the API's RSS grew by 68 MiB during an export of 1M sessions, over the 50 MiB target.
 */
const WORKER_CACHE_KIB = 8 * 1024;
/** Prepared statements kept per worker; the admin reads are a few dozen distinct texts. */
const STATEMENT_CACHE = 200;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { readonly: true, fileMustExist: true });
db.pragma("cache_size = -" + workerData.cacheKib);
// The same function the main connection registers for non-ASCII case folding (users search).
db.function("unicode_lower", { deterministic: true }, (v) => (typeof v === "string" ? v.toLowerCase() : v));
const statements = new Map();
const prepared = (text) => {
  let statement = statements.get(text);
  if (statement) {
    statements.delete(text);
  } else {
    statement = db.prepare(text).raw(true);
    if (statements.size >= workerData.statementCache) statements.delete(statements.keys().next().value);
  }
  statements.set(text, statement);
  return statement;
};
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, params, method } = message;
  try {
    const statement = prepared(sql);
    const rows = method === "get" ? statement.get(params) : statement.all(params);
    parentPort.postMessage({ id, rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

export type ReadMethod = "all" | "get" | "values";

export interface ReadPool {
  /** Runs one read-only statement on a worker: raw rows (arrays), or one raw row for "get". */
  query(sql: string, params: unknown[], method: ReadMethod): Promise<{ rows: unknown[] }>;
  /** Stops the workers, which start again on the next read (the bulk loader needs the file alone). */
  suspend(): Promise<void>;
  /** Stops every worker for good; calls in flight fail. */
  close(): Promise<void>;
}

interface Pending {
  resolve(result: { rows: unknown[] }): void;
  reject(error: Error): void;
}

interface Reader {
  worker: Worker;
  pending: Map<number, Pending>;
  exited: Promise<void>;
}

/** An error from a worker, rebuilt with the driver's code so the store classifies it (faults.ts). */
class WorkerSqliteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "SqliteError";
  }
}

export function startReadPool(filename: string, size = READ_WORKERS): ReadPool {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const readers: (Reader | null)[] = Array.from({ length: Math.max(1, size) }, () => null);
  let nextId = 0;
  let closed = false;

  const spawn = (slot: number): Reader => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, filename, cacheKib: WORKER_CACHE_KIB, statementCache: STATEMENT_CACHE },
    });
    const reader: Reader = {
      worker,
      pending: new Map(),
      exited: new Promise<void>((resolve) => worker.once("exit", () => resolve())),
    };
    // Idle readers must not keep the process alive; a reader with calls in flight does (below).
    worker.unref();
    worker.on(
      "message",
      (message: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
        const call = reader.pending.get(message.id);
        if (!call) return;
        reader.pending.delete(message.id);
        if (reader.pending.size === 0) worker.unref();
        if (message.error) call.reject(new WorkerSqliteError(message.error.message, message.error.code));
        // "get" with no row sends undefined, which drizzle's proxy driver reads as "no row" (not []).
        else call.resolve({ rows: message.rows as unknown[] });
      },
    );
    const fail = (error: Error) => {
      for (const call of reader.pending.values()) call.reject(error);
      reader.pending.clear();
      if (readers[slot] === reader) readers[slot] = null;
    };
    // Opening the file fails inside the worker (a vanished file, no permission): an error event.
    worker.on("error", (error) => fail(new WorkerSqliteError(error.message, "SQLITE_CANTOPEN")));
    worker.on("exit", () => fail(new WorkerSqliteError("the read worker stopped", "SQLITE_IOERR")));
    readers[slot] = reader;
    return reader;
  };

  /** The reader with the fewest calls in flight: a long count occupies one, the next read takes another. */
  const pick = (): Reader => {
    let best: { slot: number; load: number } | null = null;
    for (let slot = 0; slot < readers.length; slot++) {
      const load = readers[slot]?.pending.size ?? 0;
      if (best === null || load < best.load) best = { slot, load };
      if (load === 0) break;
    }
    return readers[best!.slot] ?? spawn(best!.slot);
  };

  const stopAll = async () => {
    await Promise.all(
      readers.map(async (reader, slot) => {
        if (!reader) return;
        readers[slot] = null;
        reader.worker.ref();
        reader.worker.postMessage("close");
        await reader.exited;
      }),
    );
  };

  return {
    query(sql, params, method) {
      if (closed) return Promise.reject(new WorkerSqliteError("the store is closed", "SQLITE_MISUSE"));
      const reader = pick();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        reader.pending.set(id, { resolve, reject });
        reader.worker.ref();
        reader.worker.postMessage({ id, sql, params, method });
      });
    },
    suspend: stopAll,
    async close() {
      closed = true;
      await stopAll();
    },
  };
}
