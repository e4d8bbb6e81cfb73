// The sessions view's state lives in the URL, so a view can be shared and survives a reload.
// This module is the only place that maps between the URL's search params and the API's list
// input; it is pure so the mapping is tested without a browser. Statuses, sort keys and limits are
// core's (a new status or sort key is a compile error in the labels keyed by them).
import {
  LIMITS,
  SESSION_END_REASONS,
  SESSION_KINDS,
  SESSION_SORT_KEYS,
  SESSION_STATUS_FILTERS,
  SORT_DIRECTIONS,
  type SessionEndReason,
  type SessionKind,
  type SessionSortKey,
  type SessionStatusFilter,
  type SortDirection,
} from "@sessions/core/vocab";
import { dayRange, parseDay } from "@/lib/days";
import { END_REASON_LABELS } from "@/lib/end-reasons";
import { exportUrl, type ExportFormat } from "@/lib/export-url";

/** Page sizes the pager offers; each within the API's page size limit (LIMITS.pageSize.max). */
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;
export const DEFAULT_STATUS: SessionStatusFilter = "active";
export const DEFAULT_SORT: { by: SessionSortKey; dir: SortDirection } = { by: "createdAt", dir: "desc" };

/** The two kinds in words (keyed by core's kinds: a new kind must say how it is shown). */
export const KIND_LABELS: Record<SessionKind, string> = {
  console: "Console sign-ins",
  app: "App sessions",
};

/** The sessions view as the URL holds it. Absent optional fields mean "no filter". */
export interface SessionsSearch {
  /** Case-insensitive substring of the user's email. */
  q?: string;
  status: SessionStatusFilter;
  /** Console sign-ins or service-issued (app) sessions; absent means both. */
  kind?: SessionKind;
  browser?: string;
  os?: string;
  ip?: string;
  /** Ended sessions that ended this way (`?ended=limit`): a revoked list narrowed to one cause. */
  ended?: SessionEndReason;
  /** Created on or after this local day (YYYY-MM-DD). */
  from?: string;
  /** Created on or before this local day (YYYY-MM-DD), inclusive. */
  to?: string;
  sort: SessionSortKey;
  dir: SortDirection;
  size: number;
  /** Keyset cursor of the current page; absent on the first page. */
  cursor?: string;
  /** The session open in the detail drawer. */
  session?: string;
}

export const DEFAULT_SEARCH: SessionsSearch = {
  status: DEFAULT_STATUS,
  sort: DEFAULT_SORT.by,
  dir: DEFAULT_SORT.dir,
  size: DEFAULT_PAGE_SIZE,
};

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const trimmed = String(value).trim();
  return trimmed === "" ? undefined : trimmed.slice(0, max);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

/**
 * Reads the URL's search params into a complete view. Tolerant: anything unknown or malformed
 * falls back to its default rather than failing, because URLs are typed and pasted by people.
 */
export function parseSessionsSearch(raw: Record<string, unknown>): SessionsSearch {
  const sizeNumber = Number(raw.size);
  const size = (PAGE_SIZES as readonly number[]).includes(sizeNumber) ? sizeNumber : DEFAULT_PAGE_SIZE;
  let from = parseDay(raw.from);
  let to = parseDay(raw.to);
  // A reversed range is a slip of the hand, not an empty result: put it the right way round.
  if (from && to && from > to) [from, to] = [to, from];
  const search: SessionsSearch = {
    status: oneOf(raw.status, SESSION_STATUS_FILTERS, DEFAULT_STATUS),
    sort: oneOf(raw.sort, SESSION_SORT_KEYS, DEFAULT_SORT.by),
    dir: oneOf(raw.dir, SORT_DIRECTIONS, DEFAULT_SORT.dir),
    size,
  };
  const kind = SESSION_KINDS.find((k) => k === raw.kind);
  const ended = SESSION_END_REASONS.find((r) => r === raw.ended);
  const optional = {
    q: text(raw.q, LIMITS.search),
    kind,
    browser: text(raw.browser, LIMITS.browser),
    os: text(raw.os, LIMITS.os),
    ip: text(raw.ip, LIMITS.ip),
    ended,
    from,
    to,
    cursor: text(raw.cursor, LIMITS.cursor),
    session: text(raw.session, LIMITS.id),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (search as unknown as Record<string, string>)[key] = value;
  }
  return search;
}

/** The URL form of a view: only what differs from the defaults, in a stable order. */
export function serializeSessionsSearch(search: SessionsSearch): Record<string, string> {
  const out: Record<string, string> = {};
  if (search.q) out.q = search.q;
  if (search.status !== DEFAULT_STATUS) out.status = search.status;
  if (search.kind) out.kind = search.kind;
  if (search.browser) out.browser = search.browser;
  if (search.os) out.os = search.os;
  if (search.ip) out.ip = search.ip;
  if (search.ended) out.ended = search.ended;
  if (search.from) out.from = search.from;
  if (search.to) out.to = search.to;
  if (search.sort !== DEFAULT_SORT.by) out.sort = search.sort;
  if (search.dir !== DEFAULT_SORT.dir) out.dir = search.dir;
  if (search.size !== DEFAULT_PAGE_SIZE) out.size = String(search.size);
  if (search.cursor) out.cursor = search.cursor;
  if (search.session) out.session = search.session;
  return out;
}

