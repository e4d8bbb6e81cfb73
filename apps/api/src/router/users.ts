// Users: create, list, get, setStatus (disabling revokes their sessions) and setRole. Admins or
// users:write change them (a key only end users: the service refuses operators and passwords);
// viewers or users:read read them; only a signed-in console admin changes a role.
import type { TRPCRouterRecord } from "@trpc/server";
import {
  createUserSchema,
  idSchema,
  listUsersSchema,
  reasonSchema,
  USER_ROLES,
  USER_STATUSES,
} from "@sessions/core";
import { z } from "zod";
import { authorizedProcedure, consoleAdminProcedure } from "../trpc/procedures.js";

const read = authorizedProcedure({ role: "viewer", scope: "users:read" });
const write = authorizedProcedure({ role: "admin", scope: "users:write" });

export const usersRouter = {
  /** Creating an operator (admin or viewer) needs a console admin with a recent password check. */
  create: write.input(createUserSchema).mutation(({ ctx, input }) => ctx.service.createUser(input, ctx.call)),

  list: read.input(listUsersSchema).query(({ ctx, input }) => ctx.service.listUsers(input)),

  get: read.input(z.object({ id: idSchema })).query(({ ctx, input }) => ctx.service.getUser(input.id)),

  /**
   * Disabling revokes every session of the user and reports how many (revokedSessions). An
   * operator's status changes only by a console admin with a recent password check.
   */
  setStatus: write
    .input(z.object({ id: idSchema, status: z.enum(USER_STATUSES), reason: reasonSchema }))
    .mutation(({ ctx, input }) =>
      ctx.service.setUserStatus(input.id, input.status, { ...ctx.call, reason: input.reason }),
    ),

  /**
   * Promotes or demotes. Console admins only (never an API key); nobody changes their own role and
   * the last active admin stays (BAD_REQUEST); a recent password check is needed (FORBIDDEN with
   * data.reauthRequired otherwise).
   */
  setRole: consoleAdminProcedure
    .input(z.object({ id: idSchema, role: z.enum(USER_ROLES) }))
    .mutation(({ ctx, input }) => ctx.service.setUserRole(input.id, input.role, ctx.call)),
} satisfies TRPCRouterRecord;
