// Bulk changes in bounded batches. Revoking or pruning a hundred thousand sessions in one
// transaction holds SQLite's only writer and, since better-sqlite3 is synchronous, the event loop
// itself: every validation waits for the whole job (issue 11 measured 450 ms for 33k rows). So a
// bulk change runs as batches of BULK_BATCH rows, each its own short transaction, and yields to the
// event loop between them (setImmediate: pending requests run first). Each batch re-selects what is
// still unchanged, so a job that is interrupted is finished by running it again (idempotent), and
// the job is audited once, by its last batch, with the whole count; if a batch fails after others
// succeeded, what was done is still audited (marked interrupted) before the error goes on.
import type { AuditRecord, Batch, SessionsStore } from "../store/store.js";

/** Rows per batch: a few milliseconds of work on SQLite at 1M sessions (see bench, op "validateSession during revokeMany"). */
export const BULK_BATCH = 500;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function inBatches(
  store: SessionsStore,
  audit: AuditRecord,
  step: (batch: Batch) => Promise<number>,
  limit: number = BULK_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    let changed: number;
    try {
      changed = await step({ limit, countBefore: total });
    } catch (error) {
      if (total > 0) {
        await store
          .insertAuditEvent({ ...audit, count: total, data: { ...audit.data, interrupted: true } })
          .catch(() => {});
      }
      throw error;
    }
    total += changed;
    if (changed < limit) return total;
    await yieldToEventLoop();
  }
}
