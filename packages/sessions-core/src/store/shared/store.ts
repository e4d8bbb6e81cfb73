// A SessionsStore from a dialect: the shared operations, run by the dialect's runner, plus the
// methods that stay per dialect (the prepared hot-path lookups, bulk load, ping, close).
import { guardStore, type FaultOptions } from "../faults.js";
import type {
  AuditRecord,
  Batch,
  ChangeFeed,
  Dialect,
  InsertSessionResult,
  SessionRecord,
  SessionsStore,
} from "../store.js";
import type { Context } from "./context.js";
import * as ops from "./operations.js";
import * as wh from "./webhook-operations.js";
import type { Operation } from "./steps.js";

/** How a dialect runs a shared operation. */
export interface Runner {
  /** Outside any transaction: one statement (a read, or a lone conditional write) needs none. */
  direct<T>(operation: (x: Context) => Operation<T>): Promise<T>;
  /** In one write transaction. */
  write<T>(operation: (x: Context) => Operation<T>): Promise<T>;
  /** In one read transaction, so several reads see one snapshot. */
  snapshot<T>(operation: (x: Context) => Operation<T>): Promise<T>;
  /**
   * A read that may take long (an admin's filtered list or count, a page of an export): like
   * direct, but where the dialect's calls hold the event loop (SQLite) on connections of its own
   * off the main thread (sqlite/read-pool.ts), so no validation waits for it.
   */
  read<T>(operation: (x: Context) => Operation<T>): Promise<T>;
  /**
   * One batch of a bulk change (revoke by filter, prune): like write, but where the dialect's calls
   * hold the event loop (SQLite) on a writer connection off the main thread (sqlite/bulk-writer.ts).
   */
  bulk<T>(operation: (x: Context) => Operation<T>): Promise<T>;
}

export type OwnMethods = Pick<
  SessionsStore,
  | "insertSessionsBulk"
  | "findSessionByTokenHash"
  | "touchSession"
  | "getUserById"
  | "getUserByEmail"
  | "getSession"
  | "findApiKeyByHash"
  | "ping"
  | "refreshStatistics"
  | "tryJobLock"
  | "close"
>;

export interface DialectStore {
  dialect: Dialect;
  changeFeed: ChangeFeed | null;
  run: Runner;
  isUniqueViolation: (error: unknown) => boolean;
  /**
   * insertSession where no session limit bounds it, when the dialect can do it in fewer round trips
   * than the shared operation's transaction (Postgres: one statement). Same results, same locking.
   */
  insertSessionAtOnce?: (session: SessionRecord, audit: AuditRecord | null) => Promise<InsertSessionResult>;
  own: OwnMethods;
  /** Faults become UnavailableError (store/faults.ts); a deadline bounds each call where one is set. */
  faults: FaultOptions;
}

export function createStore({
  dialect,
  changeFeed,
  run,
  isUniqueViolation,
  insertSessionAtOnce,
  own,
  faults,
}: DialectStore): SessionsStore {
  return guardStore(
    storeOf({ dialect, changeFeed, run, isUniqueViolation, insertSessionAtOnce, own }),
    faults,
  );
}

/** A job's first batch: nothing done yet, no cursor, its first stage. */
const firstBatch = (batch: Batch) => batch.countBefore === 0 && batch.after === null && !batch.stage;

