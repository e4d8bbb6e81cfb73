// Bulk changes off the event loop. A bulk revoke or a cleanup runs in batches of a few
// milliseconds each (service/batches.ts), but on the store's own connection each batch still held
// the API's one event loop while SQLite updated the rows, their four indexes and the maintained
// figures: at 1M sessions validate p99 during a 100k-session revokeMany over HTTP was 9-15 ms
// against 5 ms just before (issue 11), and during the cleanup job 2.4× its idle p99 (issue 12).
// The stalls were the batches' own time, their rare 15-95 ms outliers (the WAL append waiting on
// the disk) and the garbage they left. Here each batch's statements run on a worker thread with a
// read-write connection of its own, inside one IMMEDIATE transaction per batch; the main thread
// builds the statements (drizzle's sqlite-proxy driver, as the read pool does: nothing about a
// query is written twice) and only waits for messages, so validations keep being answered.
//
// SQLite has one writer. While a batch's transaction is open on the worker, a write on the main
// connection would wait for the lock in busy_timeout's sleep, synchronously, holding the very event
// loop that drives the batch to its commit: the two would wait on each other until busy_timeout
// ran out. So the store's writes on the main connection go through the gate: while a batch holds
// it they wait (asynchronously; reads never do: WAL readers need no lock) and run the moment it
// commits, before the next batch starts (batches yield with setImmediate first).
import { spawnDriverWorker, WorkerSqliteError, type DriverWorker } from "./driver-worker.js";

/** The writer's page cache, in KiB, as a reader's (read-pool.ts): the file stays in the OS's cache. */
const WORKER_CACHE_KIB = 8 * 1024;

const WORKER_SOURCE = `
const CONTROL = new Set(["begin immediate", "commit"]);
parentPort.on("message", (message) => {
  if (message === "close") {
    if (db.inTransaction) db.exec("rollback");
    db.close();
    parentPort.close();
    return;
  }
  if (message.control === "rollback") return answer(message.id, () => (db.inTransaction && db.exec("rollback"), []));
  if (CONTROL.has(message.control)) return answer(message.id, () => (db.exec(message.control), []));
  if (message.statements) {
    return answer(message.id, () => {
      for (const statement of message.statements) execute(statement);
      return [];
    });
  }
  answer(message.id, () => execute(message));
});
`;

/** Holds the store's main-connection writes back while a batch's transaction is open on the worker. */
export interface WriteGate {
  readonly held: boolean;
  /** Resolves once no batch holds the gate (at once when none does). */
  whenOpen(): Promise<void>;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

export interface BulkWriter {
  readonly gate: WriteGate;
  /**
   * Runs `work` inside one IMMEDIATE transaction on the worker's connection, holding the gate from
   * before it begins until it has committed (or rolled back, when `work` or the commit fails).
   * One at a time: a second job's batch waits for the first's to end.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** One statement inside the transaction (drizzle's sqlite-proxy callback). */
  query(
    sql: string,
    params: unknown[],
    method: "run" | "all" | "get" | "values",
  ): Promise<{ rows: unknown[] }>;
  /** Several statements whose results are not needed, in one message. */
  runAll(statements: Statement[]): Promise<void>;
  /** Stops the worker, which starts again on the next batch (the bulk loader needs the file alone). */
  suspend(): Promise<void>;
  /** Stops the worker for good; a batch in flight fails and is rolled back. */
  close(): Promise<void>;
}

export interface BulkWriterOptions {
  busyTimeoutMs: number;
  /** The main connection's checkpoints run in a worker (checkpointer.ts): this one must not checkpoint either. */
  backgroundCheckpoints: boolean;
}

export function createWriteGate() {
  let held: Promise<void> | null = null;
  let release: (() => void) | null = null;
  return {
    get held() {
      return held !== null;
    },
    async whenOpen() {
      while (held) await held;
    },
    /** Waits for the gate, then holds it until the returned function is called. */
    async hold(): Promise<() => void> {
      while (held) await held;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = null;
        release?.();
      };
    },
  };
}

export function startBulkWriter(filename: string, options: BulkWriterOptions): BulkWriter {
  const gate = createWriteGate();
  let worker: DriverWorker | null = null;
  let closed = false;
  // The main connection's per-connection settings (openSqliteStore): a writer that skipped them
  // would fsync every commit (synchronous), ignore foreign keys, or checkpoint inline.
  const pragmas = [
    `busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs))}`,
    "foreign_keys = ON",
    "synchronous = NORMAL",
    `cache_size = -${WORKER_CACHE_KIB}`,
    ...(options.backgroundCheckpoints ? ["wal_autocheckpoint = 0"] : []),
  ];
  const current = (): DriverWorker => {
    if (closed) throw new WorkerSqliteError("the store is closed", "SQLITE_MISUSE");
    if (worker) return worker;
    const started = spawnDriverWorker(WORKER_SOURCE, { filename, readonly: false, pragmas });
    // A writer that dies (its open transaction rolled back with its connection) is replaced on the next batch.
    started.onGone(() => {
      if (worker === started) worker = null;
    });
    worker = started;
    return started;
  };
  const call = async (message: object) => current().call(message);

  return {
    gate,
    async transaction(work) {
      const release = await gate.hold();
      try {
        await call({ control: "begin immediate" });
        try {
          const result = await work();
          await call({ control: "commit" });
          return result;
        } catch (error) {
          // A failed COMMIT (busy, full) may leave the transaction open: end it either way.
          await call({ control: "rollback" }).catch(() => {});
          throw error;
        }
      } finally {
        release();
      }
    },
    query: (sql, params, method) => call({ sql, params, method }),
    async runAll(statements) {
      if (statements.length > 0) await call({ statements });
    },
    async suspend() {
      const stopping = worker;
      worker = null;
      await stopping?.stop();
    },
    async close() {
      closed = true;
      const stopping = worker;
      worker = null;
      await stopping?.stop();
    },
  };
}
