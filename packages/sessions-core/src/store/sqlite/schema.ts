// SQLite schema. Must keep the same table names, column names and JS types as ../postgres/schema.ts:
// the store contract suite runs the same assertions against both.
// Timestamps are integer milliseconds (mode "timestamp_ms") so they map to Date like Postgres timestamptz(3).
import { sql } from "drizzle-orm";
import type { ApiKeyScope, AuditAction } from "../../domain/types.js";
import type { WebhookEventType, WebhookMessageType } from "../../vocab.js";
import {
  AUDIT_ACTOR_TYPES,
  AUDIT_TARGET_TYPES,
  SESSION_END_REASONS,
  SESSION_KINDS,
  USER_ROLES,
  USER_STATUSES,
  WEBHOOK_DELIVERY_STATUSES,
} from "../../vocab.js";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name"),
    role: text("role", { enum: USER_ROLES }).notNull(),
    status: text("status", { enum: USER_STATUSES }).notNull(),
    confirmedAt: ts("confirmed_at"),
    passwordHash: text("password_hash"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    index("users_created_at_idx").on(t.createdAt, t.id),
    // The users list filtered by role or status, in either of its orders: few users are operators
    // or disabled, and finding them by walking every user's entry of the order's index is a scan.
    index("users_role_created_at_idx").on(t.role, t.createdAt, t.id),
    index("users_role_email_idx").on(t.role, t.email),
    index("users_status_created_at_idx").on(t.status, t.createdAt, t.id),
    index("users_status_email_idx").on(t.status, t.email),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    // Existing rows were issued by services (sessions.create) or are old console sign-ins, which end
    // with this change: an operator signs in again.
    kind: text("kind", { enum: SESSION_KINDS }).notNull().default("app"),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    // When the user last authenticated for this session. Console sign-ins: auth.login, then each
    // auth.reauthenticate (dangerous changes need it within CONSOLE_REAUTH_WINDOW). App sessions:
    // what the issuing service says (sessions.create, sessions.reauthenticated), for its freshness
    // checks (sessions.validate's maxAuthAge). Null only on app sessions issued before it was kept.
    authenticatedAt: ts("authenticated_at"),
    /** How the user last authenticated ("password", "passkey", "sso", …), as the service labels it. */
    authMethod: text("auth_method"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    browser: text("browser"),
    os: text("os"),
    deviceType: text("device_type"),
    revokedAt: ts("revoked_at"),
    revokedBy: text("revoked_by"),
    revokeReason: text("revoke_reason"),
    /** Why it ended, from a fixed vocabulary (vocab.ts SESSION_END_REASONS); null while live. */
    endReason: text("end_reason", { enum: SESSION_END_REASONS }),
  },
  (t) => [
    uniqueIndex("sessions_token_hash_key").on(t.tokenHash),
    // One index per keyset order (sort column, id); user_id leads the per-user list and revokes.
    index("sessions_user_created_idx").on(t.userId, t.createdAt, t.id),
    // user_id last: a list whose email search matched a few thousand users tests each walked entry
    // against their ids before reading its row (store usersForList).
    index("sessions_created_at_idx").on(t.createdAt, t.id, t.userId),
    index("sessions_last_seen_at_idx").on(t.lastSeenAt, t.id),
    index("sessions_expires_at_idx").on(t.expiresAt, t.id),
    // Live (unrevoked) sessions by expiry, with browser and OS: the part of today's expiry bucket
    // still active (counts and per-browser/OS stats) is read from this index alone. revoked_at is
    // always null here; listing it lets SQLite see the index covers "revoked_at is null".
    index("sessions_live_expires_idx")
      .on(t.expiresAt, t.browser, t.os, t.revokedAt)
      .where(sql`${t.revokedAt} is null`),
    index("sessions_revoked_at_idx")
      .on(t.revokedAt)
      .where(sql`${t.revokedAt} is not null`),
    index("sessions_browser_idx").on(t.browser, t.createdAt, t.id),
    index("sessions_os_idx").on(t.os, t.createdAt, t.id),
    index("sessions_ip_idx").on(t.ip, t.createdAt, t.id),
    // The end-reason filter (ended sessions only), newest first like every list.
    index("sessions_end_reason_idx")
      .on(t.endReason, t.createdAt, t.id)
      .where(sql`${t.endReason} is not null`),
    // Live console sign-ins by last activity: the few that idled out are found here without a scan,
    // so counts and statistics can leave them out while the maintained figures still count them.
    index("sessions_console_live_idx")
      .on(t.lastSeenAt, t.id)
      .where(sql`${t.kind} = 'console' and ${t.revokedAt} is null`),
  ],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    at: ts("at").notNull(),
    actorType: text("actor_type", { enum: AUDIT_ACTOR_TYPES }).notNull(),
    actor: text("actor").notNull(),
    action: text("action").$type<AuditAction>().notNull(),
    targetType: text("target_type", { enum: AUDIT_TARGET_TYPES }),
    target: text("target"),
    ip: text("ip"),
    reason: text("reason"),
    count: integer("count"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at, t.id),
    index("audit_events_action_idx").on(t.action, t.at, t.id),
    index("audit_events_actor_idx").on(t.actor, t.at, t.id),
    index("audit_events_target_idx").on(t.target, t.at, t.id),
  ],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<ApiKeyScope[]>().notNull(),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    /** After this instant the key is refused like a revoked one; null = no expiry. */
    expiresAt: ts("expires_at"),
    /** The key that made this key (null: made by an operator); revoking it revokes this one. */
    parentKeyId: text("parent_key_id"),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index("api_keys_created_at_idx").on(t.createdAt, t.id),
    // The cascade of a revocation walks from a key to the keys it made.
    index("api_keys_parent_key_id_idx").on(t.parentKeyId),
  ],
);

