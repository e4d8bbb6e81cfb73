// One worker thread running better-sqlite3 on a connection of its own, spoken to by messages: what
// the read pool's readers (read-pool.ts) and the bulk writer (bulk-writer.ts) have in common. The
// worker's source is a few lines of CommonJS run with `eval`, like the checkpointer's, so the
// API's single-file bundle needs nothing beside it; the driver is the very module the store uses.
//
// Each call is one message with an id, answered by one message with that id: rows, or an error
// carrying the driver's code (so the store's fault handling classifies it as it would the main
// connection's). A worker that dies fails the calls it held.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** An error from a worker, rebuilt with the driver's code so the store classifies it (faults.ts). */
export class WorkerSqliteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "SqliteError";
  }
}

/**
 * The worker side's common part, prepended to each worker's own source: opens the connection with
 * the main connection's settings (`workerData.pragmas`), the same `unicode_lower` function the
 * main connection registers (users search), and an LRU of prepared statements (raw rows, as
 * drizzle's sqlite-proxy driver expects them).
 */
export const WORKER_PRELUDE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { readonly: workerData.readonly, fileMustExist: true });
for (const pragma of workerData.pragmas) db.pragma(pragma);
db.function("unicode_lower", { deterministic: true }, (v) => (typeof v === "string" ? v.toLowerCase() : v));
const statements = new Map();
const prepared = (text) => {
  let statement = statements.get(text);
  if (statement) {
    statements.delete(text);
  } else {
    statement = db.prepare(text);
    if (statement.reader) statement.raw(true);
    if (statements.size >= workerData.statementCache) statements.delete(statements.keys().next().value);
  }
  statements.set(text, statement);
  return statement;
};
const execute = ({ sql, params, method }) => {
  const statement = prepared(sql);
  if (!statement.reader) {
    statement.run(params);
    return [];
  }
  return method === "get" ? statement.get(params) : statement.all(params);
};
const answer = (id, work) => {
  try {
    parentPort.postMessage({ id, rows: work() });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
};
`;

/** Prepared statements kept per worker; the statements sent are a few dozen distinct texts. */
export const STATEMENT_CACHE = 200;

export interface DriverWorker {
  /** Sends one message (an object; the worker adds nothing but answers with its `id`). */
  call(message: object): Promise<{ rows: unknown[] }>;
  /** Calls sent and not yet answered. */
  readonly inFlight: number;
  /** Asks the worker to close its connection and end; resolves once it has. */
  stop(): Promise<void>;
  /** Called once when the worker is gone (stopped, crashed, or failed to open the file). */
  onGone(listener: () => void): void;
}

export function spawnDriverWorker(
  source: string,
  data: { filename: string; readonly: boolean; pragmas: string[] } & Record<string, unknown>,
): DriverWorker {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_PRELUDE + source, {
    eval: true,
    workerData: { driver, statementCache: STATEMENT_CACHE, ...data },
  });
  const pending = new Map<number, { resolve(r: { rows: unknown[] }): void; reject(e: Error): void }>();
  let nextId = 0;
  const gone: (() => void)[] = [];
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  // An idle worker must not keep the process alive; one with calls in flight does (below).
  worker.unref();
  worker.on(
    "message",
    (message: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.error) call.reject(new WorkerSqliteError(message.error.message, message.error.code));
      // "get" with no row sends undefined, which drizzle's proxy driver reads as "no row" (not []).
      else call.resolve({ rows: message.rows as unknown[] });
    },
  );
  const fail = (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    for (const listener of gone.splice(0)) listener();
  };
  // Opening the file fails inside the worker (a vanished file, no permission): an error event.
  worker.on("error", (error) => fail(new WorkerSqliteError(error.message, "SQLITE_CANTOPEN")));
  worker.on("exit", () => fail(new WorkerSqliteError("the database worker stopped", "SQLITE_IOERR")));
  return {
    call(message) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ ...message, id });
      });
    },
    get inFlight() {
      return pending.size;
    },
    async stop() {
      // Held until it exits: an unreferenced worker would let the process end mid-close.
      worker.ref();
      worker.postMessage("close");
      await exited;
    },
    onGone(listener) {
      gone.push(listener);
    },
  };
}
