// tRPC setup: the context (inner: what procedures use, built directly by tests; outer: built from an
// HTTP request), the procedures that authenticate and authorize, and the error formatter. Routers
// built on these only validate input (with sessions-core's zod schemas) and call the service.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  SessionsError,
  type Actor,
  type ApiKey,
  type ApiKeyScope,
  type CallContext,
  type Clock,
  type ErrorIssue,
  type SessionsService,
  type User,
} from "@sessions/core";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { clearedSessionCookie, readSessionToken, sessionCookie } from "./cookies.js";
import type { EventBus } from "./events.js";
import type { Logger } from "./logger.js";
import type { LoginRateLimits } from "./rate-limit.js";
import { checkOrigin, clientIp, isHttps, isJsonContentType, ownOrigin } from "./request.js";

// ---- context ----

/** Who is calling: a console sign-in (a session of a user in the same store), an API key, or nobody. */
export type Caller =
  { type: "anonymous" } | { type: "user"; user: User; sessionId: string } | { type: "api_key"; key: ApiKey };

/** The sign-in cookie of the current request and response. */
export interface SessionCookie {
  /** The raw token the request's cookie carries, if any. */
  readonly token: string | null;
  /** False once the response headers are out (a streaming link): the cookie can no longer be set. */
  readonly writable: boolean;
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

/** What every request shares: built once per server by createApp. */
export interface AppServices {
  service: SessionsService;
  clock: Clock;
  events: EventBus;
  loginLimits: LoginRateLimits;
  logger: Logger;
  /** NODE_ENV=development: error responses carry stack traces and internal messages. */
  exposeErrorDetails: boolean;
  /** Tells this process's own changes apart from other instances' on the shared change feed. */
  instanceId: string;
}

export interface Context extends AppServices {
  caller: Caller;
  ip: string | null;
  userAgent: string | null;
  cookie: SessionCookie;
  /** Sets a response header (Retry-After); a no-op outside HTTP. */
  setHeader(name: string, value: string): void;
}

export interface InnerContextOptions {
  caller?: Caller;
  ip?: string | null;
  userAgent?: string | null;
  cookie?: SessionCookie;
  setHeader?: (name: string, value: string) => void;
}

export interface MemoryCookie extends SessionCookie {
  readonly expiresAt: Date | null;
}

/** A cookie jar in memory: what createCaller tests use in place of HTTP. */
export function memoryCookie(initial: string | null = null): MemoryCookie {
  let token = initial;
  let expiresAt: Date | null = null;
  return {
    get token() {
      return token;
    },
    get expiresAt() {
      return expiresAt;
    },
    writable: true,
    set(value, at) {
      token = value;
      expiresAt = at;
    },
    clear() {
      token = null;
      expiresAt = null;
    },
  };
}

/** The context procedures run with, from already-known facts (no HTTP): tests build it directly. */
export function createInnerContext(app: AppServices, options: InnerContextOptions = {}): Context {
  // Built field by field: V8 makes `{ ...app, caller, … }` a slow generic copy (~3 µs, every call).
  return {
    service: app.service,
    clock: app.clock,
    events: app.events,
    loginLimits: app.loginLimits,
    logger: app.logger,
    exposeErrorDetails: app.exposeErrorDetails,
    instanceId: app.instanceId,
    caller: options.caller ?? { type: "anonymous" },
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
    cookie: options.cookie ?? memoryCookie(),
    setHeader: options.setHeader ?? (() => {}),
  };
}

export interface HttpOptions {
  /** Origins besides the server's own whose pages may make state-changing calls. */
  allowedOrigins: readonly string[];
  trustProxy: boolean;
}

/** The outer context: checks the request (POST + JSON + origin) and authenticates its caller. */
export function createHttpContextFactory(app: AppServices, http: HttpOptions) {
  return async function createContext({
    req,
    res,
  }: {
    req: IncomingMessage;
    res: ServerResponse;
  }): Promise<Context> {
    const https = isHttps(req, http.trustProxy);
    if (req.method === "POST") {
      if (!isJsonContentType(req.headers)) {
        throw new TRPCError({
          code: "UNSUPPORTED_MEDIA_TYPE",
          message: "Calls that change state must be POST requests with a JSON body.",
        });
      }
      const verdict = checkOrigin(req.headers, ownOrigin(req, https), http.allowedOrigins);
      if (!verdict.ok)
        throw new TRPCError({ code: "FORBIDDEN", message: `CSRF check failed: ${verdict.reason}.` });
    }
    const token = readSessionToken(req.headers.cookie, https);
    const cookie: SessionCookie = {
      token,
      get writable() {
        return !res.headersSent;
      },
      set: (value, expiresAt) => {
        if (!res.headersSent)
          res.appendHeader("Set-Cookie", sessionCookie(value, expiresAt, https, app.clock.now()));
      },
      clear: () => {
        if (!res.headersSent) res.appendHeader("Set-Cookie", clearedSessionCookie(https));
      },
    };
    return createInnerContext(app, {
      caller: await authenticate(app.service, req.headers.authorization, token),
      ip: clientIp(req, http.trustProxy),
      userAgent: req.headers["user-agent"]?.slice(0, 1000) ?? null,
      cookie,
      setHeader: (name, value) => {
        if (!res.headersSent) res.setHeader(name, value);
      },
    });
  };
}

/**
 * An Authorization header must hold a valid API key (no falling back to the cookie when it does
 * not); otherwise the sign-in cookie decides. An invalid cookie just means "not signed in".
 */
export async function authenticate(
  service: SessionsService,
  authorization: string | undefined,
  cookieToken: string | null,
): Promise<Caller> {
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const key = match?.[1] ? await service.verifyApiKey(match[1]) : null;
    if (!key) {
      throw new TRPCError({
        code: "UNAUTHORIZED",
        message: "The API key is missing, malformed, unknown or revoked.",
      });
    }
    return { type: "api_key", key };
  }
  if (cookieToken) {
    const validated = await service.validateSession(cookieToken);
    if (validated) return { type: "user", user: validated.user, sessionId: validated.session.id };
  }
  return { type: "anonymous" };
}

