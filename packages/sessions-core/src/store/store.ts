// The one storage interface. A store holds no rules: the service decides what to write and passes
// fully-formed records; the store only persists them, atomically where one operation is several
// statements (a state change and its audit event always commit together).
import type {
  ApiKeyScope,
  AuditEvent,
  SessionFilter,
  SessionKind,
  SessionsEvent,
  SessionSort,
  UserRole,
  UserStatus,
} from "../domain/types.js";
import type {
  SessionEndReason,
  SessionLimitPolicy,
  SortDirection,
  UserSortKey,
  WebhookDeliveryStatus,
  WebhookEventType,
  WebhookMessageType,
} from "../vocab.js";
import type { FaultState } from "./faults.js";

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  status: UserStatus;
  confirmedAt: Date | null;
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRecord {
  id: string;
  kind: SessionKind;
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  /** When the user last authenticated for this session (console: its password was checked). */
  authenticatedAt: Date | null;
  /** How (a service's label: "password", "passkey", …); null on console sign-ins and when not said. */
  authMethod: string | null;
  ip: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: string | null;
  /** Why it ended (set with revokedAt, from SESSION_END_REASONS); null while live. */
  endReason: SessionEndReason | null;
}

export type SessionUserRecord = Pick<UserRecord, "id" | "email" | "name" | "status" | "role">;

export interface SessionWithUser {
  session: SessionRecord;
  user: SessionUserRecord;
}

/** The hot-path lookup: the session and the whole user (validate returns both). */
export interface SessionWithFullUser {
  session: SessionRecord;
  user: UserRecord;
}

/** An audit event as stored; lists add the actor and target names by join. */
export type AuditRecord = Omit<AuditEvent, "actorName" | "targetName">;

export interface ApiKeyRecord {
  id: string;
  name: string;
  keyHash: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Refused like a revoked key from this instant; null = never expires. */
  expiresAt: Date | null;
  /** The key that made this one; revoking that key revokes this one too. */
  parentKeyId: string | null;
}

/**
 * What a change to a user's status or role must leave true, checked by the store inside the
 * change's own transaction (so two concurrent changes cannot both pass). The service decides which
 * apply; the store only reads and refuses.
 */
export interface OperatorGuard {
  /** Refuse when the target is an operator (admin or viewer): an API key's change. */
  refuseOperator: boolean;
  /** Refuse when the change would leave no active admin. */
  keepAnAdmin: boolean;
}

export type UserChangeRefusal = { ok: false; error: "not_found" | "is_operator" | "last_admin" };

export type InsertApiKeyResult = { ok: true } | { ok: false; error: "parent_revoked" };

/**
 * The instant a status filter is evaluated at. Active = not revoked, expiresAt > now and, when its
 * kind has an idle timeout, lastSeenAt > that kind's cutoff (= now - idle timeout).
 */
export interface StatusScope {
  now: Date;
  /** App sessions (IDLE_TIMEOUT); null = no idle timeout. */
  idleCutoff: Date | null;
  /** Console sign-ins (CONSOLE_IDLE_TIMEOUT); null = no idle timeout. */
  consoleIdleCutoff: Date | null;
}

/** A keyset position: the sort column's value and the id of the last row of the previous page. */
export interface KeysetPosition<V extends Date | string = Date> {
  value: V;
  id: string;
}

/**
 * The filter as stores see it: the public filter plus "live" (not revoked, whether expired or not:
 * what a revocation can still change) and one session id to leave out (the caller's own).
 */
/** A position in the walk of users a windowed count takes (a rowid or an id: only the store reads it). */
export type UserWindowKey = string | number;

export interface SessionQueryFilter extends Omit<SessionFilter, "status"> {
  status?: SessionFilter["status"] | "live";
  excludeId?: string | null;
  /**
   * Only sessions of users whose window key (the store's own: see DialectHooks.userWindowKey) is
   * in (usersAfter, usersThrough], either end open when null: a window of a count over users
   * (service/windowed-count.ts). Only with an email search, which joins users.
   */
  usersAfter?: UserWindowKey | null;
  usersThrough?: UserWindowKey | null;
}

export interface SessionQuery {
  filter: SessionQueryFilter;
  scope: StatusScope;
  sort: SessionSort;
  after: KeysetPosition | null;
  limit: number;
}

