// The procedures routers are built from: tRPC's root (superjson, SSE pings, the error formatter) and
// the builders that authenticate and authorize. Routers built on these only validate input (with
// sessions-core's zod schemas) and call the service; what each caller may do is decided here.
import type { Actor, ApiKeyScope, CallContext, OperatorRole } from "@sessions/core";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Caller, Context } from "./context.js";
import { formatError, mapDomainError } from "./errors.js";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stack traces are added by the formatter, and only with NODE_ENV=development.
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter: formatError,
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const mapDomainErrors = t.middleware(async ({ next }) => mapDomainError(await next()));

/** No credentials needed (auth.login only). */
export const publicProcedure = t.procedure.use(mapDomainErrors);

function actorOf(caller: Exclude<Caller, { type: "anonymous" }>): Actor {
  return caller.type === "user"
    ? { type: "user", id: caller.user.id }
    : { type: "api_key", id: caller.key.id };
}

/**
 * What the service needs about the caller: who acts (audit), from where, and which session is theirs.
 * Exported for the calls served outside a procedure (the REST exports).
 */
export function callContextOf(ctx: Context, caller: Exclude<Caller, { type: "anonymous" }>): CallContext {
  return {
    actor: actorOf(caller),
    ip: ctx.ip,
    currentSessionId: caller.type === "user" ? caller.sessionId : null,
    authenticatedAt: caller.type === "user" ? caller.authenticatedAt : null,
  };
}

const unauthorized = () =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "Sign in, or send an API key as Authorization: Bearer <key>.",
  });

/** A console sign-in of any role (auth.logout): API keys never sign in to the console. */
export const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  const { caller } = ctx;
  if (caller.type === "anonymous") throw unauthorized();
  if (caller.type === "api_key") {
    throw new TRPCError({ code: "FORBIDDEN", message: "API keys cannot use the console's sign-in." });
  }
  return next({ ctx: { caller, call: callContextOf(ctx, caller) } });
});

/** A console sign-in with console access: role admin or viewer (auth.me). */
export const consoleProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (ctx.caller.user.role !== "admin" && ctx.caller.user.role !== "viewer") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This account has no console access." });
  }
  return next();
});

/** The roles that may use the console, from core's vocabulary. */
export type ConsoleRole = OperatorRole;

export interface Access {
  /** The least console role that may call: viewer (admins too) or admin. */
  role: ConsoleRole;
  /** The scope an API key needs. */
  scope: ApiKeyScope;
}

/**
 * Why `caller` may not call a procedure guarded by `access`, or null when it may. Exported so a
 * long-lived call (the events stream) re-applies the very rule it was admitted by.
 */
export function refusalOf(caller: Caller, access: Access): TRPCError | null {
  if (caller.type === "anonymous") return unauthorized();
  if (caller.type === "user") {
    const role = caller.user.role;
    const allowed = access.role === "admin" ? role === "admin" : role === "admin" || role === "viewer";
    if (allowed) return null;
    return new TRPCError({
      code: "FORBIDDEN",
      message: access.role === "admin" ? "Only admins may do this." : "This account has no console access.",
    });
  }
  if (caller.key.scopes.includes(access.scope)) return null;
  return new TRPCError({ code: "FORBIDDEN", message: `This API key lacks the ${access.scope} scope.` });
}

/**
 * Signed-in users with at least `role`, or API keys holding `scope`. One middleware both checks the
 * caller and maps the service's errors (as mapDomainErrors does): each middleware level costs tRPC
 * a few µs of object spreading per call, and every service call goes through this one.
 */
export function authorizedProcedure(access: Access) {
  return t.procedure.use(async ({ ctx, next }) => {
    const { caller } = ctx;
    const refusal = refusalOf(caller, access);
    if (refusal || caller.type === "anonymous") throw refusal ?? unauthorized();
    return mapDomainError(await next({ ctx: { caller, call: callContextOf(ctx, caller) } }));
  });
}

/**
 * A signed-in console admin, never an API key: for what only an operator may decide (roles).
 * The service refuses API keys there too; this says so at the door.
 */
export const consoleAdminProcedure = consoleProcedure.use(({ ctx, next }) => {
  if (ctx.caller.user.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only admins may do this." });
  }
  return next();
});
