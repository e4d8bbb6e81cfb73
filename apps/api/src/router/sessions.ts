// Session operations: the seed's seven plus issue/validate/end for internal services.
import type { TRPCRouterRecord } from "@trpc/server";
import {
  createSessionSchema,
  idSchema,
  listForTokenSchema,
  reauthenticatedSchema,
  revokeOwnSchema,
  validateSessionSchema,
  listSessionsSchema,
  listUserSessionsSchema,
  reasonSchema,
  revokeManySchema,
  sessionFilterSchema,
} from "@sessions/core";
import { z } from "zod";
import { authorizedProcedure } from "../trpc/procedures.js";
import { previewRevokeProcedure } from "./revoke-preview.js";

const read = authorizedProcedure({ role: "viewer", scope: "sessions:read" });
const revoke = authorizedProcedure({ role: "admin", scope: "sessions:revoke" });
const issue = authorizedProcedure({ role: "admin", scope: "sessions:issue" });

const tokenInput = z.object({ token: z.string().max(500, "is too long") });

export const sessionsRouter = {
  listActive: read
    .input(listSessionsSchema)
    .query(({ ctx, input }) => ctx.service.listActiveSessions(input, ctx.call)),

  listForUser: read
    .input(listUserSessionsSchema.extend({ userId: idSchema }))
    .query(({ ctx, input: { userId, ...page } }) => ctx.service.listUserSessions(userId, page, ctx.call)),

  get: read
    .input(z.object({ id: idSchema }))
    .query(({ ctx, input }) => ctx.service.getSessionInfo(input.id, ctx.call)),

  /** Refuses the caller's own session (BAD_REQUEST: sign out with auth.logout instead). */
  revoke: revoke
    .input(z.object({ id: idSchema, reason: reasonSchema }))
    .mutation(({ ctx, input }) => ctx.service.revokeSession(input.id, { ...ctx.call, reason: input.reason })),

  /** Keeps the caller's own session when they revoke their own user's sessions. */
  revokeForUser: revoke
    .input(z.object({ userId: idSchema, reason: reasonSchema }))
    .mutation(async ({ ctx, input }) => ({
      revoked: await ctx.service.revokeUserSessions(input.userId, { ...ctx.call, reason: input.reason }),
    })),

  /**
   * dryRun (the default) previews what the same filter would revoke (a client that goes away stops
   * the count); previewRevoke is the same preview with progress. Never the caller's own session.
   */
  revokeMany: revoke
    .input(revokeManySchema)
    .mutation(({ ctx, input, signal }) => ctx.service.revokeSessions(input, ctx.call, { signal })),

  previewRevoke: previewRevokeProcedure,

  /** Active sessions; with a filter, the sessions the same listActive filter matches ("N matching"). */
  count: read
    .input(z.object({ filter: sessionFilterSchema.optional() }).optional())
    .query(({ ctx, input }) =>
      input?.filter ? ctx.service.countSessions(input.filter) : ctx.service.countActiveSessions(),
    ),

  /**
   * The console's "N matching": exact up to LIMITS.matchingCount, "10,000+" past it (exact: false),
   * so typing in the search box costs bounded work on any table size. sessions.count is exact.
   */
  countMatching: read
    .input(z.object({ filter: sessionFilterSchema.optional() }).optional())
    .query(({ ctx, input }) => ctx.service.countMatching(input?.filter)),

  stats: read.query(({ ctx }) => ctx.service.getSessionStats()),

  /** The raw token is in this response only. */
  create: issue
    .input(createSessionSchema)
    .mutation(({ ctx, input }) => ctx.service.createSession(input, ctx.call)),

  /**
   * A mutation: it moves lastSeenAt. With maxAuthAge (seconds), `fresh` says whether the user
   * authenticated that recently (else the service asks them to again, then calls reauthenticated).
   */
  validate: issue
    .input(validateSessionSchema)
    .mutation(({ ctx, input }) => ctx.service.validateSessionInput(input)),

  end: issue.input(tokenInput).mutation(({ ctx, input }) => ctx.service.endSession(input.token, ctx.call)),

  // An end user's own sessions, through the service that serves their pages. The token is their
  // credential here: an invalid one is UNAUTHORIZED. Mutations, so a token never travels in a URL.

  /** The token's user's active app sessions, isCurrent on the token's own ("your devices"). */
  listForToken: issue.input(listForTokenSchema).mutation(({ ctx, input }) => ctx.service.listForToken(input)),

  /** "Sign out everywhere else": every other live app session of the token's user. */
  revokeOthers: issue
    .input(tokenInput)
    .mutation(({ ctx, input }) => ctx.service.revokeOthers(input, ctx.call)),

  /** One of the token's user's own app sessions; any other id is not_found. */
  revokeOwn: issue
    .input(revokeOwnSchema)
    .mutation(({ ctx, input }) => ctx.service.revokeOwn(input, ctx.call)),

  /** The service re-verified the user: renews the session's authenticatedAt (and authMethod). */
  reauthenticated: issue
    .input(reauthenticatedSchema)
    .mutation(({ ctx, input }) => ctx.service.reauthenticated(input, ctx.call)),
} satisfies TRPCRouterRecord;
