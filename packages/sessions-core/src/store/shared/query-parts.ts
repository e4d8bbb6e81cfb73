// Query fragments both stores share. Drizzle's operators and `sql` are dialect-neutral as long as
// values are bound through a column (eq/gt/… or sql.param(value, column)), which encodes a Date as
// integer ms for SQLite and as a timestamptz for Postgres. Only the statements that run them differ.
import {
  and,
  asc,
  desc,
  eq,
  gt,
  ne,
  gte,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  sql,
  type Column,
  type SQL,
  type SQLWrapper,
} from "drizzle-orm";
import type { SessionSort } from "../../domain/types.js";
import type {
  KeysetPosition,
  PruneCutoff,
  RevokeSelector,
  SessionQueryFilter,
  StatusScope,
} from "../store.js";
import { DAY_MS, dayOf, type Narrowing } from "./counters.js";

/**
 * An email search matching at most this many users lists their sessions through the user index;
 * a broader one walks the sort index, where matching sessions are then dense enough.
 */
export const EMAIL_SEARCH_USERS = 200;

/**
 * A list's email search matching more users than EMAIL_SEARCH_USERS but at most this many walks the
 * sort index checking each entry's user id against theirs (DialectHooks.usersForList). Reading the
 * ids costs ~4 µs each from the trigram index (1,274 for "sanchez": 5 ms), the walk's email test
 * ~3.5 µs per session it passes, and the walk passes ~50 × users / matching users of them to fill a
 * page: the two meet near 2,000 matching users. A denser search ("@gmail.com", 29,895 users) reads
 * this many ids before it knows, then tests the email (~8 ms spent for nothing, bounded by this).
 */
export const SORT_WALK_USERS = 2_000;

export interface SessionColumns {
  id: Column;
  kind: Column;
  tokenHash: Column;
  userId: Column;
  createdAt: Column;
  expiresAt: Column;
  lastSeenAt: Column;
  ip: Column;
  browser: Column;
  os: Column;
  revokedAt: Column;
  endReason: Column;
}

export interface UserColumns {
  id: Column;
  email: Column;
  name: Column;
  status: Column;
  role: Column;
  createdAt: Column;
}

