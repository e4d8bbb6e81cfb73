// The audit log, newest first, filtered and keyset-paginated by the service.
import type { TRPCRouterRecord } from "@trpc/server";
import { listAuditSchema } from "@sessions/core";
import { authorizedProcedure } from "../trpc/procedures.js";

export const auditRouter = {
  list: authorizedProcedure({ role: "viewer", scope: "audit:read" })
    .input(listAuditSchema)
    .query(({ ctx, input }) => ctx.service.listAudit(input)),
} satisfies TRPCRouterRecord;
