// The webhook endpoints and their deliveries, written once for both dialects. The outbox rows
// themselves are written by the changes that cause them (outbox.ts); these are the endpoints'
// management and the dispatcher's reads and writes. Claiming differs per dialect (a hook).
import { and, count, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { WebhookMessageType } from "../../vocab.js";
import type {
  AuditRecord,
  ClaimedDelivery,
  KeysetPosition,
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookEndpointPatch,
  WebhookEndpointRecord,
} from "../store.js";
import type { Context } from "./context.js";
import { outboxWrites } from "./outbox.js";
import { all, call, get, run, type Operation } from "./steps.js";

export function* insertWebhookEndpoint(
  x: Context,
  endpoint: WebhookEndpointRecord,
  audit: AuditRecord,
  max: number,
): Operation<{ ok: true } | { ok: false; error: "too_many" }> {
  const { on, t } = x;
  // Counted in the write transaction (SQLite's write lock; on Postgres two concurrent creates may
  // both pass at max - 1, a bound on a handful of rows, not a security limit).
  const existing = yield* get(on.select({ n: count() }).from(t.webhookEndpoints));
  if ((existing?.n ?? 0) >= max) return { ok: false, error: "too_many" };
  yield* run(on.insert(t.webhookEndpoints).values(endpoint));
  yield* run(on.insert(t.auditEvents).values(audit));
  return { ok: true };
}

export function* getWebhookEndpoint({ on, t }: Context, id: string): Operation<WebhookEndpointRecord | null> {
  return (yield* get(on.select().from(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, id)))) ?? null;
}

export function listWebhookEndpoints({ on, t }: Context) {
  const e = t.webhookEndpoints;
  return all(on.select().from(e).orderBy(e.createdAt, e.id));
}

export function* updateWebhookEndpoint(
  x: Context,
  id: string,
  patch: WebhookEndpointPatch,
  at: Date,
  audit: AuditRecord,
): Operation<WebhookEndpointRecord | null> {
  const { on, t } = x;
  const e = t.webhookEndpoints;
  // Turning an endpoint on starts it afresh: the failures that turned it off are forgotten.
  const restart = patch.enabled === true ? { disabledReason: null, failingSince: null } : {};
  const wasOff =
    patch.enabled === true &&
    (yield* get(on.select({ enabled: e.enabled }).from(e).where(eq(e.id, id))))?.enabled === false;
  const updated = yield* get(
    on
      .update(e)
      .set({ ...patch, ...restart, updatedAt: at })
      .where(eq(e.id, id))
      .returning(),
  );
  if (!updated) return null;
  if (wasOff) {
    // What waited while it was off is sent now, not at the end of a backoff its failures earned
    // (webhook_deliveries_endpoint_idx serves the endpoint's rows).
    const d = t.webhookDeliveries;
    yield* run(
      on
        .update(d)
        .set({ nextAttemptAt: at })
        .where(and(eq(d.endpointId, id), eq(d.status, "pending"), gt(d.nextAttemptAt, at))),
    );
  }
  yield* run(on.insert(t.auditEvents).values(audit));
  return updated;
}

export function* deleteWebhookEndpoint(x: Context, id: string, audit: AuditRecord): Operation<boolean> {
  const { on, t } = x;
  // Its deliveries go with it (foreign key, on delete cascade).
  const deleted = yield* all(
    on
      .delete(t.webhookEndpoints)
      .where(eq(t.webhookEndpoints.id, id))
      .returning({ id: t.webhookEndpoints.id }),
  );
  if (deleted.length === 0) return false;
  yield* run(on.insert(t.auditEvents).values(audit));
  return true;
}

/** Newest first by webhook_deliveries_endpoint_idx, from the keyset position. */
export function listWebhookDeliveries(
  { on, t }: Context,
  endpointId: string,
  limit: number,
  after: KeysetPosition | null,
) {
  const d = t.webhookDeliveries;
  const position = after
    ? or(lt(d.createdAt, after.value), and(eq(d.createdAt, after.value), lt(d.id, after.id)))
    : undefined;
  return all(
    on
      .select()
      .from(d)
      .where(and(eq(d.endpointId, endpointId), position))
      .orderBy(desc(d.createdAt), desc(d.id))
      .limit(limit),
  );
}

export function* getWebhookDelivery({ on, t }: Context, id: string): Operation<WebhookDeliveryRecord | null> {
  return (yield* get(on.select().from(t.webhookDeliveries).where(eq(t.webhookDeliveries.id, id)))) ?? null;
}

export function* redeliverWebhook(
  x: Context,
  id: string,
  at: Date,
  audit: AuditRecord,
): Operation<WebhookDeliveryRecord | null> {
  const { on, t } = x;
  const d = t.webhookDeliveries;
  const queued = yield* get(
    on
      .update(d)
      .set({ status: "pending", attempts: 0, nextAttemptAt: at, claimedUntil: null })
      .where(eq(d.id, id))
      .returning(),
  );
  if (!queued) return null;
  yield* run(on.insert(t.auditEvents).values(audit));
  return queued;
}

export function* enqueueWebhookMessage(
  x: Context,
  endpointId: string,
  type: WebhookMessageType,
  data: Record<string, unknown>,
  at: Date,
  audit: AuditRecord,
): Operation<void> {
  const { on, t } = x;
  // The outbox's own statement, narrowed to one endpoint by a message type only it "subscribes"
  // to here: a test message goes to the endpoint tested whatever it subscribed to.
  const [write] = outboxWrites(x, at, [{ type, data }], endpointId);
  if (write) yield* call(() => x.h.countRevoked([], [write]));
  yield* run(on.insert(t.auditEvents).values(audit));
}