/** Escapes LIKE wildcards so user input matches literally (used with ESCAPE '\'). */
export function escapeLike(input: string): string {
  return input.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `column LIKE %input%`, input taken literally. Callers lower-case both sides where case must not matter. */
export function containsLiteral(column: Column | SQL, input: string): SQL {
  return sql`${column} like ${`%${escapeLike(input)}%`} escape '\\'`;
}

/**
 * Each kind's idle rule: "not idled out" (recent) or "idled out", or undefined when neither kind
 * has an idle timeout. With one kind's timeout off, that kind's branch is just its kind.
 */
function idleCondition(s: SessionColumns, scope: StatusScope, want: "recent" | "idle"): SQL | undefined {
  const { idleCutoff, consoleIdleCutoff } = scope;
  if (!idleCutoff && !consoleIdleCutoff) return undefined;
  const test = (cutoff: Date | null) =>
    cutoff ? (want === "recent" ? gt(s.lastSeenAt, cutoff) : lte(s.lastSeenAt, cutoff)) : undefined;
  const ofKind = (kind: "app" | "console", cutoff: Date | null) =>
    want === "idle" && !cutoff ? undefined : and(eq(s.kind, kind), test(cutoff));
  return or(ofKind("app", idleCutoff), ofKind("console", consoleIdleCutoff));
}

export function activeCondition(s: SessionColumns, scope: StatusScope): SQL {
  return and(isNull(s.revokedAt), gt(s.expiresAt, scope.now), idleCondition(s, scope, "recent"))!;
}

/**
 * Console sign-ins the maintained figures still count (not revoked, not expired) that idled out:
 * what counts and statistics take away from those figures. Few rows (operators' sign-ins), read
 * from their partial index (sessions_console_live_idx). Null when console sign-ins never idle.
 */
export function idledConsoleCondition(s: SessionColumns, scope: StatusScope): SQL | null {
  if (!scope.consoleIdleCutoff) return null;
  return and(
    eq(s.kind, "console"),
    isNull(s.revokedAt),
    lte(s.lastSeenAt, scope.consoleIdleCutoff),
    gt(s.expiresAt, scope.now),
  )!;
}

/** A count narrowed to a browser and an OS (counters.ts' Narrowing), on the sessions or their live counts. */
export function narrowingCondition(
  columns: { browser: Column; os: Column },
  narrowing: Narrowing,
): SQL | undefined {
  return and(
    narrowing.browser !== undefined ? eq(columns.browser, narrowing.browser) : undefined,
    narrowing.os !== undefined ? eq(columns.os, narrowing.os) : undefined,
  );
}

/** Live sessions still active at `now` whose expiry falls on today's (UTC) expiry bucket. */
export function activeTodayCondition(s: SessionColumns, now: Date): SQL {
  return and(
    isNull(s.revokedAt),
    gt(s.expiresAt, now),
    lt(s.expiresAt, new Date((dayOf(now) + 1) * DAY_MS)),
  )!;
}

/** Not revoked, but past its absolute expiry or its idle timeout: awaiting prune. */
export function expiredCondition(s: SessionColumns, scope: StatusScope): SQL {
  const idle = idleCondition(s, scope, "idle");
  return and(
    isNull(s.revokedAt),
    idle ? or(lte(s.expiresAt, scope.now), idle) : lte(s.expiresAt, scope.now),
  )!;
}

export function statusCondition(
  s: SessionColumns,
  status: SessionQueryFilter["status"],
  scope: StatusScope,
): SQL | undefined {
  switch (status ?? "active") {
    case "live":
      return notRevoked(s);
    case "active":
      return activeCondition(s, scope);
    case "expired":
      return expiredCondition(s, scope);
    case "revoked":
      return isNotNull(s.revokedAt);
    case "all":
      return undefined;
  }
}

/** Whether a filter needs the users table (only the email search does). */
export function filterNeedsUsers(filter: SessionQueryFilter): boolean {
  return filter.email !== undefined && filter.email !== "";
}

export function sessionFilterCondition(
  s: SessionColumns,
  u: UserColumns,
  filter: SessionQueryFilter,
  scope: StatusScope,
  /** How the email search is tested (default: on the joined users row); see DialectHooks.emailContains. */
  emailContains: (needle: string) => SQL = (needle) => containsLiteral(u.email, needle),
): SQL | undefined {
  return and(
    statusCondition(s, filter.status, scope),
    filter.userId !== undefined ? eq(s.userId, filter.userId) : undefined,
    filterNeedsUsers(filter) ? emailContains(filter.email!.toLowerCase()) : undefined,
    filter.createdFrom ? gte(s.createdAt, filter.createdFrom) : undefined,
    filter.createdTo ? lt(s.createdAt, filter.createdTo) : undefined,
    filter.ip !== undefined ? eq(s.ip, filter.ip) : undefined,
    filter.browser !== undefined ? eq(s.browser, filter.browser) : undefined,
    filter.os !== undefined ? eq(s.os, filter.os) : undefined,
    filter.kind !== undefined ? eq(s.kind, filter.kind) : undefined,
    filter.endReason !== undefined ? eq(s.endReason, filter.endReason) : undefined,
    filter.excludeId ? ne(s.id, filter.excludeId) : undefined,
  );
}

export function sortColumn(s: SessionColumns, sort: SessionSort): Column {
  return s[sort.by];
}

/** ORDER BY (sort column, id) in one direction, so an index on (column, id) serves it both ways. */
export function keysetOrder(column: Column, id: Column, dir: "asc" | "desc"): SQL[] {
  return dir === "asc" ? [asc(column), asc(id)] : [desc(column), desc(id)];
}

/** Rows strictly after `after` in the (column, id) order, as a row-value comparison both engines index. */
export function keysetAfter(
  column: Column,
  id: Column,
  dir: "asc" | "desc",
  after: KeysetPosition<Date | string> | null,
): SQL | undefined {
  if (!after) return undefined;
  const op = dir === "asc" ? sql.raw(">") : sql.raw("<");
  return sql`(${column}, ${id}) ${op} (${sql.param(after.value, column)}, ${sql.param(after.id, id)})`;
}

/** Revocation target: any of the given sessions not yet revoked. */
export function notRevoked(s: SessionColumns): SQL {
  return isNull(s.revokedAt);
}

/**
 * Users search: email (stored lower-case) or name, case-insensitive substring. `lower` names the
 * SQL function that lower-cases beyond ASCII: Postgres's lower(); SQLite's own lower() folds ASCII
 * only, so its store registers unicode_lower (JavaScript's toLowerCase) on its connection, and
 * passes "ascii-like" for all-ASCII searches: SQLite's LIKE already ignores ASCII case, and calling
 * into JavaScript for every user's name made a search 3× slower (19.6 vs 6.5 ms over 100,000 users).
 */
export function userSearchCondition(
  u: UserColumns,
  search: string,
  lower: "lower" | "unicode_lower" | "ascii-like",
): SQL {
  const needle = search.toLowerCase();
  const name = lower === "ascii-like" ? sql`${u.name}` : sql`${sql.raw(lower)}(${u.name})`;
  return or(containsLiteral(u.email, needle), containsLiteral(name, needle))!;
}

/** Whether a search is plain ASCII (then SQLite's case-insensitive LIKE needs no lower-casing). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * A CASE expression numbering each row's day bucket (0 = oldest) from the day start instants,
 * so one pass over the created_at index yields the whole per-day series.
 */
export function dayBucket(createdAt: Column, dayStarts: Date[]): SQL {
  const whens = dayStarts
    .map((start, i) => ({ start, i }))
    .reverse()
    .map(
      ({ start, i }) => sql`when ${createdAt} >= ${sql.param(start, createdAt)} then ${sql.raw(String(i))}`,
    );
  return sql`case ${sql.join(whens, sql` `)} else -1 end`;
}

/**
 * WHERE for a revocation: the selected sessions that are still unrevoked. A filter on the user's
 * email needs the users table, which an UPDATE cannot join portably, so it goes through
 * `id IN (subquery)` built by the store.
 */
export function revokeSelectorCondition(
  s: SessionColumns,
  u: UserColumns,
  selector: RevokeSelector,
  idsMatching: (condition: SQL | undefined) => SQLWrapper,
): SQL {
  switch (selector.kind) {
    case "id":
      return and(
        eq(s.id, selector.id),
        notRevoked(s),
        selector.userId !== undefined ? eq(s.userId, selector.userId) : undefined,
        selector.sessionKind !== undefined ? eq(s.kind, selector.sessionKind) : undefined,
      )!;
    case "tokenHash":
      return and(eq(s.tokenHash, selector.tokenHash), notRevoked(s))!;
    case "user":
      return and(
        eq(s.userId, selector.userId),
        notRevoked(s),
        selector.exceptSessionId ? ne(s.id, selector.exceptSessionId) : undefined,
        selector.sessionKind !== undefined ? eq(s.kind, selector.sessionKind) : undefined,
      )!;
    case "filter": {
      const condition = sessionFilterCondition(s, u, selector.filter, selector.scope);
      const matching = filterNeedsUsers(selector.filter)
        ? sql`${s.id} in ${idsMatching(condition)}`
        : condition;
      return and(matching, notRevoked(s))!;
    }
  }
}

/**
 * Sessions that ended (expired, idled out or revoked) before the cutoff: what prune deletes. One
 * condition per way of ending, each a range on its own index, run as separate DELETEs: one OR of
 * all three leaves SQLite's planner (no statistics) guessing a full scan is cheaper.
 */
export function pruneConditions(
  s: SessionColumns,
  cutoff: PruneCutoff,
): { condition: SQL; column: Column }[] {
  return [
    { condition: lt(s.expiresAt, cutoff.before), column: s.expiresAt },
    { condition: and(isNotNull(s.revokedAt), lt(s.revokedAt, cutoff.before))!, column: s.revokedAt },
    ...(cutoff.lastSeenBefore
      ? [{ condition: lt(s.lastSeenAt, cutoff.lastSeenBefore), column: s.lastSeenAt }]
      : []),
  ];
}

export function staleOrNull(column: Column, staleBefore: Date): SQL {
  return or(isNull(column), lt(column, staleBefore))!;
}

/**
 * The lower-cased email search a trigram index can answer (at least 3 characters, no LIKE
 * wildcards or escape character), or null when it must be matched row by row.
 */
export function trigramSearchable(email: string | undefined): string | null {
  const needle = email?.toLowerCase() ?? "";
  return needle.length >= 3 && !/[\\%_]/.test(needle) ? needle : null;
}
