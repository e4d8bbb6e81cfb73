// Bulk changes in bounded batches. Revoking or pruning a hundred thousand sessions in one
// transaction holds SQLite's only writer and, since better-sqlite3 is synchronous, the event loop
// itself: every validation waits for the whole job (issue 11 measured 450 ms for 33k rows). So a
// bulk change runs as batches of a few milliseconds each, each its own transaction, and yields to the
// event loop between them (setImmediate: pending requests run first). Each batch selects what is
// still unchanged from where the last one stopped, so a job that is interrupted is finished by
// running it again (idempotent), and
// the job is audited once, by its last batch, with the whole count; if a batch fails after others
// succeeded, what was done is still audited (marked interrupted) before the error goes on.
import { performance } from "node:perf_hooks";
import type { AuditRecord, Batch, SessionsStore } from "../store/store.js";

/**
 * Batch sizes adapt to how long a batch takes: on SQLite, whose batch holds the only write lock
 * (and, run inline, the event loop: sqlite/bulk-writer.ts moves it off by default), each
 * next batch is sized to take about BATCH_TARGET_MS (so the longest a request waits for one is a few
 * milliseconds on any machine and at any table size), kept within BATCH_MIN..BATCH_MAX. At 1M
 * sessions on SQLite a revoked row costs some 20-40 µs (the row, four indexes, the maintained
 * figures), so batches settle around a hundred or two (bench op "validateSession during revokeMany").
 * The first is small and they grow: the first batch also pays for a cold page cache, and a 200-row
 * start took 8 ms at 200k sessions, twice the target.
 */
export const BULK_BATCH = 50;
export const BATCH_MIN = 25;
export const BATCH_MAX = 5_000;
export const BATCH_TARGET_MS = 4;
/**
 * Postgres batches wait on the network without holding the event loop, and each costs a few round
 * trips whatever its size: sized to BATCH_TARGET_MS they shrink to BATCH_MIN rows and a 100k-row
 * prune took 25 s (0.8 s in one statement). There a batch's size only bounds how long its
 * transaction holds its rows' locks, so it is sized to this instead.
 */
export const BATCH_TARGET_MS_ASYNC = 100;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function inBatches(
  store: SessionsStore,
  audit: AuditRecord,
  step: (batch: Batch) => Promise<number>,
  /** Stops the job between batches (a shutting-down process); what was done is audited. */
  signal?: AbortSignal,
  /**
   * Housekeeping nobody waits for: after each batch, rest this many times as long as it took, so
   * requests get the database (and, on SQLite, the event loop) to themselves most of the time.
   */
  pace = 0,
): Promise<number> {
  let total = 0;
  const targetMs = store.dialect === "sqlite" ? BATCH_TARGET_MS : BATCH_TARGET_MS_ASYNC;
  const batch: Batch = { limit: BULK_BATCH, countBefore: 0, after: null, done: false };
  for (;;) {
    // Before every batch, the first too: the caller has usually just run a query of its own (a
    // sample, a count) and requests due meanwhile go first.
    await yieldToEventLoop();
    if (signal?.aborted) {
      if (total > 0) await interrupted(store, audit, total);
      return total;
    }
    let changed: number;
    batch.countBefore = total;
    const started = performance.now();
    try {
      changed = await step(batch);
    } catch (error) {
      if (total > 0) await interrupted(store, audit, total).catch(() => {});
      throw error;
    }
    total += changed;
    if (batch.done) return total;
    const tookMs = Math.max(0.05, performance.now() - started);
    if (pace > 0) await new Promise<void>((resolve) => setTimeout(resolve, tookMs * pace));
    // Halfway to the size that would have taken the target: steady, and quick to shrink.
    const ideal = (batch.limit * targetMs) / tookMs;
    batch.limit = Math.round(Math.min(BATCH_MAX, Math.max(BATCH_MIN, (batch.limit + ideal) / 2)));
  }
}

/** A job stopped part way: what its batches did is audited all the same, marked interrupted. */
function interrupted(store: SessionsStore, audit: AuditRecord, total: number) {
  return store.insertAuditEvent({ ...audit, count: total, data: { ...audit.data, interrupted: true } });
}
