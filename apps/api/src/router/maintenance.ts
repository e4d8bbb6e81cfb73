// Housekeeping: what the cleanup job would delete now, and running it now (the console's "Clean up
// now"). Running it is for console admins only: deleting history is an operator's decision, never a
// service key's; the periodic job and the CLI run it as "system" and "cli".
import type { TRPCRouterRecord } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { authorizedProcedure, consoleAdminProcedure } from "../trpc/procedures.js";

const read = authorizedProcedure({ role: "viewer", scope: "sessions:read" });

export const maintenanceRouter = {
  cleanupPreview: read.query(({ ctx }) => ctx.service.cleanupPreview()),

  /** CONFLICT while another caller (the job, another instance, another admin) is running it. */
  cleanUp: consoleAdminProcedure.mutation(async ({ ctx }) => {
    const result = await ctx.service.cleanUp(ctx.call);
    if (result === null) {
      throw new TRPCError({
        code: "CONFLICT",
        message: "A cleanup is already running. Try again when it has finished.",
      });
    }
    return result;
  }),
} satisfies TRPCRouterRecord;