/**
 * What a dispatcher may claim at `now`: pending, due, not claimed by another, of an enabled
 * endpoint (a test message also of a disabled one: checking it works comes before turning it on).
 * Served by the partial index webhook_deliveries_due_idx.
 */
export function dueCondition(t: Context["t"], now: Date) {
  const d = t.webhookDeliveries;
  const e = t.webhookEndpoints;
  return and(
    eq(d.status, "pending"),
    lte(d.nextAttemptAt, now),
    or(isNull(d.claimedUntil), lte(d.claimedUntil, now)),
    or(
      eq(d.type, "webhook.test"),
      sql`exists (select 1 from ${e} where ${e.id} = ${d.endpointId} and ${e.enabled})`,
    ),
  );
}

/** Whether anything is due: a read (no write lock on SQLite), so an idle dispatcher writes nothing. */
export function* anyWebhookDue(x: Context, now: Date): Operation<boolean> {
  const d = x.t.webhookDeliveries;
  const row = yield* get(x.on.select({ id: d.id }).from(d).where(dueCondition(x.t, now)).limit(1));
  return row !== undefined;
}

/** The claimed rows with their endpoints' url and secret (one read of the small endpoints table). */
export function* withEndpoints(x: Context, claimed: WebhookDeliveryRecord[]): Operation<ClaimedDelivery[]> {
  if (claimed.length === 0) return [];
  const e = x.t.webhookEndpoints;
  const endpoints = yield* all(
    x.on
      .select({ id: e.id, url: e.url, secret: e.secret })
      .from(e)
      .where(inArray(e.id, [...new Set(claimed.map((d) => d.endpointId))])),
  );
  const byId = new Map(endpoints.map((r) => [r.id, r]));
  return claimed
    .filter((d) => byId.has(d.endpointId))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
    .map((delivery) => ({
      delivery,
      url: byId.get(delivery.endpointId)!.url,
      secret: byId.get(delivery.endpointId)!.secret,
    }));
}

export function* claimWebhookDeliveries(
  x: Context,
  now: Date,
  until: Date,
  limit: number,
): Operation<ClaimedDelivery[]> {
  const d = x.t.webhookDeliveries;
  const due = sql`(select ${d.id} from ${d} where ${dueCondition(x.t, now)}
    order by ${d.nextAttemptAt}, ${d.id} limit ${limit} ${x.h.claimLock()})`;
  const claimed = yield* all(
    x.on.update(d).set({ claimedUntil: until }).where(inArray(d.id, due)).returning(),
  );
  return yield* withEndpoints(x, claimed);
}

export function* recordWebhookAttempt(
  x: Context,
  attempt: WebhookAttempt,
  disableBefore: Date,
  disableAudit: AuditRecord,
): Operation<boolean> {
  const { on, t } = x;
  const d = t.webhookDeliveries;
  const e = t.webhookEndpoints;
  const finished = attempt.ok || attempt.nextAttemptAt === null;
  yield* run(
    on
      .update(d)
      .set({
        status: attempt.ok ? "delivered" : finished ? "failed" : "pending",
        attempts: sql`${d.attempts} + 1`,
        nextAttemptAt: finished ? null : attempt.nextAttemptAt,
        claimedUntil: null,
        lastAttemptAt: attempt.at,
        lastStatusCode: attempt.statusCode,
        lastError: attempt.error,
        deliveredAt: attempt.ok ? attempt.at : null,
      })
      // Only while still pending: a redelivery or a delete meanwhile wins over a late result.
      .where(and(eq(d.id, attempt.deliveryId), eq(d.status, "pending"))),
  );
  if (attempt.ok) {
    // Only when it was failing: a healthy endpoint's row is not rewritten on every delivery.
    yield* run(
      on
        .update(e)
        .set({ failingSince: null })
        .where(and(eq(e.id, attempt.endpointId), isNotNull(e.failingSince))),
    );
    return false;
  }
  const endpoint = yield* get(
    on
      .update(e)
      .set({ failingSince: sql`coalesce(${e.failingSince}, ${x.h.instant(attempt.at)})` })
      .where(eq(e.id, attempt.endpointId))
      .returning({ failingSince: e.failingSince, enabled: e.enabled }),
  );
  if (!endpoint?.enabled || !endpoint.failingSince) return false;
  if (endpoint.failingSince.getTime() > disableBefore.getTime()) return false;
  yield* run(
    on
      .update(e)
      .set({ enabled: false, disabledReason: "failing", updatedAt: attempt.at })
      .where(eq(e.id, attempt.endpointId)),
  );
  yield* run(on.insert(t.auditEvents).values(disableAudit));
  return true;
}

export function* pruneWebhookDeliveries({ on, t }: Context, before: Date, limit: number): Operation<number> {
  const d = t.webhookDeliveries;
  const old = yield* all(
    on
      .select({ id: d.id })
      .from(d)
      .where(and(lt(d.createdAt, before), inArray(d.status, ["delivered", "failed"])))
      .orderBy(d.createdAt)
      .limit(limit),
  );
  if (old.length === 0) return 0;
  yield* run(
    on.delete(d).where(
      inArray(
        d.id,
        old.map((r) => r.id),
      ),
    ),
  );
  return old.length;
}
