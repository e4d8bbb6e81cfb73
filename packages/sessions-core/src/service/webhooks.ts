// Webhooks: endpoints admins manage, and the dispatcher that delivers the outbox to them.
//
// The messages are written by the changes themselves, in their transactions (store/shared/outbox.ts);
// this file never decides what happened, only where it goes and how it is sent. Delivery is at
// least once: a delivery is marked delivered only after a 2xx, so a crash between the receiver's
// answer and that mark sends it again, with the same webhook-id, which receivers deduplicate by.
import { decodeCursor, toPage } from "../domain/cursor.js";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import { idSchema, limitSchema, cursorSchema, parseInput } from "../domain/inputs.js";
import type {
  CallContext,
  CreatedWebhook,
  Page,
  RevokeResult,
  WebhookDelivery,
  WebhookEndpoint,
} from "../domain/types.js";
import {
  checkWebhookUrl,
  createWebhookSchema,
  deliveryIdSchema,
  generateWebhookSecret,
  nextAttemptAt,
  updateWebhookSchema,
} from "../domain/webhooks.js";
import type { ClaimedDelivery, WebhookDeliveryRecord, WebhookEndpointRecord } from "../store/store.js";
import { LIMITS, WEBHOOK_TEST_EVENT } from "../vocab.js";
import { actorLabel, actorOf, type ServiceContext } from "./context.js";
import { z } from "zod";

const DELIVERIES_ORDER = "webhook-deliveries";
/** How long a dispatcher's claim on a batch lasts; past it, another dispatcher may send what is left. */
const CLAIM_MS = 120_000;
/** Deliveries claimed at once. */
const CLAIM_BATCH = 50;

