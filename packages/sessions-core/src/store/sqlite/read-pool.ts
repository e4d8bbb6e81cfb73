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
import { spawnDriverWorker, WorkerSqliteError, type DriverWorker } from "./driver-worker.js";

/** Two readers: one long count never makes the next admin read wait, on the 2-core machines we run. */
export const READ_WORKERS = 2;
/**
 * Each worker's page cache, in KiB: SQLite's default is 2 MiB; the file itself stays in the OS's
 * cache. Every KiB of it is resident once a worker has read that much (an export reads it all): at
 * 64 MiB the API's RSS grew by 68 MiB during an export of 1M sessions, over the 50 MiB target.
 */
const WORKER_CACHE_KIB = 8 * 1024;

const WORKER_SOURCE = `
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  answer(message.id, () => execute(message));
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

export function startReadPool(filename: string, size = READ_WORKERS): ReadPool {
  const readers: (DriverWorker | null)[] = Array.from({ length: Math.max(1, size) }, () => null);
  let closed = false;

  const spawn = (slot: number): DriverWorker => {
    const reader = spawnDriverWorker(WORKER_SOURCE, {
      filename,
      readonly: true,
      pragmas: [`cache_size = -${WORKER_CACHE_KIB}`],
    });
    // A reader that dies is replaced on the next read.
    reader.onGone(() => {
      if (readers[slot] === reader) readers[slot] = null;
    });
    readers[slot] = reader;
    return reader;
  };

  /** The reader with the fewest calls in flight: a long count occupies one, the next read takes another. */
  const pick = (): DriverWorker => {
    let best: { slot: number; load: number } | null = null;
    for (let slot = 0; slot < readers.length; slot++) {
      const load = readers[slot]?.inFlight ?? 0;
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
        await reader.stop();
      }),
    );
  };

  return {
    query(sql, params, method) {
      if (closed) return Promise.reject(new WorkerSqliteError("the store is closed", "SQLITE_MISUSE"));
      return pick().call({ sql, params, method });
    },
    suspend: stopAll,
    async close() {
      closed = true;
      await stopAll();
    },
  };
}
