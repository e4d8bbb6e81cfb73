// An exact count of a large match, window by window, so it can say how far it got and be stopped.
// A bulk revoke's dry run must count exactly (the confirmation asks the admin to type the figure),
// and at 10M sessions one count statement for "gmail" or "created in the last 7 days" took 6–7 s:
// off the event loop (a read-pool worker on SQLite), but silent for all that time, impossible to
// cancel, and holding its worker or pool connection throughout (issue 16).
//
// Instead it counts the same filter over consecutive windows, each its own short read, and between
// windows reports progress and checks for cancellation. A window is a range of the key the whole
// count's plan walks (walkFor: users by id for an email search, createdAt for the filters whose
// index ends with it), so the windows add up to that plan. Each session has one createdAt and one
// user and so falls in exactly one window: none is counted twice or missed, each counted as it is
// when its window is read. Sessions created after a createdAt walk starts are past its first
// window and not counted (the answer is "as of the start").
//
// Window widths adapt to what the last one cost: rows are spread over time unevenly, so a width
// fixed in advance would either crawl through sparse years or spend seconds on a busy week.
import type { SessionQueryFilter, SessionsStore, StatusScope, UserWindowKey } from "../store/store.js";

/** Where a windowed count has got to. */
export interface CountProgress {
  /** Matches counted so far (a lower bound of the answer). */
  matched: number;
  /** Share of the walk done, 0 to 1: of the createdAt span's time or of the users, not of rows. */
  fraction: number;
  /** Every session created at or after this has been counted (createdAt walks only; else null). */
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

/** One window of a count: the filter narrowed to it, and where the count is once it is done. */
interface Window {
  filter: SessionQueryFilter;
  fraction: number;
  countedFrom: Date | null;
  last: boolean;
}

/** Consecutive windows covering the filter's matches, each `size` wide (in the walk's own unit). */
interface Walk {
  initialSize: number;
  next(size: number): Promise<Window>;
}

/**
 * Which walk keeps the plan the whole count would use, so the windows cost what it costs and no
 * more (measured at 10M sessions, SQLite, warm cache):
 * - an email search (too many users for the user index shortcut) is served users first, in
 *   table order, then each user's sessions: windows of users by their window key (SQLite: rowid;
 *   DialectHooks.userWindowKey). acme.io: 1.76 s in 12 windows (none over 212 ms) against 1.23 s
 *   for the one statement; windows of users by id read users at random (9.0 s), and createdAt
 *   windows turned the plan around (every session of the span read by createdAt, then its user:
 *   2.6 s for a 64th of the span);
 * - a browser, OS, IP or end reason lives in an index on (that column, createdAt, id), and a
 *   created range in the createdAt index: createdAt windows are ranges of the same index;
 * - anything else (a status alone, a kind, a user) is one statement. A status alone is mostly
 *   answered before this, by the maintained figures (active, expired, and "all", which a
 *   revocation counts as every live session); revoked reads its partial index only; a createdAt
 *   walk would read every row instead (status "all" at 10M: 1.1 s as one statement, 94 s as 64
 *   createdAt windows). One user's sessions are few.
 */
function walkFor(store: SessionsStore, filter: SessionQueryFilter, parts: number): Promise<Walk | null> {
  if (filter.email) return usersWalk(store, filter, parts);
  const { createdFrom, createdTo, browser, os, ip, endReason } = filter;
  const indexed = [createdFrom, createdTo, browser, os, ip, endReason].some(
    (v) => v !== undefined && v !== null,
  );
  return indexed ? createdWalk(store, filter, parts) : Promise.resolve(null);
}

/** Windows of createdAt, newest first; sizes in milliseconds. */
async function createdWalk(
  store: SessionsStore,
  filter: SessionQueryFilter,
  parts: number,
): Promise<Walk | null> {
  const span = await store.sessionsCreatedSpan();
  if (!span) return null;
  // [lo, hi) in milliseconds: the filter's own created range, within the sessions that exist.
  const lo = Math.max(span.oldest.getTime(), filter.createdFrom?.getTime() ?? -Infinity);
  const hi = Math.min(span.newest.getTime() + 1, filter.createdTo?.getTime() ?? Infinity);
  if (lo >= hi) return null;
  let cursor = hi;
  return {
    initialSize: Math.max(1, Math.ceil((hi - lo) / parts)),
    async next(size) {
      const from = Math.max(lo, cursor - size);
      const window = { ...filter, createdFrom: new Date(from), createdTo: new Date(cursor) };
      cursor = from;
      return {
        filter: window,
        fraction: (hi - from) / (hi - lo),
        countedFrom: new Date(from),
        last: from <= lo,
      };
    },
  };
}

/** Windows of users in id order; sizes in users. */
async function usersWalk(
  store: SessionsStore,
  filter: SessionQueryFilter,
  parts: number,
): Promise<Walk | null> {
  const total = await store.countAllUsers();
  if (total === 0) return null;
  let after: UserWindowKey | null = null;
  let passed = 0;
  return {
    initialSize: Math.max(1, Math.ceil(total / parts)),
    async next(size) {
      const through = await store.userKeyAfter(after, size);
      const window = { ...filter, usersAfter: after, usersThrough: through };
      after = through;
      passed += size;
      // Users who signed up meanwhile make the share approximate: it keeps rising, short of 100%
      // until the last window.
      const fraction = through === null ? 1 : passed / Math.max(total, passed + 1);
      return { filter: window, fraction, countedFrom: null, last: through === null };
    },
  };
}

/**
 * The exact number of sessions matching the filter. The store answers at once when that is
 * cheap (countSessionsIfCheap); otherwise window by window, as above, or in one statement where
 * windows would cost more than they tell.
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
  onProgress?.({ matched: 0, fraction: 0, countedFrom: null });
  const walk = await walkFor(store, filter, tuning.initialParts);
  if (!walk) {
    const matched = await store.countSessions(filter, scope);
    onProgress?.({ matched, fraction: 1, countedFrom: null });
    return matched;
  }
  let matched = 0;
  let size = walk.initialSize;
  for (;;) {
    signal?.throwIfAborted();
    const started = tuning.elapsed();
    const window = await walk.next(size);
    matched += await store.countSessions(window.filter, scope);
    const took = tuning.elapsed() - started;
    onProgress?.({ matched, fraction: window.fraction, countedFrom: window.countedFrom });
    if (window.last) return matched;
    // Scale the size by how far the last window was from the target, within [½, maxGrowth]: a
    // window that overran shrinks the next, a quick one lets it grow.
    const scale = Math.min(tuning.maxGrowth, Math.max(0.5, tuning.targetMs / Math.max(took, 1)));
    size = Math.max(1, Math.round(size * scale));
  }
}