export interface UserQuery {
  search?: string;
  status?: UserStatus;
  role?: UserRole;
  sort: UserSort;
  /** Position of the last row of the previous page: its createdAt, or its email when by email. */
  after: KeysetPosition<Date | string> | null;
  limit: number;
}

export interface UserSort {
  by: UserSortKey;
  dir: SortDirection;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  /** at ≥ from and at < to. */
  from?: Date;
  to?: Date;
  after: { value: Date; id: string } | null;
  limit: number;
}

export interface Revocation {
  at: Date;
  by: string;
  /** The operation that ends them (stored as end_reason). */
  endReason: SessionEndReason;
  /** The caller's free text (revoke_reason). */
  reason: string | null;
}

/** Which not-yet-revoked sessions a revocation applies to. */
export type RevokeSelector =
  /** With userId: only while the session is that user's (an end user revoking one of their own). */
  | { kind: "id"; id: string; userId?: string; sessionKind?: SessionKind }
  | { kind: "tokenHash"; tokenHash: string }
  /** With sessionKind: only that kind's (an end user's "sign out everywhere else": app sessions). */
  | { kind: "user"; userId: string; exceptSessionId?: string | null; sessionKind?: SessionKind }
  | { kind: "filter"; filter: SessionQueryFilter; scope: StatusScope };

export interface StatsQuery {
  scope: StatusScope;
  todayStart: Date;
  /** Start instants of the last 30 local days, oldest first; the last one is todayStart. */
  dayStarts: Date[];
  /** Exclusive end of the last day (start of tomorrow). */
  end: Date;
  topN: number;
}

export interface StatsRows {
  totalActive: number;
  uniqueUsers: number;
  expiredSessions: number;
  sessionsToday: number;
  revokedToday: number;
  byBrowser: { name: string; count: number }[];
  byOs: { name: string; count: number }[];
  /** One count per entry of StatsQuery.dayStarts. */
  createdPerDay: number[];
}

export type InsertSessionResult =
  | { ok: true; user: UserRecord; evicted: SessionRecord[] }
  | { ok: false; error: "user_not_found" | "user_disabled" | "limit_reached" };

/**
 * MAX_SESSIONS_PER_USER as insertSession applies it, inside its transaction: the user's active app
 * sessions are counted with the new one's owner locked (Postgres: FOR NO KEY UPDATE on the user
 * row, so concurrent creates for one user count one after another; SQLite: the write lock), so no
 * interleaving of creates leaves more than `max`.
 */
export interface SessionLimit {
  max: number;
  policy: SessionLimitPolicy;
  scope: StatusScope;
  /** How an evicted session is ended (end reason limit). */
  revocation: Revocation;
  /** The audit event of one eviction, written in the same transaction. */
  evictionAudit(session: SessionRecord): AuditRecord;
}

/**
 * The batches of one bulk change (revocation by filter or by user, prune), one object passed to each
 * call in turn: at most `limit` rows in that call's transaction. The caller keeps `countBefore` (how
 * many earlier batches changed); the store moves `after` on (where the next batch starts) and sets
 * `done` when a batch found fewer than `limit` rows: that batch is the last, and it writes the one
 * audit event, with the whole count.
 */
export interface Batch {
  limit: number;
  countBefore: number;
  after: KeysetPosition | null;
  /** prune: which of its conditions the next batch works on (the store moves it on). */
  stage?: number;
  done: boolean;
}

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  /** The signing secret as issued (whsec_…): signing needs it, so it cannot be stored hashed. */
  secret: string;
  enabled: boolean;
  /** "failing" when the dispatcher turned it off; null otherwise. */
  disabledReason: string | null;
  failingSince: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookEndpointPatch = Partial<
  Pick<WebhookEndpointRecord, "url" | "events" | "description" | "enabled">
>;

