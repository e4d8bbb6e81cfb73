// Webhook endpoints and their deliveries (service/webhooks.ts). Admins or keys with webhooks:manage;
// viewers may read the endpoints and their delivery logs, never change them or see a secret.
import type { TRPCRouterRecord } from "@trpc/server";
import {
  createWebhookSchema,
  cursorSchema,
  deliveryIdSchema,
  idSchema,
  limitSchema,
  updateWebhookSchema,
} from "@sessions/core";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authorizedProcedure } from "../trpc/procedures.js";

const read = authorizedProcedure({ role: "viewer", scope: "webhooks:manage" });
const manage = authorizedProcedure({ role: "admin", scope: "webhooks:manage" });

export const webhooksRouter = {
  /**
   * The secret (whsec_…, Standard Webhooks) is in this response only. A console admin needs a
   * recent password check (FORBIDDEN with data.reauthRequired otherwise), as for an API key.
   */
  create: manage
    .input(createWebhookSchema)
    .mutation(({ ctx, input }) => ctx.service.createWebhook(input, ctx.call)),

  list: read.query(async ({ ctx }) => ({ items: await ctx.service.listWebhooks(), nextCursor: null })),

  get: read.input(z.object({ id: idSchema })).query(async ({ ctx, input }) => {
    const endpoint = await ctx.service.getWebhook(input.id);
    if (!endpoint) throw new TRPCError({ code: "NOT_FOUND", message: "No webhook endpoint has this id." });
    return endpoint;
  }),

  /** Changing the URL needs a recent password check, as creating does. Enabling clears the failures. */
  update: manage
    .input(updateWebhookSchema.extend({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.service.updateWebhook(input, ctx.call)),

  delete: manage
    .input(z.object({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.service.deleteWebhook(input.id, ctx.call)),

  /** An endpoint's delivery log, newest first. */
  deliveries: read
    .input(z.object({ endpointId: idSchema, limit: limitSchema, cursor: cursorSchema }))
    .query(({ ctx, input }) => ctx.service.listWebhookDeliveries(input)),

  /** Queues the delivery again, with the same webhook-id. */
  redeliver: manage.input(z.object({ deliveryId: deliveryIdSchema })).mutation(async ({ ctx, input }) => {
    const delivery = await ctx.service.redeliverWebhook(input.deliveryId, ctx.call);
    ctx.webhookNudge.nudge();
    return delivery;
  }),

  /** Sends a webhook.test event to the endpoint (whatever it subscribes to). */
  test: manage.input(z.object({ id: idSchema })).mutation(async ({ ctx, input }) => {
    const result = await ctx.service.testWebhook(input.id, ctx.call);
    ctx.webhookNudge.nudge();
    return result;
  }),
} satisfies TRPCRouterRecord;
