// API keys for internal services: create (the raw key once), list, revoke. Admins or keys:manage.
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { createApiKeySchema, idSchema } from "@sessions/core";
import { z } from "zod";
import { authorizedProcedure } from "../trpc/procedures.js";

const manage = authorizedProcedure({ role: "admin", scope: "keys:manage" });

export const keysRouter = {
  /** The raw key is in this response only. A key can only grant scopes it holds itself. */
  create: manage.input(createApiKeySchema).mutation(({ ctx, input }) => {
    const { caller } = ctx;
    if (caller.type === "api_key") {
      const missing = input.scopes.filter((s) => !caller.key.scopes.includes(s));
      if (missing.length > 0) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `An API key cannot grant scopes it lacks: ${missing.join(", ")}.`,
        });
      }
    }
    return ctx.service.createApiKey(input, ctx.call);
  }),

  list: manage.query(async ({ ctx }) => ({ items: await ctx.service.listApiKeys(), nextCursor: null })),

  revoke: manage
    .input(z.object({ id: idSchema }))
    .mutation(({ ctx, input }) => ctx.service.revokeApiKey(input.id, ctx.call)),
} satisfies TRPCRouterRecord;
