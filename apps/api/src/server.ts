// createApp: the whole server from its parts (env, store, clock, logger, limits), with nothing held in
// module state, so tests can build as many as they like. node:http with tRPC's standalone handler under
// /trpc, /healthz and /readyz, the built console with SPA fallback, and a graceful close.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import {
  createSessionsService,
  openStore,
  systemClock,
  type Clock,
  type RandomSource,
  type SessionsConfig,
  type SessionsService,
  type SessionsStore,
} from "@sessions/core";
import type { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { Env } from "./env.js";
import { createEventBus } from "./events.js";
import { createLogger, type Logger } from "./logger.js";
import { createLoginRateLimits, type LoginRateLimits } from "./rate-limit.js";
import { isHttps } from "./request.js";
import { appRouter } from "./router/index.js";
import { createStaticHandler } from "./static.js";
import { createHttpContextFactory, errorIdOf, type AppServices } from "./trpc.js";
import { createTrpcHttpHandler } from "./trpc-http.js";

export interface CreateAppOptions {
  env: Env;
  /** Defaults to openStore(env.DATABASE_URL). The app closes it on close(). */
  store?: SessionsStore;
  clock?: Clock;
  logger?: Logger;
  /** Sign-in throttling; defaults to in-memory limits for this process. */
  loginLimits?: LoginRateLimits;
  /** Token randomness (tests may make it deterministic). */
  random?: RandomSource;
  /** Overrides of the service settings derived from env. */
  config?: Partial<SessionsConfig>;
  /** stats.changed coalescing window (ms); tests set 0. */
  statsDebounceMs?: number;
}

export interface App extends AppServices {
  store: SessionsStore;
  server: Server;
  /** Starts listening (port 0 = any free port) and resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, ends live streams, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Content-Security-Policy": [
    "default-src 'self'",
    "script-src 'self'",
    // Component libraries set inline styles; scripts stay strictly same-origin.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
};

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/** The one log line per request. Never add headers, inputs or anything else a client sends. */
interface RequestLine {
  reqId: string;
  method: string | undefined;
  /** "/trpc" for tRPC calls (procedures names them), else the normalized path. */
  path: string;
  procedures: string[] | undefined;
  status: number;
  ms: number;
  aborted: true | undefined;
}

const CORS_ALLOWED_HEADERS = "content-type, authorization, trpc-accept, x-trpc-source, last-event-id";

/** Everything procedures share, without HTTP: createApp uses it, and router tests build it directly. */
export function createAppServices(options: CreateAppOptions & { store: SessionsStore }): AppServices {
  const { env, store } = options;
  const clock = options.clock ?? systemClock;
  const events = createEventBus({ now: () => clock.now(), statsDebounceMs: options.statsDebounceMs });
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  const instanceId = randomUUID();
  const service: SessionsService = createSessionsService({
    store,
    clock,
    random: options.random,
    config: {
      lifetimeMs: env.SESSION_LIFETIME,
      idleTimeoutMs: env.IDLE_TIMEOUT,
      timezone: env.TIMEZONE,
      ...options.config,
    },
    onEvent: (event) => {
      // This process's subscribers hear it at once; other instances on the same Postgres through
      // the store's change feed (createApp relays what they publish).
      events.publish(event);
      store.changeFeed?.publish({ origin: instanceId, event }).catch((err: unknown) => {
        logger.warn({ err }, "could not publish a change to other instances");
      });
    },
  });
  return {
    service,
    clock,
    events,
    logger,
    instanceId,
    loginLimits: options.loginLimits ?? createLoginRateLimits(() => clock.now().getTime()),
    exposeErrorDetails: env.NODE_ENV === "development",
  };
}

export async function createApp(options: CreateAppOptions): Promise<App> {
  const { env } = options;
  const store = options.store ?? (await openStore(env.DATABASE_URL));
  const services = createAppServices({ ...options, store });
  const { logger, events } = services;
  // Changes made by other API instances on the same database reach this one's live subscribers.
  const stopRelay = store.changeFeed
    ? await store.changeFeed.subscribe(({ origin, event }) => {
        if (origin !== services.instanceId) events.publish(event);
      })
    : null;

  const createContext = createHttpContextFactory(services, {
    allowedOrigins: env.ALLOWED_ORIGINS,
    trustProxy: env.TRUST_PROXY,
  });
  const onError = ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === "INTERNAL_SERVER_ERROR") {
      logger.error(
        { errorId: errorIdOf(error), procedure: path, err: error.cause ?? error },
        "unexpected error",
      );
    }
  };
  const trpcLimits = { maxBodySize: 1_000_000, maxBatchSize: 50 };
  // Plain queries and mutations are served without tRPC's fetch-API adapter; subscriptions,
  // streaming and malformed calls go through tRPC's own handler (trpc-http.ts).
  const trpcHandler = createTrpcHttpHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext,
    onError,
    ...trpcLimits,
    fallback: createHTTPHandler({
      router: appRouter,
      basePath: "/trpc/",
      createContext,
      onError,
      ...trpcLimits,
    }),
  });
  // Request lines hold only RequestLine's fields, none of them a credential, so they skip the
  // logger's redaction pass (2–3 µs of CPU per request, every request).
  const requestLog = logger.child({}, { redact: [] });
  const serveConsole = createStaticHandler(env.CONSOLE_DIR);
  if (serveConsole) logger.info({ dir: env.CONSOLE_DIR }, "serving the console");

  let shuttingDown = false;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<ServerResponse>();
  /** Open connections and how many requests each is serving: idle ones are closed at shutdown. */
  const connections = new Map<Socket, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const https = isHttps(req, env.TRUST_PROXY);
    const { pathname, search } = safeUrl(req.url);
    for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
    if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    if (shuttingDown) res.setHeader("Connection", "close");
    const isTrpc = pathname.startsWith("/trpc/");
    inFlight.add(res);
    const socket = req.socket;
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    res.once("close", () => {
      inFlight.delete(res);
      const remaining = (connections.get(socket) ?? 1) - 1;
      if (connections.has(socket)) connections.set(socket, remaining);
      const line: RequestLine = {
        reqId: randomUUID(),
        method: req.method,
        path: isTrpc ? "/trpc" : pathname,
        procedures: isTrpc ? pathname.slice("/trpc/".length).split(",") : undefined,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        aborted: !res.writableFinished || undefined,
      };
      if (pathname === "/healthz" || pathname === "/readyz") requestLog.debug(line, "request");
      else requestLog.info(line, "request");
      // During shutdown, keep-alive connections close as soon as their last request is done.
      if (shuttingDown && remaining === 0) socket.end();
    });

    if (pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (pathname === "/readyz") {
      if (shuttingDown) return sendJson(res, 503, { status: "shutting down" });
      try {
        await store.ping();
        return sendJson(res, 200, { status: "ready", database: store.dialect });
      } catch (error) {
        logger.warn({ err: error }, "database unreachable");
        return sendJson(res, 503, { status: "database unreachable" });
      }
    }
    if (isTrpc) {
      res.setHeader("Cache-Control", "no-store");
      const origin = req.headers.origin?.toLowerCase();
      if (origin && env.ALLOWED_ORIGINS.includes(origin)) {
        res.setHeader("Access-Control-Allow-Origin", origin);
        res.setHeader("Access-Control-Allow-Credentials", "true");
        res.setHeader("Vary", "Origin");
        if (req.method === "OPTIONS") {
          res.setHeader("Access-Control-Allow-Methods", "GET, POST");
          res.setHeader("Access-Control-Allow-Headers", CORS_ALLOWED_HEADERS);
          res.setHeader("Access-Control-Max-Age", "600");
          res.statusCode = 204;
          return void res.end();
        }
      }
      if (req.method !== "GET" && req.method !== "POST") {
        res.setHeader("Allow", "GET, POST");
        return sendJson(res, 405, { error: "Use GET for queries and subscriptions, POST for mutations." });
      }
      return trpcHandler(req, res, pathname, search);
    }
    if (
      serveConsole &&
      (req.method === "GET" || req.method === "HEAD") &&
      (await serveConsole(req, res, pathname))
    ) {
      return;
    }
    sendJson(res, 404, { error: "Not found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const errorId = randomUUID();
      logger.error({ errorId, err: error }, "request handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: "Internal server error", errorId });
      else res.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    connections.set(socket, 0);
    socket.once("close", () => connections.delete(socket));
  });
  // Slow clients cannot hold a connection open forever; SSE streams send pings well inside this.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  return {
    ...services,
    store,
    server,

    listen(port = env.PORT, host = env.HOST) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },

    close() {
      closing ??= (async () => {
        shuttingDown = true;
        // Requests in flight finish, but their connections close afterwards instead of idling.
        for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
        const stopped = new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
        });
        // Live streams end now (clients reconnect elsewhere); idle keep-alive sockets close now;
        // requests in flight get SHUTDOWN_TIMEOUT to finish before their sockets are cut.
        events.close();
        // Connections with no request (keep-alive between requests, or opened and never used) close now.
        for (const [socket, requests] of connections) if (requests === 0) socket.destroy();
        const force = setTimeout(() => {
          logger.warn("shutdown timeout: closing the remaining connections");
          server.closeAllConnections();
        }, env.SHUTDOWN_TIMEOUT);
        force.unref();
        await stopped;
        clearTimeout(force);
        await stopRelay?.();
        await store.close();
        logger.info("server stopped");
      })();
      return closing;
    },
  };
}

/** The normalized path (dot segments resolved) and the query string without "?". */
function safeUrl(url: string | undefined): { pathname: string; search: string } {
  try {
    const parsed = new URL(url ?? "/", "http://localhost");
    return { pathname: parsed.pathname, search: parsed.search.slice(1) };
  } catch {
    return { pathname: "/", search: "" };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}
