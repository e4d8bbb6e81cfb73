// WAL checkpoints off the event loop. SQLite copies the write-ahead log back into the database file
// (a checkpoint) inside whichever commit pushes the log past 1,000 pages, and better-sqlite3 runs
// that commit synchronously: at 1M sessions that one commit took 10-15 ms instead of 3, every ~5th
// batch of a bulk revoke, and each validation due meanwhile waited for it (bench op "validateSession
// during revokeMany"; issue 11, finding 4). So the store's own connection never checkpoints
// (wal_autocheckpoint = 0) and a worker thread does it instead, on its own connection, every
// CHECKPOINT_INTERVAL_MS.
//
// PASSIVE checkpoints never wait for and never block readers or the writer: the main connection
// keeps committing to the log while the worker copies what is already there. The worker opens its
// connection for each checkpoint and closes it right after, so between checkpoints it holds nothing
// on the file (the bulk loader's switch out of WAL mode needs the only connection, see leaveWal).
// If the worker cannot start or dies, the connection checkpoints inline again: slower commits,
// never an unbounded log.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

export const CHECKPOINT_INTERVAL_MS = 500;
/** SQLite's own default, restored if the worker goes away. */
const INLINE_AUTOCHECKPOINT_PAGES = 1000;

// Plain CommonJS run with `eval`: nothing to resolve or bundle beside this file (the API's bundle
// is one file), and the driver is the very module the store was opened with.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const checkpoint = () => {
  let db;
  try {
    db = new Database(workerData.filename, { fileMustExist: true });
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // A locked, full or vanished file: the next tick tries again; the writes themselves report.
  } finally {
    if (db) db.close();
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "close") return;
  clearInterval(timer);
  parentPort.close();
});
parentPort.postMessage("ready");
`;

export interface Checkpointer {
  /** Stops the worker (waits for a checkpoint in progress); the connection checkpoints inline again. */
  close(): Promise<void>;
}

export function startCheckpointer(
  sqlite: Database.Database,
  filename: string,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const inline = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_PAGES}`);
  };
  let closing = false;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, filename, intervalMs } });
  // A helper thread must not keep the process alive on its own.
  worker.unref();
  // Off only once the worker runs: until then (and if it never does) commits checkpoint as before.
  worker.once("message", () => {
    if (!closing && sqlite.open) sqlite.pragma("wal_autocheckpoint = 0");
  });
  worker.on("error", inline);
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  void exited.then(inline);
  return {
    async close() {
      if (closing) return exited;
      closing = true;
      // Held until it exits: an unreferenced worker would let the process end mid-close.
      worker.ref();
      worker.postMessage("close");
      await exited;
    },
  };
}