function storeOf({
  dialect,
  changeFeed,
  run,
  isUniqueViolation,
  insertSessionAtOnce,
  own,
}: Omit<DialectStore, "faults">): Omit<SessionsStore, "faultState"> {
  /**
   * A bulk change's batch runs where the dialect runs batches (run.bulk); without one, as any
   * write. So does a job's first batch: it is small (BULK_BATCH rows, a millisecond or two on
   * SQLite's event loop) and most jobs end with it (one user's sessions), where the bulk writer's
   * round trips would only add to it (revokeUserSessions of 10 sessions at 1M, SQLite: median
   * 1.2 ms inline, 1.6-1.8 ms on the writer thread).
   */
  const batchOrWrite = <T>(batch: Batch | undefined, operation: (x: Context) => Operation<T>) =>
    batch && !firstBatch(batch) ? run.bulk(operation) : run.write(operation);
  return {
    dialect,
    changeFeed,
    ...own,

    async insertUser(user, audit) {
      try {
        await run.write((x) => ops.insertUser(x, user, audit));
        return { ok: true };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false, error: "email_taken" };
        throw error;
      }
    },
    listUsers: (query) => run.read((x) => ops.listUsers(x, query)),
    countActiveSessionsByUser: (userIds, scope) =>
      run.direct((x) => ops.countActiveSessionsByUser(x, userIds, scope)),
    setUserStatus: (userId, status, at, revocation, audit, guard, revokeLimit) =>
      run.write((x) => ops.setUserStatus(x, userId, status, at, revocation, audit, guard, revokeLimit)),
    setUserRole: (userId, role, at, audit, guard) =>
      run.write((x) => ops.setUserRole(x, userId, role, at, audit, guard)),

    // A limit on app sessions needs the owner's sessions counted in the transaction (ops.insertSession).
    insertSession: (session, audit, limit) =>
      insertSessionAtOnce && !ops.limitBounds(session, limit)
        ? insertSessionAtOnce(session, audit)
        : run.write((x) => ops.insertSession(x, session, audit, limit)),
    listSessions: (query) => run.read((x) => ops.listSessions(x, query)),
    countSessions: (filter, scope, limit) => run.read((x) => ops.countSessions(x, filter, scope, limit)),
    countSessionsIfCheap: (filter, scope) => run.read((x) => ops.cheapCount(x, filter, scope)),
    sessionsCreatedSpan: () => run.read((x) => ops.sessionsCreatedSpan(x)),
    countAllUsers: () => run.read((x) => ops.countAllUsers(x)),
    userKeyAfter: (after, skip) => run.read((x) => ops.userKeyAfter(x, after, skip)),
    revokeSessions: (selector, revocation, audit, batch) =>
      batchOrWrite(batch, (x) => ops.revokeSessions(x, selector, revocation, audit, batch)),
    // One snapshot for every figure, so they agree with each other.
    sessionStats: (query) => run.snapshot((x) => ops.sessionStats(x, query)),
    prune: (cutoff, audit, batch) => batchOrWrite(batch, (x) => ops.prune(x, cutoff, audit, batch)),
    countPrunable: (cutoff) => run.snapshot((x) => ops.countPrunable(x, cutoff)),
    pruneAudit: (before, audit, batch) => batchOrWrite(batch, (x) => ops.pruneAudit(x, before, audit, batch)),
    renewSessionAuthentication: (sessionId, kind, at, method, audit) =>
      run.write((x) => ops.renewSessionAuthentication(x, sessionId, kind, at, method, audit)),

    setPasswordHash: (userId, previous, hash, at, audit) =>
      run.write((x) => ops.setPasswordHash(x, userId, previous, hash, at, audit)),

    // One statement each: the upsert is atomic on its own, so concurrent attempts get distinct counts.
    countSignInAttempt: (email, address, at, restartBefore) =>
      run.direct((x) => ops.countSignInAttempt(x, email, address, at, restartBefore)),
    clearSignInAttempts: (email, address) => run.direct((x) => ops.clearSignInAttempts(x, email, address)),
    pruneSignInAttempts: (before, limit) => run.direct((x) => ops.pruneSignInAttempts(x, before, limit)),

    insertAuditEvent: (audit) => run.direct((x) => ops.insertAuditEvent(x, audit)),
    listAudit: (query) => run.read((x) => ops.listAudit(x, query)),

    insertApiKey: (key, audit) => run.write((x) => ops.insertApiKey(x, key, audit)),
    getApiKeyById: (id) => run.direct((x) => ops.getApiKeyById(x, id)),
    listApiKeys: () => run.direct((x) => ops.listApiKeys(x)),
    revokeApiKey: (id, at, audit) => run.write((x) => ops.revokeApiKey(x, id, at, audit)),
    touchApiKey: (id, at, staleBefore) => run.direct((x) => ops.touchApiKey(x, id, at, staleBefore)),

    insertWebhookEndpoint: (endpoint, audit, max) =>
      run.write((x) => wh.insertWebhookEndpoint(x, endpoint, audit, max)),
    getWebhookEndpoint: (id) => run.direct((x) => wh.getWebhookEndpoint(x, id)),
    listWebhookEndpoints: () => run.direct((x) => wh.listWebhookEndpoints(x)),
    updateWebhookEndpoint: (id, patch, at, audit) =>
      run.write((x) => wh.updateWebhookEndpoint(x, id, patch, at, audit)),
    deleteWebhookEndpoint: (id, audit) => run.write((x) => wh.deleteWebhookEndpoint(x, id, audit)),
    listWebhookDeliveries: (endpointId, limit, after) =>
      run.direct((x) => wh.listWebhookDeliveries(x, endpointId, limit, after)),
    getWebhookDelivery: (id) => run.direct((x) => wh.getWebhookDelivery(x, id)),
    redeliverWebhook: (id, at, audit) => run.write((x) => wh.redeliverWebhook(x, id, at, audit)),
    enqueueWebhookMessage: (endpointId, type, data, at, audit) =>
      run.write((x) => wh.enqueueWebhookMessage(x, endpointId, type, data, at, audit)),
    anyWebhookDue: (now) => run.direct((x) => wh.anyWebhookDue(x, now)),
    claimWebhookDeliveries: (now, until, limit) =>
      run.write((x) => wh.claimWebhookDeliveries(x, now, until, limit)),
    recordWebhookAttempt: (attempt, disableBefore, disableAudit) =>
      run.write((x) => wh.recordWebhookAttempt(x, attempt, disableBefore, disableAudit)),
    pruneWebhookDeliveries: (before, limit) => run.write((x) => wh.pruneWebhookDeliveries(x, before, limit)),
  };
}
