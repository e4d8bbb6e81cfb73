// SQLite schema. Must keep the same table names, column names and JS types as ../postgres/schema.ts:
// the store contract suite runs the same assertions against both.
// Timestamps are integer milliseconds (mode "timestamp_ms") so they map to Date like Postgres timestamptz(3).
import { sql } from "drizzle-orm";
import type { ApiKeyScope } from "../../domain/types.js";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name"),
    role: text("role", { enum: ["admin", "viewer", "user"] }).notNull(),
    status: text("status", { enum: ["active", "disabled"] }).notNull(),
    confirmedAt: ts("confirmed_at"),
    passwordHash: text("password_hash"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email), index("users_created_at_idx").on(t.createdAt, t.id)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    browser: text("browser"),
    os: text("os"),
    deviceType: text("device_type"),
    revokedAt: ts("revoked_at"),
    revokedBy: text("revoked_by"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    uniqueIndex("sessions_token_hash_key").on(t.tokenHash),
    // One index per keyset order (sort column, id); user_id leads the per-user list and revokes.
    index("sessions_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("sessions_created_at_idx").on(t.createdAt, t.id),
    index("sessions_last_seen_at_idx").on(t.lastSeenAt, t.id),
    index("sessions_expires_at_idx").on(t.expiresAt, t.id),
    // Live (unrevoked) sessions by expiry: counts of active and expired sessions and the stats
    // read only this index, never the revoked rows.
    index("sessions_live_expires_idx")
      .on(t.expiresAt)
      .where(sql`${t.revokedAt} is null`),
    index("sessions_revoked_at_idx")
      .on(t.revokedAt)
      .where(sql`${t.revokedAt} is not null`),
    index("sessions_browser_idx").on(t.browser, t.createdAt, t.id),
    index("sessions_os_idx").on(t.os, t.createdAt, t.id),
    index("sessions_ip_idx").on(t.ip, t.createdAt, t.id),
  ],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    at: ts("at").notNull(),
    actorType: text("actor_type", { enum: ["user", "api_key", "system"] }).notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type", { enum: ["session", "user", "api_key"] }),
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
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index("api_keys_created_at_idx").on(t.createdAt, t.id),
  ],
);

export const schema = { users, sessions, auditEvents, apiKeys };
