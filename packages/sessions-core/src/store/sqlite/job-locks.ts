// Which process on a SQLite file runs a periodic job (prune): a row in job_locks per held job,
// taken by one upsert that succeeds only when no row exists or the holder's lease has lapsed, so
// two processes asking at once get one yes. The holder renews its lease while it holds the job; a
// process that dies holding it stops renewing, and the job is free again after LEASE_MS. (Postgres
// uses a session advisory lock instead, released by the server when the connection goes.)
import type Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import type { JobLock } from "../store.js";
import type { WriteGate } from "./bulk-writer.js";

export const LEASE_MS = 60_000;

/** `gate`: the store's write gate (bulk-writer.ts); while a batch holds it, a renewal waits for the next tick. */
export function createSqliteJobLocks(
  sqlite: Database.Database,
  leaseMs = LEASE_MS,
  gate: WriteGate | null = null,
) {
  // Each store is its own holder: two stores on one file in one process exclude each other too.
  const holder = randomUUID();
  const take = sqlite.prepare(
    `insert into job_locks (name, holder, until) values (@name, @holder, @until)
     on conflict (name) do update set holder = excluded.holder, until = excluded.until
     where job_locks.until < @now`,
  );
  const renew = sqlite.prepare("update job_locks set until = @until where name = @name and holder = @holder");
  const drop = sqlite.prepare("delete from job_locks where name = @name and holder = @holder");

  return {
    tryJobLock(name: string): JobLock | null {
      const now = Date.now();
      if (take.run({ name, holder, until: now + leaseMs, now }).changes === 0) return null;
      const timer = setInterval(() => {
        // A renewal that fails (a locked or full file) is retried by the next tick, well before
        // the lease runs out.
        try {
          if (sqlite.open && !gate?.held) renew.run({ name, holder, until: Date.now() + leaseMs });
        } catch {
          /* retried */
        }
      }, leaseMs / 3);
      timer.unref();
      let held = true;
      return {
        async release() {
          if (!held) return;
          held = false;
          clearInterval(timer);
          if (gate?.held) await gate.whenOpen();
          if (sqlite.open) drop.run({ name, holder });
        },
      };
    },
  };
}
