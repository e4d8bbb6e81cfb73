// SQLite's ChangeFeed: processes on one database file (two API processes, the API and a CLI) hear
// each other's changes through the change_log table. Publishing appends rows, batched: messages
// published within BATCH_MS go in one short write transaction, so a burst of changes costs one
// write, not one each. Subscribing polls for rows past the last id seen every POLL_MS (one
// primary-key range read), starting from the newest row, so nothing old is replayed. Rows older
// than RETAIN_MS are deleted by whichever process polls past PRUNE_EVERY_MS. Delivery is
// best-effort, as the ChangeFeed contract says: a message is a hint to refresh, and a process
// that falls more than RETAIN_MS behind just misses a few.
import type Database from "better-sqlite3";
import { parseChangeMessage } from "../shared/change-message.js";
import type { ChangeFeed, ChangeMessage } from "../store.js";
import type { WriteGate } from "./bulk-writer.js";

export interface SqliteChangeFeedOptions {
  batchMs?: number;
  pollMs?: number;
  retainMs?: number;
  /** The store's write gate (bulk-writer.ts): no write of the feed's waits for the lock while a batch holds it. */
  gate?: WriteGate | undefined;
}

const BATCH_MS = 50;
const POLL_MS = 250;
const RETAIN_MS = 60_000;
const PRUNE_EVERY_MS = 10_000;
/** Rows read per poll; a poll that fills it polls again at once. */
const POLL_LIMIT = 500;

export interface SqliteChangeFeed extends ChangeFeed {
  /** Writes what is still buffered and stops polling (before the database closes). */
  close(): void;
}

export function createSqliteChangeFeed(
  sqlite: Database.Database,
  options: SqliteChangeFeedOptions = {},
): SqliteChangeFeed {
  const batchMs = options.batchMs ?? BATCH_MS;
  const pollMs = options.pollMs ?? POLL_MS;
  const retainMs = options.retainMs ?? RETAIN_MS;
  const gate = options.gate;
  const insert = sqlite.prepare("insert into change_log (message, at) values (?, ?)");
  const newest = sqlite.prepare("select coalesce(max(id), 0) as id from change_log");
  const after = sqlite.prepare("select id, message from change_log where id > ? order by id limit ?");
  const prune = sqlite.prepare("delete from change_log where at < ?");
  const writeBatch = sqlite.transaction((messages: string[], at: number) => {
    for (const message of messages) insert.run(message, at);
  });

  let pending: { message: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  function flush(): void {
    // A batch holds the write lock: write once it has committed (the messages wait a few ms more).
    if (gate?.held) {
      void gate.whenOpen().then(flush);
      return;
    }
    flushTimer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      writeBatch.immediate(
        batch.map((p) => p.message),
        Date.now(),
      );
      for (const p of batch) p.resolve();
    } catch (error) {
      // A full disk or another process's lock: these hints are lost, the changes themselves are not.
      for (const p of batch) p.reject(error);
    }
  }

  const subscriptions = new Set<NodeJS.Timeout>();
  let lastPrune = 0;

  return {
    publish(message: ChangeMessage) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ message: JSON.stringify(message), resolve, reject });
        flushTimer ??= setTimeout(flush, batchMs);
        flushTimer.unref?.();
      });
    },

    async subscribe(listener) {
      let cursor = Number((newest.get() as { id: number }).id);
      const poll = () => {
        try {
          for (;;) {
            const rows = after.all(cursor, POLL_LIMIT) as { id: number; message: string }[];
            for (const row of rows) {
              cursor = row.id;
              const message = parseChangeMessage(row.message);
              if (message) listener(message);
            }
            if (rows.length < POLL_LIMIT) break;
          }
          const now = Date.now();
          if (now - lastPrune >= PRUNE_EVERY_MS && !gate?.held) {
            lastPrune = now;
            prune.run(now - retainMs);
          }
        } catch {
          // Busy or full: the next poll tries again from the same cursor.
        }
      };
      const timer = setInterval(poll, pollMs);
      timer.unref();
      subscriptions.add(timer);
      return async () => {
        clearInterval(timer);
        subscriptions.delete(timer);
      };
    },

    close() {
      if (flushTimer) clearTimeout(flushTimer);
      flush();
      for (const timer of subscriptions) clearInterval(timer);
      subscriptions.clear();
    },
  };
}
