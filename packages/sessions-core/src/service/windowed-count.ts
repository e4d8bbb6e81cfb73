// An exact count of a large match, window by window, so it can say how far it got and be stopped.
// A bulk revoke's dry run must count exactly (the confirmation asks the admin to type the figure),
// and at 10M sessions one count statement for "gmail" or "created in the last 7 days" took 6–7 s:
// off the event loop (a read-pool worker on SQLite), but silent for all that time, impossible to
// cancel, and holding its worker or pool connection throughout (issue 16).
//
// Instead it counts the same filter over consecutive created_at windows, newest first, each its
// own short read. Every sessions index ends with created_at, so a window is one range of whichever
// index serves the filter; between windows it reports progress and checks for cancellation. Each
// session has one created_at and so falls in exactly one window: none is counted twice or missed,
// each counted as it is when its window is read. Sessions created after the count starts are past
// the last window and not counted (the answer is "as of the start").
//
// Window widths adapt to what the last one cost: rows are spread over time unevenly, so a width
// fixed in advance would either crawl through sparse years or spend seconds on a busy week.
import type { SessionQueryFilter, SessionsStore, StatusScope } from "../store/store.js";

/** Where a windowed count has got to. */
export interface CountProgress {
  /** Matches counted so far (a lower bound of the answer). */
  matched: number;
  /** Share of the created_at span counted, 0 to 1 (of time, not of rows). */
  fraction: number;
  /** Every session created at or after this has been counted; null before the first window. */
  countedFrom: Date | null;
}

export interface WindowedCountOptions {
  /** Stops the count between two windows: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called before the first window and after each one. */
  onProgress?: (progress: CountProgress) => void;
  tuning?: Partial<WindowTuning>;
}

export interface WindowTuning {
  /** What one window should cost: well under the one second between progress reports. */
  targetMs: number;
  /** The first window is this share of the span (the newest part). */
  initialParts: number;
  /** A window at most this many times wider than the last, however quick that one was. */
  maxGrowth: number;
  /** Wall time in milliseconds, to size windows (not the service clock, which tests may freeze). */
  elapsed: () => number;
}

export const WINDOW_TUNING: WindowTuning = {
  targetMs: 200,
  initialParts: 64,
  // Doubling at most: a window that lands on a stretch 5× denser than the last still costs about a
  // second, and the span is covered in a handful of windows when each is quick.
  maxGrowth: 2,
  elapsed: () => performance.now(),
};

/**
 * The exact number of sessions matching the filter. The store answers at once when that is
 * cheap (countSessionsIfCheap); otherwise windows over created_at, as above.
 */
export async function countWindowed(
  store: SessionsStore,
  filter: SessionQueryFilter,
  scope: StatusScope,
  options: WindowedCountOptions = {},
): Promise<number> {
  const { signal, onProgress } = options;
  const tuning = { ...WINDOW_TUNING, ...options.tuning };
  signal?.throwIfAborted();
  const cheap = await store.countSessionsIfCheap(filter, scope);
  if (cheap !== null) return cheap;
  const span = await store.sessionsCreatedSpan();
  if (!span) return 0;
  // [lo, hi) in milliseconds: the filter's own created range, within the sessions that exist.
  const lo = Math.max(span.oldest.getTime(), filter.createdFrom?.getTime() ?? -Infinity);
  const hi = Math.min(span.newest.getTime() + 1, filter.createdTo?.getTime() ?? Infinity);
  let matched = 0;
  onProgress?.({ matched, fraction: 0, countedFrom: null });
  let width = Math.max(1, Math.ceil((hi - lo) / tuning.initialParts));
  for (let cursor = hi; cursor > lo;) {
    signal?.throwIfAborted();
    const from = Math.max(lo, cursor - width);
    const started = tuning.elapsed();
    matched += await store.countSessions(
      { ...filter, createdFrom: new Date(from), createdTo: new Date(cursor) },
      scope,
    );
    const took = tuning.elapsed() - started;
    cursor = from;
    onProgress?.({ matched, fraction: (hi - cursor) / (hi - lo), countedFrom: new Date(cursor) });
    // Scale the width by how far the last window was from the target, within [½, maxGrowth]: a
    // window that overran shrinks the next, a quick one lets it grow.
    const scale = Math.min(tuning.maxGrowth, Math.max(0.5, tuning.targetMs / Math.max(took, 1)));
    width = Math.max(1, Math.round(width * scale));
  }
  return matched;
}
