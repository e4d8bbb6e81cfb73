// Users: create, list, get, and setStatus (disabling revokes their sessions). Admins or users:write
// change them; viewers or users:read read them.
import type { TRPCRouterRecord } from "@trpc/server";
import { createUserSchema, idSchema, listUsersSchema, reasonSchema, USER_STATUSES } from "@sessions/core";
import { z } from "zod";
import { authorizedProcedure } from "../trpc/procedures.js";

const read = authorizedProcedure({ role: "viewer", scope: "users:read" });
const write = authorizedProcedure({ role: "admin", scope: "users:write" });

export const usersRouter = {
  create: write.input(createUserSchema).mutation(({ ctx, input }) => ctx.service.createUser(input, ctx.call)),

  list: read.input(listUsersSchema).query(({ ctx, input }) => ctx.service.listUsers(input)),

  get: read.input(z.object({ id: idSchema })).query(({ ctx, input }) => ctx.service.getUser(input.id)),

  /** Disabling revokes every session of the user and reports how many (revokedSessions). */
  setStatus: write
    .input(z.object({ id: idSchema, status: z.enum(USER_STATUSES), reason: reasonSchema }))
    .mutation(({ ctx, input }) =>
      ctx.service.setUserStatus(input.id, input.status, { ...ctx.call, reason: input.reason }),
    ),
} satisfies TRPCRouterRecord;