/** One message to one endpoint: the outbox row and its delivery state. */
export interface WebhookDeliveryRecord {
  /** The webhook-id header: the same on every retry and redelivery. */
  id: string;
  endpointId: string;
  type: WebhookMessageType;
  /** The body exactly as signed and sent. */
  payload: string;
  createdAt: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  claimedUntil: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

/** A delivery a dispatcher claimed, with what sending it needs. */
export interface ClaimedDelivery {
  delivery: WebhookDeliveryRecord;
  url: string;
  secret: string;
}

/** What one attempt to send a delivery came to. */
export interface WebhookAttempt {
  deliveryId: string;
  endpointId: string;
  at: Date;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** When to try again after a failure; null: the retry schedule ran out (the delivery fails). */
  nextAttemptAt: Date | null;
}

/** A periodic job held by one caller (SessionsStore.tryJobLock) until released. */
export interface JobLock {
  release(): Promise<void>;
}

export interface PruneCutoff {
  /** Expired or revoked before this instant. */
  before: Date;
  /** With an idle timeout: last seen before this instant (= before - idle timeout). */
  lastSeenBefore: Date | null;
}

export type Dialect = "sqlite" | "postgres";

/** A change as sent between processes: the event and the process that made it. */
export interface ChangeMessage {
  origin: string;
  event: SessionsEvent;
}

/**
 * Change notifications between every process using one database (Postgres LISTEN/NOTIFY), so live
 * views on one API instance hear about changes made on another. Delivery is best-effort and
 * at-most-once: consumers treat a message as a hint to refresh, never as the data itself.
 */
export interface ChangeFeed {
  publish(message: ChangeMessage): Promise<void>;
  /** Calls the listener for every message, this process's own included; resolves to an unsubscribe. */
  subscribe(listener: (message: ChangeMessage) => void): Promise<() => Promise<void>>;
}

/** A sign-in counter after counting one attempt (see domain/sign-in.ts for what it limits). */
export interface SignInAttemptCount {
  /** Attempts in the current run, this one included. */
  attempts: number;
  /** The first attempt of the run. */
  windowStart: Date;
}

/** One batch of a bulk load: users first, then sessions that may reference them. */
export interface BulkBatch {
  users: UserRecord[];
  sessions: SessionRecord[];
}

export interface SessionsStore {
  readonly dialect: Dialect;
  /** Cross-process change notifications; null where one process owns the database (SQLite). */
  readonly changeFeed: ChangeFeed | null;

  // users
  /** Inserts the user and its audit event; reports a taken email instead of throwing. */
  insertUser(
    user: UserRecord,
    audit: AuditRecord | null,
  ): Promise<{ ok: true } | { ok: false; error: "email_taken" }>;
  getUserById(id: string): Promise<UserRecord | null>;
  getUserByEmail(email: string): Promise<UserRecord | null>;
  listUsers(query: UserQuery): Promise<UserRecord[]>;
  /** Active-session counts for a page of users, in one query. Users without sessions are absent. */
  countActiveSessionsByUser(userIds: string[], scope: StatusScope): Promise<Map<string, number>>;
  /**
   * Sets a user's status and, when revocation is given, revokes the user's live sessions — all of
   * them, or at most `revokeLimit` (the rest then in batches by the caller: `moreSessions`) — in
   * one transaction with the audit event (whose count is set to the number revoked). The guard
   * is checked first in that transaction (Postgres: the target and the active admins locked).
   */
  setUserStatus(
    userId: string,
    status: UserStatus,
    at: Date,
    revocation: Revocation | null,
    audit: AuditRecord,
    guard?: OperatorGuard,
    revokeLimit?: number,
  ): Promise<
    { ok: true; user: UserRecord; revokedSessions: number; moreSessions: boolean } | UserChangeRefusal
  >;
  /** Sets a user's role with its audit event (data.from = the role before), guarded as setUserStatus. */
  setUserRole(
    userId: string,
    role: UserRole,
    at: Date,
    audit: AuditRecord,
    guard: OperatorGuard,
  ): Promise<{ ok: true; user: UserRecord } | UserChangeRefusal>;

