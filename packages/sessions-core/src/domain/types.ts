// The shapes the service accepts and returns. Everything is camelCase; no shape here can hold a raw token
// except CreatedSession, which exists only in createSession's result.

import type {
  ApiKeyScope,
  AuditAction,
  AuditActionFilter,
  AuditActorType,
  AuditTargetType,
  SessionEndReason,
  SessionKind,
  SessionLimitPolicy,
  SessionSortKey,
  SessionStatus,
  SessionStatusFilter,
  SortDirection,
  UserRole,
  UserSortKey,
  UserStatus,
  WebhookDeliveryStatus,
  WebhookEventType,
  WebhookMessageType,
} from "../vocab.js";

// The vocabulary is defined once in vocab.ts (dependency-free, so the console can bundle it) and
// re-exported here, where the rest of the domain has always found it.
export {
  API_KEY_SCOPES,
  AUDIT_ACTIONS,
  SESSION_KINDS,
  SESSION_SORT_KEYS,
  SESSION_STATUS_FILTERS,
  USER_ROLES,
  USER_SORT_KEYS,
  USER_STATUSES,
} from "../vocab.js";
export { SESSION_END_REASONS, SESSION_LIMIT_POLICIES } from "../vocab.js";
export type {
  SessionEndReason,
  SessionLimitPolicy,
  ApiKeyScope,
  AuditAction,
  AuditActionFilter,
  AuditActorType,
  AuditTargetType,
  SessionKind,
  SessionSortKey,
  SessionStatus,
  SessionStatusFilter,
  SortDirection,
  UserRole,
  UserSortKey,
  UserStatus,
} from "../vocab.js";

/** Who performs a change; recorded on revocations and in every audit event. */
export type Actor =
  | { type: "user"; id: string }
  | { type: "api_key"; id: string }
  | { type: "system"; id?: undefined }
  | { type: "cli"; id?: undefined };

/** Caller facts an operation needs besides its input: for auditing and for isCurrent. */
export interface CallContext {
  actor?: Actor;
  ip?: string | null;
  /** The caller's own session id (console sign-in); makes isCurrent true on that session. */
  currentSessionId?: string | null;
  /**
   * When the caller's console sign-in last checked its password (from its session, by the API).
   * Dangerous changes by a user actor need it within CONSOLE_REAUTH_WINDOW; absent means never.
   */
  authenticatedAt?: Date | null;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  status: UserStatus;
  confirmedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The user as embedded in session info. */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  status: UserStatus;
  role: UserRole;
}

