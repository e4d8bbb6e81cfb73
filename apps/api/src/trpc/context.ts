// The context procedures run with. Two builders, so tests need no HTTP: the inner context from facts
// already known (createCaller tests build it directly), and the outer one from an HTTP request, which
// checks the request (POST + JSON + origin), reads the sign-in cookie and authenticates the caller.
import type { IncomingMessage, ServerResponse } from "node:http";
import { UnavailableError, type ApiKey, type Clock, type SessionsService, type User } from "@sessions/core";
import { TRPCError } from "@trpc/server";
import type { CallerStreams } from "../caller-streams.js";
import type { EventBus } from "../events.js";
import { clearedSessionCookie, readSessionToken, sessionCookie } from "../http/cookies.js";
import { checkOrigin, clientIp, isHttps, isJsonContentType, ownOrigin } from "../http/request.js";
import type { WebhookNudge } from "../jobs/webhooks.js";
import type { Logger } from "../logger.js";
import type { AppMetrics } from "../metrics.js";
import type { LoginRateLimits } from "../rate-limit.js";
import { authenticate } from "./authenticate.js";
import { domainTrpcError } from "./errors.js";

/** Who is calling: a console sign-in (a session of a user in the same store), an API key, or nobody. */
export type Caller =
  | { type: "anonymous" }
  | {
      type: "user";
      user: User;
      sessionId: string;
      /** When this sign-in last checked the password: dangerous changes need it recent. */
      authenticatedAt: Date | null;
    }
  | { type: "api_key"; key: ApiKey };

/** The sign-in cookie of the current request and response. */
export interface SessionCookie {
  /** The raw token the request's cookie carries, if any. */
  readonly token: string | null;
  /** False once the response headers are out (a streaming link): the cookie can no longer be set. */
  readonly writable: boolean;
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

/** What every request shares: built once per server by createApp (see app-services.ts). */
export interface AppServices {
  service: SessionsService;
  clock: Clock;
  events: EventBus;
  /** Open event streams per caller: the cap and the re-check interval. */
  streams: CallerStreams;
  loginLimits: LoginRateLimits;
  logger: Logger;
  /** This app's Prometheus registry and counters (GET /metrics). */
  metrics: AppMetrics;
  /** NODE_ENV=development: error responses carry stack traces and internal messages. */
  exposeErrorDetails: boolean;
  /** Tells this process's own changes apart from other instances' on the shared change feed. */
  instanceId: string;
  /** Wakes this process's webhook dispatcher (jobs/webhooks.ts) after a change it should deliver. */
  webhookNudge: WebhookNudge;
}

export interface Context extends AppServices {
  caller: Caller;
  ip: string | null;
  userAgent: string | null;
  cookie: SessionCookie;
  /** Sets a response header (Retry-After); a no-op outside HTTP. */
  setHeader(name: string, value: string): void;
  /**
   * Authenticates this request's credentials again, as if it arrived now: how a long-lived call
   * (the events stream) learns that its sign-in or key has ended. Same rules as the first time.
   */
  authenticateAgain(): Promise<Caller>;
}

export interface InnerContextOptions {
  caller?: Caller;
  ip?: string | null;
  userAgent?: string | null;
  cookie?: SessionCookie;
  setHeader?: (name: string, value: string) => void;
  /** Defaults to the caller as given: without HTTP there are no credentials to present again. */
  authenticateAgain?: () => Promise<Caller>;
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
  const caller: Caller = options.caller ?? { type: "anonymous" };
  return {
    service: app.service,
    clock: app.clock,
    events: app.events,
    streams: app.streams,
    loginLimits: app.loginLimits,
    logger: app.logger,
    metrics: app.metrics,
    exposeErrorDetails: app.exposeErrorDetails,
    instanceId: app.instanceId,
    webhookNudge: app.webhookNudge,
    caller,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
    cookie: options.cookie ?? memoryCookie(),
    setHeader: options.setHeader ?? (() => {}),
    authenticateAgain: options.authenticateAgain ?? (() => Promise.resolve(caller)),
  };
}

export interface HttpOptions {
  /** Origins besides the server's own whose pages may make state-changing calls. */
  allowedOrigins: readonly string[];
  trustProxy: boolean;
  /** PUBLIC_URL's origin, if set: the CSRF check's own origin, and https there means a secure cookie. */
  publicOrigin?: string | null;
  /** CONSOLE_REMEMBER: the sign-in cookie persists until the session expires, not the browser session. */
  rememberSignIn?: boolean;
}

/**
 * Authentication reads the database before any procedure runs, so a fault there must become the
 * same 503 a procedure's would (the procedures' middleware never sees it).
 */
async function authenticateOrUnavailable(...args: Parameters<typeof authenticate>): Promise<Caller> {
  try {
    return await authenticate(...args);
  } catch (error) {
    if (error instanceof UnavailableError) throw domainTrpcError(error);
    throw error;
  }
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
    const https = isHttps(req, http.trustProxy, http.publicOrigin ?? null);
    if (req.method === "POST") {
      if (!isJsonContentType(req.headers)) {
        throw new TRPCError({
          code: "UNSUPPORTED_MEDIA_TYPE",
          message: "Calls that change state must be POST requests with a JSON body.",
        });
      }
      const verdict = checkOrigin(
        req.headers,
        ownOrigin(req, https, http.publicOrigin ?? null),
        http.allowedOrigins,
      );
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
          res.appendHeader(
            "Set-Cookie",
            sessionCookie(value, expiresAt, {
              secure: https,
              now: app.clock.now(),
              remember: http.rememberSignIn ?? false,
            }),
          );
      },
      clear: () => {
        if (!res.headersSent) res.appendHeader("Set-Cookie", clearedSessionCookie(https));
      },
    };
    const authorization = req.headers.authorization;
    return createInnerContext(app, {
      caller: await authenticateOrUnavailable(app.service, authorization, token),
      // Not a touch: an open stream is not activity, so it must not hold off the idle timeout.
      authenticateAgain: () => authenticate(app.service, authorization, token, { touch: false }),
      ip: clientIp(req, http.trustProxy),
      userAgent: req.headers["user-agent"]?.slice(0, 1000) ?? null,
      cookie,
      setHeader: (name, value) => {
        if (!res.headersSent) res.setHeader(name, value);
      },
    });
  };
}
