// The domain's vocabulary: every role, status, sort key, scope, audit action and input limit, once.
// No imports at all, on purpose: the console bundles this file, and anything it imported (zod,
// drizzle, better-sqlite3) would ride along. domain/types.ts and domain/inputs.ts derive their
// unions and schemas from these arrays, so a value added here is accepted everywhere at once, and a
// console keyed by these types stops compiling until it says how to show the new value.

/** Operators (admin, viewer) use the console; end users (user) are whose sessions services manage. */
export const USER_ROLES = ["admin", "viewer", "user"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const OPERATOR_ROLES = ["admin", "viewer"] as const satisfies readonly UserRole[];
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const USER_STATUSES = ["active", "disabled"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * Two kinds of session, never interchangeable: console sessions are made only by auth.login and
 * only they authenticate the console; app sessions are made only by sessions.create and only they
 * validate for services. A service credential therefore can never become a console sign-in.
 */
export const SESSION_KINDS = ["console", "app"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SESSION_STATUSES = ["active", "expired", "revoked"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
/** What a list may be filtered to: one status, or every session. */
export const SESSION_STATUS_FILTERS = [...SESSION_STATUSES, "all"] as const;
export type SessionStatusFilter = (typeof SESSION_STATUS_FILTERS)[number];

export const SESSION_SORT_KEYS = ["createdAt", "lastSeenAt", "expiresAt"] as const;
export type SessionSortKey = (typeof SESSION_SORT_KEYS)[number];
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
/** What the users list sorts by: when they joined, or their email (A–Z). */
export const USER_SORT_KEYS = ["createdAt", "email"] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

export const API_KEY_SCOPES = [
  "sessions:read",
  "sessions:revoke",
  "sessions:issue",
  "users:read",
  "users:write",
  "audit:read",
  /** GET /metrics (Prometheus): counts only, never a session, user or token. */
  "metrics:read",
  "keys:manage",
  /** webhooks.*: endpoints (their signing secrets) and their deliveries. */
  "webhooks:manage",
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * What a sessions.validate call found, for metrics: valid, or why not. unknown covers every token no
 * app session has (malformed, never issued, pruned, or a console sign-in's).
 */
export const VALIDATION_RESULTS = [
  "valid",
  "unknown",
  "expired",
  "idle",
  "revoked",
  "user_disabled",
] as const;
export type ValidationResult = (typeof VALIDATION_RESULTS)[number];

/**
 * Why a session ended, stored on the row (end_reason) and shown in the console, the audit log and
 * the sessions_ended_total metric. Each is the one operation that ends sessions that way:
 * logout (auth.logout, sessions.end), revoked (sessions.revoke, sessions.revokeOwn), user_revoked
 * (sessions.revokeForUser), bulk (sessions.revokeMany), user_disabled (users.setStatus), limit
 * (evicted by MAX_SESSIONS_PER_USER), others_revoked (sessions.revokeOthers), password_reset (the
 * CLI's admin reset-password). Expiry and idling out are not here: they are derived statuses, and
 * such a session never had an end written.
 */
export const SESSION_END_REASONS = [
  "logout",
  "revoked",
  "user_revoked",
  "bulk",
  "user_disabled",
  "limit",
  "others_revoked",
  "password_reset",
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** What MAX_SESSIONS_PER_USER does when a new app session would exceed it. */
export const SESSION_LIMIT_POLICIES = ["evict_oldest", "deny"] as const;
export type SessionLimitPolicy = (typeof SESSION_LIMIT_POLICIES)[number];

/** Every action the service writes to the audit log. */
export const AUDIT_ACTIONS = [
  "session.created",
  "session.revoked",
  "session.ended",
  /** An app session ended to make room under MAX_SESSIONS_PER_USER (end reason limit). */
  "session.evicted",
  /** A service recorded that the user authenticated again (sessions.reauthenticated). */
  "session.reauthenticated",
  "user.sessions_revoked",
  "sessions.revoked_many",
  "sessions.pruned",
  "audit.pruned",
  "sessions.exported",
  "audit.exported",
  "user.created",
  "user.disabled",
  "user.enabled",
  "user.role_changed",
  "api_key.created",
  "api_key.revoked",
  "auth.login_failed",
  "auth.reauthenticated",
  "auth.reauth_failed",
  "user.password_rehashed",
  "user.password_reset",
  "webhook.created",
  "webhook.updated",
  "webhook.deleted",
  /** The dispatcher turned an endpoint off after WEBHOOK_DISABLE_AFTER of failed deliveries. */
  "webhook.disabled",
  "webhook.redelivered",
  "webhook.tested",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
/**
 * What the audit log may be filtered by. Any text is accepted, not only a known action: a filter
 * naming an action no event has (an old bookmark, a typo) lists nothing rather than failing.
 * `string & {}` keeps editors suggesting the known actions.
 */
export type AuditActionFilter = AuditAction | (string & {});

/** Who acted: a console user, a service's API key, the server itself (jobs), or the ops CLI on the host. */
export const AUDIT_ACTOR_TYPES = ["user", "api_key", "system", "cli"] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];
export const AUDIT_TARGET_TYPES = ["session", "user", "api_key", "webhook"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/**
 * What a webhook endpoint may subscribe to. session.ended covers every explicit end (its data names
 * the end reason) except a bulk revoke's sessions, which are one sessions.bulk_revoked per batch
 * (count and filter) rather than thousands of messages; expiry is not an event (no end is written).
 */
export const WEBHOOK_EVENT_TYPES = [
  "session.created",
  "session.ended",
  "user.disabled",
  "user.enabled",
  "sessions.bulk_revoked",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** What webhooks.test sends; never subscribed to, always delivered to the endpoint tested. */
export const WEBHOOK_TEST_EVENT = "webhook.test";
export type WebhookMessageType = WebhookEventType | typeof WEBHOOK_TEST_EVENT;

/** pending: to be sent (or retried); delivered: a 2xx came back; failed: the retry schedule ran out. */
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** The input limits domain/inputs.ts enforces; the console trims and checks with the same numbers. */
export const LIMITS = {
  /** Page size of every list. */
  pageSize: { min: 1, max: 200, default: 50 },
  id: 100,
  cursor: 500,
  reason: 500,
  email: 320,
  /** Email substring filter and user search. */
  search: 320,
  name: 200,
  password: { min: 8, max: 200 },
  ip: 64,
  browser: 100,
  os: 100,
  userAgent: 1000,
  /** Audit filters (action, actor, target). */
  auditFilter: 100,
  apiKeyName: 100,
  /** sessions.create's and sessions.reauthenticated's authMethod label ("password", "passkey", …). */
  authMethod: 40,
  /** sessions.validate's maxAuthAge, in seconds (a year). */
  maxAuthAgeSeconds: 31_536_000,
  /** MAX_SESSIONS_PER_USER's largest value. */
  maxSessionsPerUser: 10_000,
  /** Longest life an API key may be given at creation, in days. */
  apiKeyExpiryDays: 3650,
  /**
   * "N matching" counts exactly up to this and answers "10,000+" past it: a person reads the
   * difference between 12,000 and 480,000 from the list itself, and counting a substring search
   * over a million sessions exactly took 2.9 s (issue 16). A bulk revoke's dry run counts exactly.
   */
  matchingCount: 10_000,
  webhookUrl: 2000,
  webhookDescription: 200,
  /** Endpoints per deployment: each is written to on every change it subscribes to. */
  webhookEndpoints: 50,
} as const;