export interface SessionInfo {
  /** The public handle (the seed's token_uuid). Never the token. */
  id: string;
  /** First 8 hex chars of SHA-256(token): tells sessions apart without revealing them. */
  tokenPreview: string;
  /** console: an operator's sign-in (auth.login); app: issued to a service (sessions.create). */
  kind: SessionKind;
  user: SessionUser;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  /**
   * When the user last authenticated for this session. Console sign-ins: the password check
   * (sign-in or reauthentication). App sessions: what the issuing service said (sessions.create's
   * authenticatedAt, default its creation; sessions.reauthenticated).
   */
  authenticatedAt: Date | null;
  /** How, as the service labelled it ("password", "passkey", "sso", …); null when not said. */
  authMethod: string | null;
  ageSeconds: number;
  status: SessionStatus;
  isValid: boolean;
  isCurrent: boolean;
  ip: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: string | null;
  /** When it ended (logout or revocation); null while live. Expiry is a status, not an end. */
  endedAt: Date | null;
  /** Why it ended (SESSION_END_REASONS); null while live. */
  endReason: SessionEndReason | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SessionFilter {
  userId?: string;
  /** Case-insensitive substring of the user's email; % and _ match themselves. */
  email?: string;
  status?: SessionStatusFilter;
  createdFrom?: Date;
  createdTo?: Date;
  ip?: string;
  browser?: string;
  os?: string;
  kind?: SessionKind;
  /** Ended sessions that ended this way (a revoked list narrowed to, say, limit evictions). */
  endReason?: SessionEndReason;
}

export interface SessionSort {
  by: SessionSortKey;
  dir: SortDirection;
}

export interface ListSessionsInput {
  limit?: number;
  cursor?: string | null;
  filter?: SessionFilter;
  sort?: SessionSort;
}

export type RevokeResult = { ok: true } | { ok: false; error: "not_found" };

export interface CountByName {
  name: string;
  count: number;
}

export interface DayCount {
  /** Local calendar day in the configured timezone, YYYY-MM-DD. */
  date: string;
  count: number;
}

export interface SessionStats {
  totalActive: number;
  uniqueUsers: number;
  /** Expired but not yet pruned (and not revoked). */
  expiredSessions: number;
  sessionsToday: number;
  revokedToday: number;
  byBrowser: CountByName[];
  byOs: CountByName[];
  /** Oldest first, 30 entries ending today, zero-filled. */
  createdPerDay: DayCount[];
  timezone: string;
  generatedAt: Date;
}

export interface CreateSessionInput {
  userId: string;
  ip?: string | null;
  userAgent?: string | null;
  /** When the user authenticated for this session (default: now); never in the future. */
  authenticatedAt?: Date | null;
  /** How ("password", "passkey", "sso", …): a short label of the service's own. */
  authMethod?: string | null;
}

export interface CreatedSession {
  /** The raw token. Returned here once and never stored or returned again. */
  token: string;
  session: SessionInfo;
}

export interface ValidatedSession {
  session: SessionInfo;
  user: User;
  /**
   * Whether the user authenticated within the maxAuthAge the caller asked for (always true without
   * one): a service asks before a sensitive action and sends the user to authenticate again if not.
   */
  fresh: boolean;
}

export interface CreateUserInput {
  email: string;
  name?: string | null;
  role?: UserRole;
  password?: string | null;
  status?: UserStatus;
}

export interface UserWithSessionCount extends User {
  activeSessions: number;
}

/** One user as the console's user page shows it. */
export interface UserDetail extends UserWithSessionCount {
  /** MAX_SESSIONS_PER_USER and the active app sessions it counts ("3 of 3 allowed"); null = no limit. */
  sessionLimit: { max: number; appSessions: number; policy: SessionLimitPolicy } | null;
}

export interface ListUsersInput {
  search?: string;
  status?: UserStatus;
  role?: UserRole;
  /** Default: newest first ({ by: "createdAt", dir: "desc" }). */
  sort?: { by?: UserSortKey; dir?: SortDirection };
  limit?: number;
  cursor?: string | null;
}

export type SetUserStatusResult =
  { ok: true; user: User; revokedSessions: number } | { ok: false; error: "not_found" };

/** "N matching": exact, or a lower bound (exact false) when counting would take long. */
export interface MatchingCount {
  /** The number of matches, or LIMITS.matchingCount when there are more ("10,000+"). */
  count: number;
  exact: boolean;
}

export interface RevokeManyResult {
  /**
   * How many sessions the filter matches. A dry run counts them; a revocation reports how many it
   * revoked (every match), without a separate count: counting a large match is itself a scan that
   * would hold the database before the batches even start.
   */
  matched: number;
  revoked: number;
  /** Up to 10 of the matching sessions, as they were before the revoke. */
  sample: SessionInfo[];
}

export interface AuditEvent {
  id: string;
  at: Date;
  actorType: AuditActorType;
  actor: string;
  action: AuditAction;
  targetType: AuditTargetType | null;
  target: string | null;
  ip: string | null;
  reason: string | null;
  count: number | null;
  data: Record<string, unknown> | null;
  /** The actor's email (users) or name (API keys), looked up when listed; null for system or deleted. */
  actorName: string | null;
  /** The target user's email when the target is a user; null otherwise. */
  targetName: string | null;
}

export interface ListAuditInput {
  action?: AuditActionFilter;
  actor?: string;
  target?: string;
  /** Events at or after this instant. */
  from?: Date;
  /** Events before this instant. */
  to?: Date;
  limit?: number;
  cursor?: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  /** First 8 hex chars of the key's hash, like tokenPreview. */
  keyPreview: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Refused from this instant on; null = never expires. */
  expiresAt: Date | null;
  /** The key that made this key (null: an operator made it); revoking that key revoked this one. */
  parentKeyId: string | null;
}

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  /** Days until the key is refused; omitted = no expiry (a key's child: its parent's expiry). */
  expiresInDays?: number | null;
}

export interface SetUserRoleResult {
  ok: true;
  user: User;
}

export interface CreatedApiKey {
  /** The raw key, shown once. */
  key: string;
  apiKey: ApiKey;
}

/** What changed, for live views (the API turns these into its SSE events). Never carries a token. */
export type SessionsEvent =
  | { type: "session.created"; sessionId: string; userId: string }
  | { type: "session.revoked"; sessionId: string; userId: string | null }
  | { type: "user.sessions_revoked"; userId: string; count: number }
  | { type: "sessions.revoked_many"; count: number }
  | { type: "user.status_changed"; userId: string; status: UserStatus; revokedSessions: number }
  | { type: "sessions.pruned"; count: number };

/** A webhook endpoint as the service returns it: never its secret, which only creation returns. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  enabled: boolean;
  /**
   * active: on and delivering; failing: on, its last deliveries failed (since failingSince);
   * disabled: off, by an admin or (disabledReason "failing") by the dispatcher after
   * WEBHOOK_DISABLE_AFTER of failures.
   */
  status: "active" | "failing" | "disabled";
  disabledReason: string | null;
  failingSince: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreatedWebhook {
  endpoint: WebhookEndpoint;
  /** The Standard Webhooks signing secret (whsec_…), in this response only. */
  secret: string;
}

export interface WebhookDelivery {
  /** The webhook-id header: the same on every retry and redelivery. */
  id: string;
  endpointId: string;
  type: WebhookMessageType;
  /** The JSON body as signed and sent. */
  payload: string;
  createdAt: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}
