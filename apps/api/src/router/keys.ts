// API keys for internal services: create (the raw key once), list, revoke. Admins or keys:manage.
import type { TRPCRouterRecord } from "@trpc/server";
import { createApiKeySchema, idSchema } from "@sessions/core";
import { z } from "zod";
import { authorizedProcedure } from "../trpc/procedures.js";

const manage = authorizedProcedure({ role: "admin", scope: "keys:manage" });

export const keysRouter = {
  /**
   * The raw key is in this response only. A key made by a key gets no scope and no expiry beyond
   * its parent's (the service's rule: FORBIDDEN). A console admin needs a recent password check
   * (FORBIDDEN with data.reauthRequired otherwise).
   */
  create: manage
    .input(createApiKeySchema)
    .mutation(({ ctx, input }) => ctx.service.createApiKey(input, ctx.call)),

  list: manage.query(async ({ ctx }) => ({ items: await ctx.service.listApiKeys(), nextCursor: null })),

  revoke: manage
    .input(z.object({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.service.revokeApiKey(input.id, ctx.call)),
} satisfies TRPCRouterRecord;
