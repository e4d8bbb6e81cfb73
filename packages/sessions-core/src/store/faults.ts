// Faults, told apart from bugs. A driver error that means "the database cannot do this now" (down,
// restarting, too slow, locked by another process, out of disk) becomes an UnavailableError, which
// the API answers with 503 and Retry-After; anything else stays what it was (a bug: 500). Decided
// here once, for both dialects, by walking the error's cause chain (drizzle wraps the driver's
// error in a DrizzleQueryError whose message carries the SQL and its parameters).
import { UnavailableError, type UnavailableReason } from "../domain/errors.js";
import type { SessionsStore } from "./store.js";

/** Node socket errors and postgres.js's own connection errors. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

function reasonOfCode(code: string): UnavailableReason | null {
  if (UNREACHABLE_CODES.has(code)) return "unreachable";
  // SQLite (better-sqlite3's SqliteError codes, extended ones included).
  if (code === "SQLITE_FULL") return "storage_full";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "busy";
  if (
    code.startsWith("SQLITE_IOERR") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_READONLY")
  )
    return "unreachable";
  // Postgres SQLSTATEs: 53100 disk full; 53xxx out of resources (too many connections, memory);
  // 57014 statement timeout or cancel; 57P01-03 shutting down, crashed, starting up; 08xxx the
  // connection failed; 40001/40P01 serialization failure and deadlock (a retry succeeds); 25006 a
  // write in a read-only transaction (a standby, or default_transaction_read_only).
  if (code === "53100") return "storage_full";
  if (code === "25006") return "read_only";
  if (code.startsWith("53")) return "busy";
  if (code === "57014") return "timeout";
  if (/^57P0[1-3]$/.test(code) || code.startsWith("08")) return "unreachable";
  if (code === "40001" || code === "40P01") return "busy";
  return null;
}

/** The fault an error means, or null when it is not one (a bug, or a rule the store enforces). */
export function faultReason(error: unknown): UnavailableReason | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof UnavailableError) return current.reason;
    const code: unknown = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      const reason = reasonOfCode(code);
      if (reason) return reason;
    }
    current = current.cause;
  }
  return null;
}

/** The error to throw for `error`: an UnavailableError when it is a fault, else itself (as an Error). */
export function asFault(error: unknown): Error {
  if (error instanceof UnavailableError) return error;
  const reason = faultReason(error);
  if (reason) return new UnavailableError(reason, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * What each store method does, for the guard: reads; writes (whose storage_full faults make the
 * store report itself unwritable until a write succeeds again); and bulk writes that may rightly
 * run long (bulk loads), which get no deadline, so a big but healthy job is
 * not cut off (Postgres' statement_timeout still bounds each statement). Keyed by every method, so
 * a method added to SessionsStore does not compile until it says which it is.
 */
const METHOD_KINDS: Record<
  Exclude<keyof SessionsStore, "dialect" | "changeFeed" | "close" | "faultState">,
  "read" | "write" | "bulk"
> = {
  insertUser: "write",
  getUserById: "read",
  getUserByEmail: "read",
  listUsers: "read",
  countActiveSessionsByUser: "read",
  setUserStatus: "write",
  setUserRole: "write",
  insertSession: "write",
  insertSessionsBulk: "bulk",
  findSessionByTokenHash: "read",
  touchSession: "write",
  getSession: "read",
  listSessions: "read",
  countSessions: "read",
  countSessionsIfCheap: "read",
  sessionsCreatedSpan: "read",
  countAllUsers: "read",
  userKeyAfter: "read",
  // Bulk jobs call these a batch at a time (service/batches.ts), so each call is short.
  revokeSessions: "write",
  sessionStats: "read",
  prune: "write",
  countPrunable: "read",
  pruneAudit: "write",
  tryJobLock: "write",
  renewSessionAuthentication: "write",
  setPasswordHash: "write",
  countSignInAttempt: "write",
  clearSignInAttempts: "write",
  pruneSignInAttempts: "write",
  insertAuditEvent: "write",
  listAudit: "read",
  insertApiKey: "write",
  findApiKeyByHash: "read",
  getApiKeyById: "read",
  listApiKeys: "read",
  revokeApiKey: "write",
  touchApiKey: "write",
  insertWebhookEndpoint: "write",
  getWebhookEndpoint: "read",
  listWebhookEndpoints: "read",
  updateWebhookEndpoint: "write",
  deleteWebhookEndpoint: "write",
  listWebhookDeliveries: "read",
  getWebhookDelivery: "read",
  redeliverWebhook: "write",
  enqueueWebhookMessage: "write",
  anyWebhookDue: "read",
  claimWebhookDeliveries: "write",
  recordWebhookAttempt: "write",
  pruneWebhookDeliveries: "write",
  refreshStatistics: "bulk",
  ping: "read",
};

const isMethod = (name: string): name is keyof typeof METHOD_KINDS => Object.hasOwn(METHOD_KINDS, name);

export interface FaultOptions {
  /**
   * How long one store call may take before the caller gets an UnavailableError("timeout"), or
   * null for none (SQLite: its calls are synchronous under the hood, and busy_timeout bounds lock
   * waits). What was sent still runs to its end on the server; only the caller stops waiting.
   */
  deadlineMs: number | null;
}

/** What the guard has seen: /readyz reports a store that cannot write as not ready. */
export interface FaultState {
  /**
   * When a write last failed for want of space, unless a write has succeeded since. /readyz holds
   * an instance out for a while after it (and lets it back to find out), so one freed disk is
   * noticed without a restart even when no traffic reaches the instance to prove it.
   */
  storageFullAt: Date | null;
}

/** The store with every method's faults classified (and, with a deadline, bounded in time). */
export function guardStore(
  store: Omit<SessionsStore, "faultState">,
  { deadlineMs }: FaultOptions,
): SessionsStore {
  const state: FaultState = { storageFullAt: null };
  const guarded: Record<string, unknown> = { faultState: (): FaultState => ({ ...state }) };
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== "function" || !isMethod(name)) {
      if (!(name in guarded)) guarded[name] = value;
      continue;
    }
    const kind = METHOD_KINDS[name];
    const method = value as (...args: unknown[]) => Promise<unknown>;
    const deadline = deadlineMs !== null && kind !== "bulk" ? deadlineMs : null;
    const call = deadline === null ? classified(method) : bounded(method, deadline);
    guarded[name] =
      kind === "read"
        ? call
        : async (...args: unknown[]) => {
            try {
              const result = await call(...args);
              state.storageFullAt = null;
              return result;
            } catch (error) {
              if (error instanceof UnavailableError && error.reason === "storage_full")
                state.storageFullAt = new Date();
              throw error;
            }
          };
  }
  return guarded as unknown as SessionsStore;
}

function classified(method: (...args: unknown[]) => Promise<unknown>) {
  return async (...args: unknown[]) => {
    try {
      return await method(...args);
    } catch (error) {
      throw asFault(error);
    }
  };
}

function bounded(method: (...args: unknown[]) => Promise<unknown>, deadlineMs: number) {
  return (...args: unknown[]) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new UnavailableError("timeout")), deadlineMs);
      // Promise.resolve: a method that throws before its first await rejects here the same way.
      Promise.resolve()
        .then(() => method(...args))
        .then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(asFault(error));
          },
        );
    });
}
