export { createSessionsService, actorLabel } from "./service/index.js";
export type {
  SessionsService,
  SessionsServiceOptions,
  RevokeOptions,
  DispatchResult,
  WebhookRequest,
  WebhookSend,
  WebhookSendResult,
} from "./service/index.js";
export {
  WEBHOOK_SECRET_PREFIX,
  createWebhookSchema,
  updateWebhookSchema,
  deliveryIdSchema,
  isPublicAddress,
} from "./domain/webhooks.js";
export { MigrationsPendingError } from "./store/migration-state.js";
export { CLEANUP_JOB } from "./service/maintenance.js";
export type { CleanupOptions, CleanupPreview, CleanupResult } from "./service/maintenance.js";
export type { BestEffortWrite, ServiceMetrics } from "./service/context.js";
export type { ExportRecord } from "./service/audit.js";
export { openStore, parseDatabaseUrl, DEFAULT_DATABASE_URL } from "./store/open.js";
export type { StoreTarget, OpenStoreOptions } from "./store/open.js";
export { openSqliteStore, createSqliteStore } from "./store/sqlite/store.js";
export { openPostgresStore, postgresMigrationsFolder } from "./store/postgres/open.js";
export { createPostgresStore } from "./store/postgres/store.js";
export type { PgDb } from "./store/postgres/store.js";
export type {
  SessionsStore,
  BulkBatch,
  Dialect,
  SessionRecord,
  UserRecord,
  ChangeFeed,
  ChangeMessage,
} from "./store/store.js";
export { encodeCursor } from "./domain/cursor.js";
export {
  WINDOW_TUNING,
  type CountProgress,
  type WindowTuning,
  type WindowedCountOptions,
} from "./service/windowed-count.js";
export type { RevokePreviewOptions } from "./service/sessions.js";
export { systemClock } from "./domain/clock.js";
export type { Clock } from "./domain/clock.js";
export { DEFAULT_CONFIG, resolveConfig } from "./domain/config.js";
export type { SessionsConfig, SessionsConfigInput, WebhookConfig } from "./domain/config.js";
export {
  SessionsError,
  ValidationError,
  ConflictError,
  NotFoundError,
  ForbiddenError,
  ReauthRequiredError,
  UnavailableError,
  ConfigError,
} from "./domain/errors.js";
export type { ErrorIssue, UnavailableReason } from "./domain/errors.js";
export { faultReason } from "./store/faults.js";
export * from "./domain/inputs.js";
export * from "./domain/types.js";
export * from "./vocab.js";
export { hashToken, tokenPreview, API_KEY_PREFIX } from "./domain/tokens.js";
export type { RandomSource } from "./domain/tokens.js";
export { parseUserAgent } from "./domain/user-agent.js";
export {
  PASSWORD_HASHING,
  LEGACY_PASSWORD_HASHING,
  hashParams,
  type ScryptParams,
} from "./domain/password.js";
export { SIGN_IN_LIMITS, SIGN_IN_FAILURES, type SignInFailure } from "./domain/sign-in.js";
export type { ReauthInput, ReauthResult, SignInInput, SignInResult } from "./service/sign-in.js";