  // sessions
  /**
   * Inserts the session and its audit event only while its user exists and is active, checked in the
   * same transaction (Postgres: the user row is share-locked), so a concurrent disable either sees
   * the new row and revokes it or commits first and makes this refuse. Returns the user.
   */
  insertSession(
    session: SessionRecord,
    audit: AuditRecord | null,
    limit?: SessionLimit | null,
  ): Promise<InsertSessionResult>;
  /**
   * Seeding and imports: for each batch, inserts its users, then its sessions (which may reference
   * those users or earlier ones), all batches in ONE transaction (a failure leaves nothing behind),
   * and updates the maintained figures per batch. Batches are pulled lazily, so a caller can
   * generate millions of rows without holding them all. Writes no audit events; records are taken
   * as given. Into an empty table both stores load without the secondary indexes and build each
   * once at the end; Postgres sends each chunk of rows as one JSON parameter.
   */
  insertSessionsBulk(batches: Iterable<BulkBatch>): Promise<void>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionWithFullUser | null>;
  /** Moves lastSeenAt to `at` unless another request already moved it past `staleBefore`. */
  touchSession(id: string, at: Date, staleBefore: Date): Promise<void>;
  getSession(id: string): Promise<SessionWithUser | null>;
  listSessions(query: SessionQuery): Promise<SessionWithUser[]>;
  /**
   * How many sessions match. With a limit, counting that walks rows stops there (bounded work for
   * "N matching" over a million rows): an answer equal to the limit means that many or more. A
   * count the maintained figures answer is exact whatever its size.
   */
  countSessions(filter: SessionQueryFilter, scope: StatusScope, limit?: number): Promise<number>;
  /**
   * The exact count when bounded work answers it (the maintained figures, or an email search matching
   * few users), else null: the count would walk rows in proportion to the table, which a caller
   * that must report progress does window by window instead (service/windowed-count.ts).
   */
  countSessionsIfCheap(filter: SessionQueryFilter, scope: StatusScope): Promise<number | null>;
  /** The oldest and newest session's createdAt, or null when there are none. */
  sessionsCreatedSpan(): Promise<{ oldest: Date; newest: Date } | null>;
  /** How many users there are (all of them: a windowed count's denominator). */
  countAllUsers(): Promise<number>;
  /** The window key `skip` users after `after` in key order (from the first with null), or null past the last. */
  userKeyAfter(after: UserWindowKey | null, skip: number): Promise<UserWindowKey | null>;
  /**
   * Revokes the selected sessions that are not revoked yet and, when any were, writes the audit
   * event with count = the number revoked, in one transaction. Returns that number. With a batch,
   * revokes at most batch.limit of them, and only the last batch writes the audit event (with
   * countBefore + this batch's count).
   */
  revokeSessions(
    selector: RevokeSelector,
    revocation: Revocation,
    audit: AuditRecord,
    batch?: Batch,
  ): Promise<number>;
  sessionStats(query: StatsQuery): Promise<StatsRows>;
  /**
   * Deletes the sessions that ended before the cutoff, with one audit event carrying the count;
   * with a batch, at most batch.limit of them, audited as revokeSessions' batches are.
   */
  prune(cutoff: PruneCutoff, audit: AuditRecord, batch?: Batch): Promise<number>;
  /** How many sessions prune(cutoff) would delete now. */
  countPrunable(cutoff: PruneCutoff): Promise<number>;
  /**
   * Deletes audit events older than `before`, with one audit event carrying the count; with a
   * batch, at most batch.limit of them, audited as prune's batches are.
   */
  pruneAudit(before: Date, audit: AuditRecord, batch?: Batch): Promise<number>;
  /**
   * Takes the job `name` for this caller alone, across every process on the database, or answers
   * null while another holds it (SQLite: a lease row; Postgres: an advisory lock). Held until
   * released, or until its holder dies.
   */
  tryJobLock(name: string): Promise<JobLock | null>;
  /**
   * Records that the user of a session of `kind` authenticated again at `at` (authenticatedAt, and
   * authMethod when given), with its audit event, while the session is unrevoked and unexpired.
   * False when it is not.
   */
  renewSessionAuthentication(
    sessionId: string,
    kind: SessionKind,
    at: Date,
    method: string | null,
    audit: AuditRecord,
  ): Promise<boolean>;

  /**
   * Replaces a user's password hash only while it is still `previous` (a rehash must not undo a
   * concurrent password change), with its audit event in the same transaction. False when it was not.
   */
  setPasswordHash(
    userId: string,
    /** null: the user had no password yet. */
    previous: string | null,
    hash: string,
    at: Date,
    audit: AuditRecord | null,
  ): Promise<boolean>;

  // sign-in limits
  /**
   * Counts one attempt for (email, address) in ONE upsert statement and returns the count, so
   * concurrent attempts each see a distinct count. The count restarts at 1 (and windowStart at `at`)
   * when the previous attempt was at or before `restartBefore`: a window is a run of attempts with
   * no quiet gap as long as the limit's window.
   */
  countSignInAttempt(
    email: string,
    address: string,
    at: Date,
    restartBefore: Date,
  ): Promise<SignInAttemptCount>;
  /** Forgets the (email, address) counter (a successful sign-in). */
  clearSignInAttempts(email: string, address: string): Promise<void>;
  /** Deletes up to `limit` counters untouched since `before`; returns how many. */
  pruneSignInAttempts(before: Date, limit: number): Promise<number>;