/**
 * The filters: the fields that narrow which sessions are listed. The one list behind the filters
 * bar's and the empty list's "Clear filters", hasActiveFilters and the page reset below.
 */
export const FILTER_KEYS = [
  "q",
  "status",
  "kind",
  "browser",
  "os",
  "ip",
  "ended",
  "from",
  "to",
] as const satisfies readonly (keyof SessionsSearch)[];
export type FilterKey = (typeof FILTER_KEYS)[number];

/** A change to a view, as updateSessionsSearch applies it: undefined or "" removes a field. */
export type SessionsSearchPatch = Partial<Record<keyof SessionsSearch, string | number | undefined>>;

/** The change that removes every filter the view has, back to the default list (sort and size kept). */
export function clearFilters(search: SessionsSearch): Partial<Record<FilterKey, undefined>> {
  const patch: Partial<Record<FilterKey, undefined>> = {};
  for (const key of FILTER_KEYS) if (search[key] !== DEFAULT_SEARCH[key]) patch[key] = undefined;
  return patch;
}

/** Whether the view narrows the sessions beyond the default "active" list. */
export function hasActiveFilters(search: SessionsSearch): boolean {
  return Object.keys(clearFilters(search)).length > 0;
}

/** Changing any of these selects other rows or another order, so the view starts again at page one. */
const RESETS_PAGE: readonly (keyof SessionsSearch)[] = [...FILTER_KEYS, "sort", "dir", "size"];

/**
 * Applies a change to a view. A change to the filter, sort or page size drops the cursor (a
 * keyset cursor belongs to one query); opening a session in the drawer keeps the page.
 */
export function updateSessionsSearch(previous: SessionsSearch, patch: SessionsSearchPatch): SessionsSearch {
  const merged: Record<string, unknown> = { ...serializeSessionsSearch(previous) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === "") delete merged[key];
    else merged[key] = value;
  }
  const resets = RESETS_PAGE.some((key) => key in patch && patch[key] !== previous[key]);
  if (resets && !("cursor" in patch)) delete merged.cursor;
  return parseSessionsSearch(merged);
}

/** Clicking a column header: a new column sorts newest first; the same column flips direction. */
export function nextSort(
  search: SessionsSearch,
  by: SessionSortKey,
): { sort: SessionSortKey; dir: SortDirection } {
  if (search.sort !== by) return { sort: by, dir: "desc" };
  return { sort: by, dir: search.dir === "desc" ? "asc" : "desc" };
}

/** The filter the API's sessions.listActive and sessions.revokeMany take for this view. */
export function toSessionFilter(search: SessionsSearch): {
  email?: string;
  status: SessionStatusFilter;
  kind?: SessionKind;
  browser?: string;
  os?: string;
  ip?: string;
  createdFrom?: Date;
  createdTo?: Date;
  endReason?: SessionEndReason;
} {
  const filter: ReturnType<typeof toSessionFilter> = { status: search.status };
  if (search.q) filter.email = search.q;
  if (search.kind) filter.kind = search.kind;
  if (search.browser) filter.browser = search.browser;
  if (search.os) filter.os = search.os;
  if (search.ip) filter.ip = search.ip;
  if (search.ended) filter.endReason = search.ended;
  // The API's createdTo is exclusive; the view's "to" day is inclusive, so it ends at the next midnight.
  const { from, to } = dayRange(search.from, search.to);
  if (from) filter.createdFrom = from;
  if (to) filter.createdTo = to;
  return filter;
}

/** The full sessions.listActive input for this view. */
export function toListInput(search: SessionsSearch) {
  return {
    limit: search.size,
    cursor: search.cursor ?? null,
    filter: toSessionFilter(search),
    sort: { by: search.sort, dir: search.dir },
  };
}

/** The view's filter in words, for the bulk-revoke confirmation and empty states. */
export function describeFilter(search: SessionsSearch): string[] {
  const parts: string[] = [];
  parts.push(search.status === "all" ? "Any status" : `Status is ${search.status}`);
  if (search.kind) parts.push(`${KIND_LABELS[search.kind]} only`);
  if (search.q) parts.push(`Email contains “${search.q}”`);
  if (search.browser) parts.push(`Browser is ${search.browser}`);
  if (search.os) parts.push(`OS is ${search.os}`);
  if (search.ip) parts.push(`IP is ${search.ip}`);
  if (search.ended) parts.push(`Ended: ${END_REASON_LABELS[search.ended]}`);
  if (search.from && search.to) parts.push(`Created ${search.from} – ${search.to}`);
  else if (search.from) parts.push(`Created on or after ${search.from}`);
  else if (search.to) parts.push(`Created on or before ${search.to}`);
  return parts;
}

/** The REST export of exactly this view: its filter and its order, every page. */
export function sessionsExportUrl(search: SessionsSearch, format: ExportFormat): string {
  const filter = toSessionFilter(search);
  return exportUrl("/api/v1/sessions/export", format, {
    ...filter,
    sortBy: search.sort,
    sortDir: search.dir,
  });
}
