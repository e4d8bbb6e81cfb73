// What a shared operation is given: a database to build statements on, the tables and the
// selections built from them, and the hooks of its dialect.
//
// Typing: drizzle's SQLite and Postgres builders are different types, so the shared code is
// written against ONE of them, SQLite's (its builders also carry the synchronous all()/get()/run()
// SQLite's runner needs). The Postgres store hands over its own db and tables through a single
// conversion (../postgres/as-shared.ts), made honest by a compile-time check there that both
// schemas infer identical row types for every table. At run time each dialect's builders build
// that dialect's SQL: only the static type is shared.
import type { SQL, SQLWrapper } from "drizzle-orm";
import type { RunResult } from "better-sqlite3";
import { getTableColumns, sql } from "drizzle-orm";
import { alias, type BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { schema } from "../sqlite/schema.js";
import type { ApiKeyRecord, AuditRecord, SessionRecord, UserRecord } from "../store.js";
import type { Awaitable } from "./steps.js";

export type Tables = typeof schema;

export type SharedDb = BaseSQLiteDatabase<"sync", RunResult, Tables>;

/** The tables plus the selections every operation reuses, built once per store. */
export function sharedSchema(t: Tables) {
  // sqlite-core's alias() is drizzle's dialect-neutral table proxy (pg-core's is the same code),
  // so these aliases render correctly on either engine.
  const actorUser = alias(t.users, "actor_user");
  const actorKey = alias(t.apiKeys, "actor_key");
  const targetUser = alias(t.users, "target_user");
  // A user's other sessions, in statistics that ask whether a user has any session still active.
  const otherSessions = alias(t.sessions, "other_sessions");
  return {
    ...t,
    // Audit lists name who acted and which user was the target, by join: one query per page, no N+1.
    actorUser,
    otherSessions,
    actorKey,
    targetUser,
    auditSelection: {
      ...getTableColumns(t.auditEvents),
      actorName: sql<string | null>`coalesce(${actorUser.email}, ${actorKey.name})`,
      targetName: targetUser.email,
    },
    sessionUser: {
      id: t.users.id,
      email: t.users.email,
      name: t.users.name,
      status: t.users.status,
      role: t.users.role,
    },
    /** What the maintained figures need of a revoked session. */
    revokedColumns: {
      id: t.sessions.id,
      userId: t.sessions.userId,
      kind: t.sessions.kind,
      expiresAt: t.sessions.expiresAt,
      browser: t.sessions.browser,
      os: t.sessions.os,
    },
    /** What the maintained figures need of a deleted (pruned) session. */
    deletedColumns: {
      createdAt: t.sessions.createdAt,
      expiresAt: t.sessions.expiresAt,
      browser: t.sessions.browser,
      os: t.sessions.os,
      revokedAt: t.sessions.revokedAt,
    },
  };
}

export type SharedSchema = ReturnType<typeof sharedSchema>;

export type RevokedRow = Pick<SessionRecord, "id" | "userId" | "kind" | "expiresAt" | "browser" | "os">;
export type DeletedRow = Pick<SessionRecord, "createdAt" | "expiresAt" | "browser" | "os" | "revokedAt">;

/** Where the engines truly differ; each returns a value on SQLite and a promise on Postgres. */
export interface DialectHooks {
  /**
   * The users key a windowed count walks (windowed-count.ts): the one in which the table reads
   * sequentially. SQLite: rowid (the text id is a separate index, in no relation to where rows are
   * when users came in out of id order: 64 windows by id read every user at random, 9.0 s against
   * 1.5 s for one statement at 10M); Postgres: the primary key.
   */
  userWindowKey: SQL;
  /**
   * The sessions table as read for today's part of the maintained figures (live sessions expiring
   * later today, counted by browser and OS). SQLite names its covering partial index: with
   * statistics sampled one way (STAT4) it chose sessions_expires_at_idx instead and read each of
   * the ~11,000 rows (the bench's 1M count: 25-43 ms against 0.3-1 ms from the covering index).
   */
  liveSessionsByExpiry: SQL;
  /**
   * The user a new session would belong to, read so a concurrent disable cannot slip past
   * (Postgres: FOR SHARE). `exclusive` (a per-user session limit applies): locked against other
   * creates for the same user too (Postgres: FOR NO KEY UPDATE), so they count one after another.
   */
  sessionOwner(userId: string, exclusive: boolean): Awaitable<UserRecord | undefined>;
  /** The user's unrevoked app sessions (lookupQueries' unrevokedAppSessions; SQLite: prepared once). */
  unrevokedAppSessions(userId: string): Awaitable<SessionRecord[]>;
  /** Writes the session row, its audit event, `along` (its outbox) and the maintained figures. */
  insertSession(session: SessionRecord, audit: AuditRecord | null, along: SQL[]): Awaitable<void>;
  /** Maintained figures after a revocation; `along`: other writes of the same change (Postgres sends them in one statement). */
  countRevoked(rows: RevokedRow[], along: SQLWrapper[]): Awaitable<void>;
  /** Maintained figures after a prune. */
  countDeleted(rows: DeletedRow[]): Awaitable<void>;
  /**
   * Candidate ids of the few users whose email (or, with `names`, name) contains the search, from
   * the engine's search index; null when the index cannot narrow it (the caller's condition decides).
   */
  usersMatching(search: string | undefined, names: boolean): Awaitable<string[] | null>;
  /**
   * How a sessions list narrows its email search: `few` (at most EMAIL_SEARCH_USERS candidate ids,
   * listed through the user index, as usersMatching), `walk` (a condition on sessions.user_id that
   * the sort-index walk checks from the index entry itself, before reading the row: more users
   * than that but at most SORT_WALK_USERS, where matching sessions are too sparse for testing each
   * walked row's email), or null (test the email: `emailContains`).
   */
  usersForList(search: string | undefined): Awaitable<{ few: string[] } | { walk: SQL } | null>;
  /** The session's user's email contains `needle` (lower-cased), in the form this engine walks best. */
  emailContains: (needle: string) => SQL;
  /** The users search condition in this engine's case folding. */
  userSearch(search: string): SQL;
  /**
   * Before a guarded change of a user's status or role: locks the target and every active admin
   * until the transaction ends (Postgres FOR UPDATE), so concurrent guarded changes run one after
   * the other. SQLite: nothing to do, its write transactions begin IMMEDIATE (the write lock).
   */
  lockOperators(userId: string): Awaitable<void>;
  /** An instant as a value of this engine's timestamp columns, for raw statements (the outbox). */
  instant(at: Date): SQL;
  /**
   * What ends the dispatcher's claim subquery (webhook-operations.ts): Postgres FOR UPDATE SKIP
   * LOCKED, so two dispatchers never claim the same row and neither waits for the other; SQLite
   * nothing (its write transaction already holds the database's write lock).
   */
  claimLock(): SQL;
  /** A new key's parent, read so a concurrent revocation cannot slip past (Postgres: FOR SHARE). */
  parentKey(id: string): Awaitable<Pick<ApiKeyRecord, "id" | "revokedAt"> | undefined>;
}

export interface Context {
  on: SharedDb;
  t: SharedSchema;
  h: DialectHooks;
}
