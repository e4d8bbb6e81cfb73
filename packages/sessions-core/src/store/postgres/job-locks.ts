// Which instance runs a periodic job (prune) on Postgres: a session-level advisory lock, taken with
// pg_try_advisory_lock on a connection reserved from the pool for as long as the job holds it. The
// server releases it if that connection goes (the instance died, the network broke), so a dead
// holder never blocks the job. Never through a transaction-pooling PgBouncer: session locks need the
// same server connection from take to release, so with DATABASE_DIRECT_URL they run on that one.
import type { Sql } from "postgres";
import type { JobLock } from "../store.js";

/** Job names hash into advisory-lock keys of their own, apart from the migration lock's. */
const key = (name: string) => `sessions.job:${name}`;

export function advisoryJobLocks(client: Sql) {
  return async (name: string): Promise<JobLock | null> => {
    const reserved = await client.reserve();
    try {
      const [row] = await reserved<{ locked: boolean }[]>`
        select pg_try_advisory_lock(hashtextextended(${key(name)}, 0)) as locked`;
      if (!row?.locked) {
        reserved.release();
        return null;
      }
    } catch (error) {
      reserved.release();
      throw error;
    }
    let held = true;
    return {
      async release() {
        if (!held) return;
        held = false;
        try {
          await reserved`select pg_advisory_unlock(hashtextextended(${key(name)}, 0))`;
        } finally {
          reserved.release();
        }
      },
    };
  };
}

/** One process's own locks, where the database has no other clients (PGlite in tests). */
export function inProcessJobLocks() {
  const held = new Set<string>();
  return async (name: string): Promise<JobLock | null> => {
    if (held.has(name)) return null;
    held.add(name);
    let holding = true;
    return {
      async release() {
        if (holding) held.delete(name);
        holding = false;
      },
    };
  };
}