  // audit
  /** Writes one audit event that goes with no other change (a refused sign-in). */
  insertAuditEvent(audit: AuditRecord): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditEvent[]>;

  // api keys
  /**
   * Inserts the key and its audit event. A key with a parent is inserted only while the parent is
   * unrevoked, checked in the same transaction (Postgres: the parent row share-locked), so a
   * concurrent revocation of the parent either sees the child and revokes it or makes this refuse.
   */
  insertApiKey(key: ApiKeyRecord, audit: AuditRecord): Promise<InsertApiKeyResult>;
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  getApiKeyById(id: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /**
   * Revokes the key and, generation by generation, every unrevoked key it made, in one transaction
   * with one audit event (count = keys revoked). Returns that count; 0 when the key is unknown or
   * already revoked.
   */
  revokeApiKey(id: string, at: Date, audit: AuditRecord): Promise<number>;
  touchApiKey(id: string, at: Date, staleBefore: Date): Promise<void>;

  // webhooks
  /** Inserts the endpoint and its audit event, unless `max` endpoints exist already (checked in the transaction). */
  insertWebhookEndpoint(
    endpoint: WebhookEndpointRecord,
    audit: AuditRecord,
    max: number,
  ): Promise<{ ok: true } | { ok: false; error: "too_many" }>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  /** Every endpoint, oldest first (there are at most LIMITS.webhookEndpoints). */
  listWebhookEndpoints(): Promise<WebhookEndpointRecord[]>;
  /** Applies the patch with its audit event; enabling clears disabledReason and failingSince. Null when unknown. */
  updateWebhookEndpoint(
    id: string,
    patch: WebhookEndpointPatch,
    at: Date,
    audit: AuditRecord,
  ): Promise<WebhookEndpointRecord | null>;
  /** Deletes the endpoint and its deliveries, with its audit event. False when unknown. */
  deleteWebhookEndpoint(id: string, audit: AuditRecord): Promise<boolean>;
  /** An endpoint's deliveries, newest first, keyset-paginated on (createdAt, id). */
  listWebhookDeliveries(
    endpointId: string,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<WebhookDeliveryRecord[]>;
  getWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | null>;
  /**
   * Queues a delivery again (pending, due at `at`, the retry schedule restarted) with its audit
   * event; its id, and so its webhook-id, stays. Null when unknown.
   */
  redeliverWebhook(id: string, at: Date, audit: AuditRecord): Promise<WebhookDeliveryRecord | null>;
  /** Writes one message of `type` for one endpoint (webhooks.test), with its audit event. */
  enqueueWebhookMessage(
    endpointId: string,
    type: WebhookMessageType,
    data: Record<string, unknown>,
    at: Date,
    audit: AuditRecord,
  ): Promise<void>;
  /** Whether any delivery is due at `now` (what claimWebhookDeliveries would find), by a read. */
  anyWebhookDue(now: Date): Promise<boolean>;
  /** See DialectHooks.claimDeliveries: due deliveries for this dispatcher alone until `until`. */
  claimWebhookDeliveries(now: Date, until: Date, limit: number): Promise<ClaimedDelivery[]>;
  /**
   * Records an attempt on the delivery and its endpoint's run of failures; when that run began at
   * or before `disableBefore`, turns the endpoint off with `disableAudit`. True when it did.
   */
  recordWebhookAttempt(
    attempt: WebhookAttempt,
    disableBefore: Date,
    disableAudit: AuditRecord,
  ): Promise<boolean>;
  /** Deletes up to `limit` finished (delivered or failed) deliveries created before `before`; returns how many. */
  pruneWebhookDeliveries(before: Date, limit: number): Promise<number>;

  /**
   * Keeps the query planner's statistics current after the tables grew or shrank a lot (SQLite:
   * PRAGMA optimize, which analyzes only tables changed 10× since their last statistics;
   * Postgres: nothing, autovacuum analyzes). Housekeeping: the cleanup job calls it.
   */
  refreshStatistics(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Faults the store has seen (store/faults.ts): whether it can write, for /readyz. */
  faultState(): FaultState;
  close(): Promise<void>;
}
