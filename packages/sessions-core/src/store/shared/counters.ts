// The figures both stores maintain next to the sessions (tables session_live_counts,
// session_created_counts and user_live_until in the schemas): what a change adds to or takes from
// them, and how a StatusScope reads them. Counts only, keyed by instants; no rule lives here: the
// "active" condition is the same one query-parts.ts writes in SQL (not revoked, expires_at > now),
// and with an idle timeout the stores count from the rows instead.
import type { SessionQueryFilter, StatusScope, StatsQuery } from "../store.js";

export const DAY_MS = 86_400_000;
/** createdPerDay sums 15-minute slots: every timezone's midnight falls on a slot boundary. */
export const SLOT_MS = 900_000;
/** How the statistics name sessions without a browser or OS. */
export const UNKNOWN = "Unknown";

export interface LiveRow {
  expiresAt: Date;
  browser: string | null;
  os: string | null;
}

export interface LiveDelta {
  expiresDay: number;
  browser: string;
  os: string;
  liveSessions: number;
}

export interface CreatedDelta {
  createdSlot: number;
  createdSessions: number;
}

export const dayOf = (instant: Date): number => Math.floor(instant.getTime() / DAY_MS);
export const slotOf = (instant: Date): number => Math.floor(instant.getTime() / SLOT_MS);

/**
 * Live counts added (sign 1) or taken away (sign -1) by these sessions, one entry per key, in key
 * order: concurrent Postgres transactions then lock counter rows in the same order.
 */
export function liveDeltas(rows: Iterable<LiveRow>, sign: 1 | -1): LiveDelta[] {
  const byKey = new Map<string, LiveDelta>();
  for (const row of rows) {
    const delta: LiveDelta = {
      expiresDay: dayOf(row.expiresAt),
      browser: row.browser ?? UNKNOWN,
      os: row.os ?? UNKNOWN,
      liveSessions: 0,
    };
    const key = `${delta.expiresDay}\u0000${delta.browser}\u0000${delta.os}`;
    const entry = byKey.get(key) ?? byKey.set(key, delta).get(key)!;
    entry.liveSessions += sign;
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.expiresDay - b.expiresDay ||
      (a.browser < b.browser ? -1 : a.browser > b.browser ? 1 : 0) ||
      (a.os < b.os ? -1 : a.os > b.os ? 1 : 0),
  );
}

export function createdDeltas(rows: Iterable<{ createdAt: Date }>, sign: 1 | -1): CreatedDelta[] {
  const bySlot = new Map<number, number>();
  for (const row of rows) {
    const slot = slotOf(row.createdAt);
    bySlot.set(slot, (bySlot.get(slot) ?? 0) + sign);
  }
  return [...bySlot.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([createdSlot, createdSessions]) => ({ createdSlot, createdSessions }));
}

/** The latest expiry per user among these (live) sessions, in user order. */
export function latestExpiryByUser(
  rows: Iterable<{ userId: string; expiresAt: Date }>,
): { userId: string; liveUntil: Date }[] {
  const byUser = new Map<string, Date>();
  for (const row of rows) {
    const current = byUser.get(row.userId);
    if (!current || row.expiresAt > current) byUser.set(row.userId, row.expiresAt);
  }
  return [...byUser.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([userId, liveUntil]) => ({ userId, liveUntil }));
}

/** Distinct values in sorted order (lock order for Postgres). */
export function sortedDistinct(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * The maintained figures answer for the active status without an app idle timeout only. Console
 * sign-ins' own idle timeout does not stop them: the few idled-out sign-ins are taken away from
 * them (query-parts' idledConsoleCondition).
 */
export function countersServe(scope: StatusScope): boolean {
  return scope.idleCutoff === null;
}

/** What an active count from the maintained figures may be narrowed to: their keys. */
export interface Narrowing {
  browser?: string;
  os?: string;
}

/**
 * Which of the maintained figures a count asks for: active sessions, live ones (not revoked,
 * expired or not: what a revocation of "all" can still change), or expired ones (live − active:
 * not revoked, past their expiry or idled out, exactly statusCondition's "expired"), or all of
 * them (live + the revoked, counted from their partial index: the figures hold no revoked count).
 */
export type MaintainedFigure = "active" | "live" | "expired" | "all";

/**
 * countSessions can use the counters when the filter is a status they hold (active, live or
 * expired) and at most a browser and an OS (the live counts' own keys: "Chrome on Windows" costs
 * what the plain count costs, not a walk of every Chrome session), or null when it asks more. Not
 * for "Unknown": the counts file sessions without a browser under that name, while the filter
 * compares the column as stored. The expired count was the one status count read from the rows: an
 * OR over two columns that SQLite answers by scanning the table (1M: 165 ms; 10M: 3.7-4.2 s, one
 * statement a dry run could report no progress on); from the figures it costs what active costs.
 * "all" only unnarrowed: the revoked sessions' index has no browser or OS (at 10M the count of
 * every row took 240 ms, the revoked ones' 7 ms).
 */
export function maintainedNarrowing(
  filter: SessionQueryFilter,
): { figure: MaintainedFigure; narrowing: Narrowing } | null {
  const narrowing: Narrowing = {};
  const status = filter.status ?? "active";
  if (status === "revoked") return null;
  for (const [key, value] of Object.entries(filter)) {
    if (key === "status") {
      continue;
    } else if ((key === "browser" || key === "os") && typeof value === "string" && value !== UNKNOWN) {
      narrowing[key] = value;
    } else if (value !== undefined && value !== null && value !== "") {
      return null;
    }
  }
  if (status === "all" && (narrowing.browser !== undefined || narrowing.os !== undefined)) return null;
  return { figure: status, narrowing };
}

/** Slot range and day boundaries (as slots) for createdPerDay, or null if a day start is off a slot boundary. */
export function createdSlots(query: StatsQuery): { from: number; to: number; boundaries: number[] } | null {
  const instants = [...query.dayStarts, query.end];
  if (instants.some((d) => d.getTime() % SLOT_MS !== 0)) return null;
  const boundaries = instants.map((d) => d.getTime() / SLOT_MS);
  return { from: boundaries[0]!, to: boundaries[boundaries.length - 1]!, boundaries };
}

/** Sums slot counts into one figure per day (boundaries as from createdSlots). */
export function perDay(
  slots: { createdSlot: number; createdSessions: number }[],
  boundaries: number[],
): number[] {
  const days = new Array<number>(boundaries.length - 1).fill(0);
  for (const { createdSlot, createdSessions } of slots) {
    // boundaries is short (31 entries): a linear walk is cheaper than a search.
    for (let i = 0; i < days.length; i++) {
      if (createdSlot >= boundaries[i]! && createdSlot < boundaries[i + 1]!) {
        days[i] = days[i]! + createdSessions;
        break;
      }
    }
  }
  return days;
}

/** Top N names by count (then name), from per-name sums. */
export function topByCount(
  rows: { name: string; count: number }[],
  topN: number,
): { name: string; count: number }[] {
  const merged = new Map<string, number>();
  for (const r of rows) merged.set(r.name, (merged.get(r.name) ?? 0) + r.count);
  return [...merged.entries()]
    .filter(([, count]) => count > 0)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, topN);
}