function toEndpoint(r: WebhookEndpointRecord): WebhookEndpoint {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events,
    enabled: r.enabled,
    status: !r.enabled ? "disabled" : r.failingSince ? "failing" : "active",
    disabledReason: r.disabledReason,
    failingSince: r.failingSince,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function toDelivery(r: WebhookDeliveryRecord): WebhookDelivery {
  return {
    id: r.id,
    endpointId: r.endpointId,
    type: r.type,
    payload: r.payload,
    createdAt: r.createdAt,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastAttemptAt: r.lastAttemptAt,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    deliveredAt: r.deliveredAt,
  };
}

const deliveriesInput = z.object({
  endpointId: idSchema,
  limit: limitSchema,
  cursor: cursorSchema,
});

export interface DispatchResult {
  claimed: number;
  delivered: number;
  failed: number;
}

export function webhooks({
  store,
  config,
  random,
  now,
  newId,
  auditEvent,
  requireRecentSignIn,
  metrics,
  sendWebhook,
}: ServiceContext) {
  const settings = config.webhooks;

  async function endpointOrThrow(id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await store.getWebhookEndpoint(id);
    if (!endpoint) throw new NotFoundError("No webhook endpoint has this id.");
    return endpoint;
  }

  /** One attempt: sent, recorded, and the endpoint turned off if it has failed long enough. */
  async function attempt({ delivery, url, secret }: ClaimedDelivery): Promise<boolean> {
    const result = await sendWebhook({
      url,
      id: delivery.id,
      secret,
      payload: delivery.payload,
      at: now(),
      timeoutMs: settings.timeoutMs,
      allowPrivate: settings.allowPrivate,
    });
    const at = now();
    const retryAt = result.ok ? null : nextAttemptAt(at, delivery.attempts + 1, settings);
    const disabled = await store.recordWebhookAttempt(
      {
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        at,
        ok: result.ok,
        statusCode: result.statusCode,
        error: result.ok ? null : result.error,
        nextAttemptAt: retryAt,
      },
      new Date(at.getTime() - settings.disableAfterMs),
      auditEvent(
        { actor: { type: "system" } },
        "webhook.disabled",
        { type: "webhook", id: delivery.endpointId },
        {
          reason: `deliveries failed for ${Math.round(settings.disableAfterMs / 3_600_000)} h`,
          data: { url, lastError: result.ok ? null : result.error },
        },
      ),
    );
    metrics.webhookAttempted?.(result.ok ? "delivered" : retryAt ? "retry" : "failed");
    if (disabled) metrics.webhookEndpointDisabled?.();
    return result.ok;
  }

  return {
    async createWebhook(
      input: { url: string; events: string[]; description?: string | null },
      ctx?: CallContext,
    ): Promise<CreatedWebhook> {
      const parsed = parseInput(createWebhookSchema, input);
      // An endpoint receives every session's comings and goings: like a key, it needs the
      // console admin's password checked recently.
      requireRecentSignIn(ctx, "Adding a webhook endpoint");
      const url = await checkWebhookUrl(parsed.url, settings);
      const at = now();
      const secret = generateWebhookSecret(random);
      const record: WebhookEndpointRecord = {
        id: newId(),
        url,
        description: parsed.description,
        events: parsed.events,
        secret,
        enabled: true,
        disabledReason: null,
        failingSince: null,
        createdBy: actorLabel(actorOf(ctx)),
        createdAt: at,
        updatedAt: at,
      };
      const inserted = await store.insertWebhookEndpoint(
        record,
        auditEvent(
          ctx,
          "webhook.created",
          { type: "webhook", id: record.id },
          { data: { url, events: record.events } },
        ),
        LIMITS.webhookEndpoints,
      );
      if (!inserted.ok) {
        throw new ConflictError(`At most ${LIMITS.webhookEndpoints} webhook endpoints: delete one first.`);
      }
      return { endpoint: toEndpoint(record), secret };
    },

    async listWebhooks(): Promise<WebhookEndpoint[]> {
      return (await store.listWebhookEndpoints()).map(toEndpoint);
    },

    async getWebhook(id: string): Promise<WebhookEndpoint | null> {
      const endpoint = await store.getWebhookEndpoint(parseInput(idSchema, id, "id"));
      return endpoint ? toEndpoint(endpoint) : null;
    },

    async updateWebhook(
      input: { id: string; url?: string; events?: string[]; description?: string | null; enabled?: boolean },
      ctx?: CallContext,
    ): Promise<WebhookEndpoint> {
      const id = parseInput(idSchema, input.id, "id");
      const { description, ...rest } = parseInput(updateWebhookSchema, { ...input, id: undefined });
      if (rest.url !== undefined) requireRecentSignIn(ctx, "Pointing a webhook endpoint elsewhere");
      const patch = {
        ...(rest.url !== undefined ? { url: await checkWebhookUrl(rest.url, settings) } : {}),
        ...(rest.events !== undefined ? { events: rest.events } : {}),
        ...(rest.enabled !== undefined ? { enabled: rest.enabled } : {}),
        ...("description" in input ? { description } : {}),
      };
      const before = await endpointOrThrow(id);
      const updated = await store.updateWebhookEndpoint(
        id,
        patch,
        now(),
        auditEvent(
          ctx,
          "webhook.updated",
          { type: "webhook", id },
          { data: { ...patch, ...(patch.url ? { previousUrl: before.url } : {}) } },
        ),
      );
      if (!updated) throw new NotFoundError("No webhook endpoint has this id.");
      return toEndpoint(updated);
    },

    async deleteWebhook(id: string, ctx?: CallContext): Promise<RevokeResult> {
      const endpointId = parseInput(idSchema, id, "id");
      const endpoint = await store.getWebhookEndpoint(endpointId);
      if (!endpoint) return { ok: false, error: "not_found" };
      const deleted = await store.deleteWebhookEndpoint(
        endpointId,
        auditEvent(
          ctx,
          "webhook.deleted",
          { type: "webhook", id: endpointId },
          { data: { url: endpoint.url } },
        ),
      );
      return deleted ? { ok: true } : { ok: false, error: "not_found" };
    },

    async listWebhookDeliveries(input: {
      endpointId: string;
      limit?: number;
      cursor?: string | null;
    }): Promise<Page<WebhookDelivery>> {
      const parsed = parseInput(deliveriesInput, input);
      await endpointOrThrow(parsed.endpointId);
      const after = decodeCursor(DELIVERIES_ORDER, parsed.cursor);
      const rows = await store.listWebhookDeliveries(parsed.endpointId, parsed.limit + 1, after);
      return toPage(
        rows,
        parsed.limit,
        toDelivery,
        (r) => ({ value: r.createdAt, id: r.id }),
        DELIVERIES_ORDER,
      );
    },

    /** Sends a delivery again, with the same webhook-id; the retry schedule starts afresh. */
    async redeliverWebhook(deliveryId: string, ctx?: CallContext): Promise<WebhookDelivery> {
      const id = parseInput(deliveryIdSchema, deliveryId, "deliveryId");
      const delivery = await store.getWebhookDelivery(id);
      if (!delivery) throw new NotFoundError("No webhook delivery has this id.");
      const queued = await store.redeliverWebhook(
        id,
        now(),
        auditEvent(
          ctx,
          "webhook.redelivered",
          { type: "webhook", id: delivery.endpointId },
          { data: { deliveryId: id, type: delivery.type } },
        ),
      );
      if (!queued) throw new NotFoundError("No webhook delivery has this id.");
      return toDelivery(queued);
    },

    /** Queues a webhook.test message to the endpoint, whatever it subscribes to (even while off). */
    async testWebhook(id: string, ctx?: CallContext): Promise<{ ok: true }> {
      const endpointId = parseInput(idSchema, id, "id");
      await endpointOrThrow(endpointId);
      const at = now();
      await store.enqueueWebhookMessage(
        endpointId,
        WEBHOOK_TEST_EVENT,
        { endpointId, message: "A test event sent from Sessions." },
        at,
        auditEvent(ctx, "webhook.tested", { type: "webhook", id: endpointId }),
      );
      return { ok: true };
    },

    /**
     * One round of the dispatcher: claims due deliveries (no other dispatcher sends them meanwhile)
     * and sends them, each endpoint's in commit order one after another, endpoints side by side.
     * A claim not finished in time (a slow endpoint, a crash) lapses and is claimed again.
     */
    async dispatchWebhooks(options: { signal?: AbortSignal; limit?: number } = {}): Promise<DispatchResult> {
      const at = now();
      // Most rounds find nothing: a read first, so an idle dispatcher never takes the write lock.
      if (!(await store.anyWebhookDue(at))) return { claimed: 0, delivered: 0, failed: 0 };
      const claimUntil = at.getTime() + CLAIM_MS;
      const claimed = await store.claimWebhookDeliveries(
        at,
        new Date(claimUntil),
        options.limit ?? CLAIM_BATCH,
      );
      const byEndpoint = new Map<string, ClaimedDelivery[]>();
      for (const c of claimed) {
        const list = byEndpoint.get(c.delivery.endpointId) ?? [];
        list.push(c);
        byEndpoint.set(c.delivery.endpointId, list);
      }
      const result: DispatchResult = { claimed: claimed.length, delivered: 0, failed: 0 };
      await Promise.all(
        [...byEndpoint.values()].map(async (list) => {
          for (const c of list) {
            // Never start an attempt that could outlast the claim: another dispatcher may take it then.
            if (options.signal?.aborted || now().getTime() + settings.timeoutMs >= claimUntil) return;
            if (await attempt(c)) result.delivered += 1;
            else result.failed += 1;
          }
        }),
      );
      return result;
    },
  };
}