// Figures maintained by the store in the same transaction as every insert, revocation and deletion
// of a session, so the active count and the statistics read a few thousand rows, not a million.
// They hold no rules: only counts keyed by instants, which the service's scope turns into figures.

/** Live (unrevoked) sessions by the UTC day they expire on (ms / 86,400,000), browser and OS. */
export const sessionLiveCounts = sqliteTable(
  "session_live_counts",
  {
    expiresDay: integer("expires_day").notNull(),
    /** The browser, or "Unknown" (as the statistics name it) when there is none. */
    browser: text("browser").notNull(),
    os: text("os").notNull(),
    liveSessions: integer("live_sessions").notNull(),
    /**
     * Postgres spreads concurrent writers over a few rows per key (its connection's pid modulo
     * COUNTER_SHARDS), so creates no longer queue on one hot row; reads sum the shards. SQLite has one
     * writer at a time and writes shard 0 only.
     */
    shard: integer("shard").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.expiresDay, t.browser, t.os, t.shard] })],
);

/** Sessions (rows present, any status) by the 15-minute slot they were created in (ms / 900,000). */
export const sessionCreatedCounts = sqliteTable(
  "session_created_counts",
  {
    createdSlot: integer("created_slot").notNull(),
    createdSessions: integer("created_sessions").notNull(),
    /** As session_live_counts.shard. */
    shard: integer("shard").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.createdSlot, t.shard] })],
);

/**
 * Per user, the latest expiry among its live sessions (the epoch once none is left): the users with
 * an active session are those whose live_until is after now.
 */
export const userLiveUntil = sqliteTable(
  "user_live_until",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    liveUntil: ts("live_until").notNull(),
  },
  (t) => [index("user_live_until_idx").on(t.liveUntil)],
);

/**
 * Sign-in attempts per (client address, email), and per email over every address (address "*"),
 * counted by one upsert each (see domain/sign-in.ts), so every API instance on the database shares
 * the limits. A count restarts after a quiet window (no attempt for the window's length). Rows untouched for a while are deleted by prune.
 */
export const signInAttempts = sqliteTable(
  "sign_in_attempts",
  {
    email: text("email").notNull(),
    address: text("address").notNull(),
    attempts: integer("attempts").notNull(),
    windowStart: ts("window_start").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.email, t.address] }),
    index("sign_in_attempts_updated_at_idx").on(t.updatedAt),
  ],
);

/**
 * SQLite's change feed between processes on one file (sqlite/change-feed.ts): each change message
 * appended as a row, polled by the other processes by id, deleted after a minute. Postgres has
 * LISTEN/NOTIFY instead and no such table, so it stays out of `schema` (the shared tables).
 */
export const changeLog = sqliteTable(
  "change_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    message: text("message").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [index("change_log_at_idx").on(t.at)],
);

/**
 * Which process runs a periodic job (sqlite/job-locks.ts): one row per job while a process holds
 * it, with a lease that lapses if that process dies. Postgres uses advisory locks instead, so this
 * table too stays out of `schema`.
 */
export const jobLocks = sqliteTable("job_locks", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  until: ts("until").notNull(),
});

/**
 * Webhook endpoints (service/webhooks.ts). The signing secret is kept as issued (whsec_…): signing
 * needs it, so unlike tokens and keys it cannot be stored hashed; protect the database accordingly.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    description: text("description"),
    events: text("events", { mode: "json" }).$type<WebhookEventType[]>().notNull(),
    secret: text("secret").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** Why it is off when the dispatcher turned it off ("failing"); null when an admin did or it is on. */
    disabledReason: text("disabled_reason"),
    /** The first failure of the current run of failures; cleared by a success. */
    failingSince: ts("failing_since"),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_created_at_idx").on(t.createdAt, t.id)],
);

/**
 * The outbox: one row per (message, endpoint), written in the transaction of the change it tells
 * of, so a committed change always has its deliveries and a rolled-back one has none. The id is the
 * message's webhook-id, the same on every retry and redelivery; payload is the exact body signed.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    type: text("type").$type<WebhookMessageType>().notNull(),
    payload: text("payload").notNull(),
    createdAt: ts("created_at").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: ts("next_attempt_at"),
    /** A dispatcher's claim: no other dispatcher sends it before this instant. */
    claimedUntil: ts("claimed_until"),
    lastAttemptAt: ts("last_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    // The dispatcher's claim: pending rows due first. Partial, so delivered history costs it nothing.
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'pending'`),
    // An endpoint's delivery log, newest first, keyset-paginated.
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt, t.id),
    // Cleanup of old finished deliveries.
    index("webhook_deliveries_created_at_idx").on(t.createdAt),
  ],
);

export const schema = {
  users,
  sessions,
  auditEvents,
  apiKeys,
  sessionLiveCounts,
  sessionCreatedCounts,
  userLiveUntil,
  signInAttempts,
  webhookEndpoints,
  webhookDeliveries,
};