// ---- errors ----

/** Thrown for TOO_MANY_REQUESTS; the formatter repeats retryAfterSeconds in the error data. */
export class RateLimitedError extends TRPCError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ code: "TOO_MANY_REQUESTS", message });
  }
}

const DOMAIN_CODES = {
  validation: "BAD_REQUEST",
  conflict: "CONFLICT",
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  config: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<SessionsError["code"], TRPCError["code"]>;

const errorIds = new WeakMap<Error, string>();

/** The id an unexpected error is logged under and that its response repeats. */
export function errorIdOf(error: Error): string {
  let id = errorIds.get(error);
  if (!id) {
    id = randomUUID();
    errorIds.set(error, id);
  }
  return id;
}

type RawIssue = { path?: unknown; message: string };

function isIssueList(value: unknown): value is RawIssue[] {
  return (
    Array.isArray(value) &&
    value.every(
      (i: unknown) => typeof i === "object" && i !== null && "message" in i && typeof i.message === "string",
    )
  );
}

/** zod paths are arrays of keys (standard-schema ones may be { key } objects); the service's are strings. */
function pathText(path: unknown): string {
  if (typeof path === "string") return path;
  if (!Array.isArray(path)) return "";
  return path
    .map((p: unknown) => (typeof p === "object" && p !== null && "key" in p ? String(p.key) : String(p)))
    .join(".");
}

/** Field-level issues of a validation failure: zod's (tRPC input parsing) or the service's. */
export function validationIssues(error: TRPCError): ErrorIssue[] | null {
  if (error.code !== "BAD_REQUEST") return null;
  const cause: unknown = error.cause;
  if (!cause || typeof cause !== "object" || !("issues" in cause)) return null;
  const issues = cause.issues;
  if (!isIssueList(issues)) return null;
  return issues.map((issue) => ({ path: pathText(issue.path), message: issue.message }));
}

function describeIssues(issues: ErrorIssue[]): string {
  return `Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`;
}

// ---- tRPC ----

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stack traces are added by the formatter, and only with NODE_ENV=development.
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const dev = ctx?.exposeErrorDetails ?? false;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const errorId = internal ? errorIdOf(error) : null;
    const issues = validationIssues(error);
    const isZod = issues !== null && !(error.cause instanceof SessionsError);
    let message = shape.message;
    if (isZod) message = describeIssues(issues);
    else if (internal && !dev) message = `Internal server error (error id ${errorId}).`;
    return {
      message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path ?? null,
        issues,
        errorId,
        retryAfterSeconds: error instanceof RateLimitedError ? error.retryAfterSeconds : null,
        ...(dev && error.stack ? { stack: error.stack } : {}),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns the service's errors into tRPC codes; anything else stays an INTERNAL_SERVER_ERROR. */
function mapDomainError<R extends { ok: true } | { ok: false; error: TRPCError }>(result: R): R {
  if (!result.ok && result.error.cause instanceof SessionsError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: DOMAIN_CODES[cause.code], message: cause.message, cause });
  }
  return result;
}

const mapDomainErrors = t.middleware(async ({ next }) => mapDomainError(await next()));

/** No credentials needed (auth.login only). */
export const publicProcedure = t.procedure.use(mapDomainErrors);

function actorOf(caller: Exclude<Caller, { type: "anonymous" }>): Actor {
  return caller.type === "user"
    ? { type: "user", id: caller.user.id }
    : { type: "api_key", id: caller.key.id };
}

/** What the service needs about the caller: who acts (audit), from where, and which session is theirs. */
function callContextOf(ctx: Context, caller: Exclude<Caller, { type: "anonymous" }>): CallContext {
  return {
    actor: actorOf(caller),
    ip: ctx.ip,
    currentSessionId: caller.type === "user" ? caller.sessionId : null,
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

export type ConsoleRole = "viewer" | "admin";

export interface Access {
  /** The least console role that may call: viewer (admins too) or admin. */
  role: ConsoleRole;
  /** The scope an API key needs. */
  scope: ApiKeyScope;
}

/**
 * Signed-in users with at least `role`, or API keys holding `scope`. One middleware both checks the
 * caller and maps the service's errors (as mapDomainErrors does): each middleware level costs tRPC
 * a few µs of object spreading per call, and every service call goes through this one.
 */
export function authorizedProcedure(access: Access) {
  return t.procedure.use(async ({ ctx, next }) => {
    const { caller } = ctx;
    if (caller.type === "anonymous") throw unauthorized();
    if (caller.type === "user") {
      const role = caller.user.role;
      const allowed = access.role === "admin" ? role === "admin" : role === "admin" || role === "viewer";
      if (!allowed) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message:
            access.role === "admin" ? "Only admins may do this." : "This account has no console access.",
        });
      }
    } else if (!caller.key.scopes.includes(access.scope)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This API key lacks the ${access.scope} scope.` });
    }
    return mapDomainError(await next({ ctx: { caller, call: callContextOf(ctx, caller) } }));
  });
}
