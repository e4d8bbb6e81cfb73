// createApp: the whole server from its parts (env, store, clock, logger, limits), with nothing held in
// module state, so tests can build as many as they like. Each request goes through a short pipeline
// of named steps: security headers, shutdown and log bookkeeping, then health probes, tRPC under
// /trpc, the built console with SPA fallback, or 404. Each step lives in a file of its own here.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { dirname } from "node:path";
import { openStore, parseDatabaseUrl, type SessionsStore } from "@sessions/core";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createAppServices, type AppServicesOptions } from "../app-services.js";
import { createRefusalLog } from "../refusal-log.js";
import { appRouter } from "../router/index.js";
import { createHttpContextFactory, type AppServices, type Context } from "../trpc/context.js";
import { errorIdOf, retryAfterOf } from "../trpc/errors.js";
import { createTrpcHttpHandler } from "../trpc/http-handler.js";
import { startCleanupJob } from "../jobs/cleanup.js";
import { startWebhookDispatcher } from "../jobs/webhooks.js";
import { createUnavailableLog } from "../unavailable-log.js";
import { createCompress } from "./compress.js";
import { answerCors } from "./cors.js";
import { setSecurityHeaders } from "./headers.js";
import { createHealthChecks, freeBytesAt } from "./health.js";
import { createMetricsEndpoint } from "./metrics-endpoint.js";
import { createApiDocs } from "./api-docs.js";
import { createRestHandler, matchRoute, REST_BASE } from "../rest/handler.js";
import { createExportHandler, exportAt } from "../rest/export.js";
import { sendRestError } from "../rest/errors.js";
import { clientIp, isHttps } from "./request.js";
import { createRequestLog } from "./request-log.js";
import { sendJson } from "./send-json.js";
import { createGracefulShutdown } from "./shutdown.js";
import { createStaticHandler } from "./static.js";

export interface CreateAppOptions extends Omit<AppServicesOptions, "store"> {
  /** During shutdown, how long a keep-alive socket must sit idle before it is closed (shutdown.ts). */
  drainIdleMs?: number;
  /** Defaults to openStore(env.DATABASE_URL, { timeoutMs: env.DATABASE_TIMEOUT, readWorkers: env.SQLITE_READ_WORKERS, bulkWrites: env.SQLITE_BULK_WRITES }). The app closes it on close(). */
  store?: SessionsStore;
}

export interface App extends AppServices {
  store: SessionsStore;
  server: Server;
  /** Starts listening (port 0 = any free port) and resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, ends live streams, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>;
}

export async function createApp(options: CreateAppOptions): Promise<App> {
  const { env } = options;
  const store =
    options.store ??
    (await openStore(env.DATABASE_URL, {
      timeoutMs: env.DATABASE_TIMEOUT,
      readWorkers: env.SQLITE_READ_WORKERS,
      bulkWrites: env.SQLITE_BULK_WRITES,
      directUrl: env.DATABASE_DIRECT_URL,
    }));
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
    rememberSignIn: env.CONSOLE_REMEMBER,
    publicOrigin: env.PUBLIC_URL ?? null,
  });
  const logRefusal = createRefusalLog({ logger, now: () => services.clock.now().getTime() });
  const logUnavailable = createUnavailableLog(logger);
  const onError = ({
    error,
    path,
    ctx,
    req,
  }: {
    error: TRPCError;
    path: string | undefined;
    ctx?: Context | undefined;
    req: IncomingMessage | undefined;
  }) => {
    if (error.code === "SERVICE_UNAVAILABLE") {
      // A database fault: every call during an outage gets here, so the log says it a few times a
      // second at most, with how many were answered 503 since the last line.
      logUnavailable(error);
    } else if (error.code === "INTERNAL_SERVER_ERROR") {
      logger.error(
        { errorId: errorIdOf(error), procedure: path, err: error.cause ?? error },
        "unexpected error",
      );
    } else if (
      (error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED") &&
      // A wrong password is an authentication failure, already an audit event (auth.login_failed).
      path !== "auth.login"
    ) {
      // ctx is missing when the request was refused before it had one (the CSRF check).
      const ip = ctx ? ctx.ip : req ? clientIp(req, env.TRUST_PROXY) : null;
      const caller = ctx?.caller;
      logRefusal({
        code: error.code,
        procedure: path,
        caller:
          caller?.type === "user"
            ? `user:${caller.user.id}`
            : caller?.type === "api_key"
              ? `api_key:${caller.key.id}`
              : `anonymous:${ip ?? "unknown"}`,
        ip,
        // UNAUTHORIZED's message only says how to sign in; FORBIDDEN's names what was missing.
        reason: error.code === "FORBIDDEN" ? error.message : null,
      });
    }
  };
  const trpcOptions = {
    router: appRouter,
    basePath: "/trpc/",
    createContext,
    onError,
    maxBodySize: 1_000_000,
    maxBatchSize: 50,
    // tRPC's own handler (streams, malformed calls): the same Retry-After on a database fault.
    responseMeta: ({ errors }: { errors: TRPCError[] }) => {
      const waits = errors.filter((e) => e.code === "SERVICE_UNAVAILABLE").map((e) => retryAfterOf(e) ?? 1);
      return waits.length ? { headers: { "Retry-After": String(Math.max(...waits)) } } : {};
    },
  };
  // Plain queries and mutations are served without tRPC's fetch-API adapter; subscriptions,
  // streaming and malformed calls go through tRPC's own handler (trpc/http-handler.ts), set up alike.
  const trpcHandler = createTrpcHttpHandler({ ...trpcOptions, fallback: createHTTPHandler(trpcOptions) });
  const serveMetrics = createMetricsEndpoint({
    createContext,
    onError: (error, ctx) => onError({ error, path: "metrics", ctx, req: undefined }),
  });
  const serveRest = createRestHandler({
    createContext,
    maxBodySize: trpcOptions.maxBodySize,
    onError: (error, ctx, path) => onError({ error, path, ctx, req: undefined }),
  });
  const serveExport = createExportHandler({
    createContext,
    now: () => services.clock.now(),
    onError: (error, ctx, path) => onError({ error, path, ctx, req: undefined }),
  });
  const serveDocs = createApiDocs();
  const logRequest = createRequestLog(logger);
  const serveConsole = createStaticHandler(env.CONSOLE_DIR);
  const compress = createCompress();
  if (serveConsole) logger.info({ dir: env.CONSOLE_DIR }, "serving the console");

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const errorId = randomUUID();
      logger.error({ errorId, err: error }, "request handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: "Internal server error", errorId });
      else res.destroy();
    });
  });
  // Housekeeping in this process, in batches between requests (jobs/cleanup.ts).
  const cleanup =
    env.PRUNE_INTERVAL === null
      ? null
      : startCleanupJob({ service: services.service, logger, intervalMs: env.PRUNE_INTERVAL });
  // Webhook delivery in this process too (jobs/webhooks.ts); "off" leaves it to other instances.
  const dispatcher =
    env.WEBHOOK_POLL_INTERVAL === null
      ? null
      : startWebhookDispatcher({
          service: services.service,
          logger,
          intervalMs: env.WEBHOOK_POLL_INTERVAL,
          nudges: services.webhookNudge,
        });
  const shutdown = createGracefulShutdown({
    server,
    logger,
    timeoutMs: env.SHUTDOWN_TIMEOUT,
    drainIdleMs: options.drainIdleMs,
    endStreams: () => {
      // A cleanup in progress stops after its current batch (awaited before the store closes).
      void cleanup?.stop();
      void dispatcher?.stop();
      events.close();
    },
    release: async () => {
      await cleanup?.stop();
      await dispatcher?.stop();
      await stopRelay?.();
      await store.close();
    },
  });
  const target = parseDatabaseUrl(env.DATABASE_URL);
  const health = createHealthChecks({
    store,
    logger,
    isShuttingDown: () => shutdown.shuttingDown,
    freeBytes:
      // The store is the one env.DATABASE_URL names (main.ts opens it from there); a missing
      // directory (a test's in-memory store) is no answer, and no answer is not a refusal.
      target.dialect === "sqlite" && target.filename !== ":memory:"
        ? () => freeBytesAt(dirname(target.filename))
        : undefined,
  });
  // Slow clients cannot hold a connection open forever; SSE streams send pings well inside this.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const { pathname, search } = safeUrl(req.url);
    setSecurityHeaders(res, isHttps(req, env.TRUST_PROXY, env.PUBLIC_URL ?? null));
    if (shutdown.shuttingDown) res.setHeader("Connection", "close");
    const isTrpc = pathname.startsWith("/trpc/");
    const socket = req.socket;
    // The http_request_duration_seconds label: a fixed set of values, never the raw path.
    let route = "not_found";
    shutdown.requestStarted(res, socket);
    res.once("close", () => {
      logRequest(req, res, pathname, isTrpc, started);
      services.metrics.observeRequest(route, res.statusCode, (performance.now() - started) / 1000);
      shutdown.requestDone(res, socket);
    });

    if (pathname === "/healthz" || pathname === "/readyz" || pathname === "/metrics") route = pathname;
    if (pathname === "/healthz") return health.live(res);
    if (pathname === "/readyz") return health.ready(res);
    if (pathname === "/metrics") return serveMetrics(req, res);
    if (isTrpc) {
      route = trpcRoute(pathname);
      await compress(req, res);
      return serveTrpc(req, res, pathname, search);
    }
    if (pathname === REST_BASE || pathname.startsWith(`${REST_BASE}/`)) {
      const exported = exportAt(pathname);
      if (exported) {
        route = `${exported.what}.export`;
        return serveExport(req, res, exported, search);
      }
      const match = matchRoute(req.method, pathname);
      if ("compiled" in match) {
        route = match.compiled.route.operationId;
        await compress(req, res);
        return serveRest(req, res, match, search);
      }
      route = "rest_unmatched";
      res.setHeader("Cache-Control", "no-store");
      if (match.status === 405) res.setHeader("Allow", match.allow.join(", "));
      return sendRestError(
        res,
        new TRPCError({
          code: match.status === 405 ? "METHOD_NOT_SUPPORTED" : "NOT_FOUND",
          message:
            match.status === 405
              ? `Use ${match.allow.join(" or ")} for ${pathname}.`
              : `No such endpoint: ${req.method} ${pathname} (see /api/openapi.json).`,
        }),
        undefined,
        undefined,
      );
    }
    if (pathname === "/api" || pathname.startsWith("/api/")) {
      route = "api_docs";
      if (await serveDocs(req, res, pathname)) return;
      // Never the console's index.html: a mistyped API path is an API 404.
      route = "not_found";
      return sendJson(res, 404, { error: "Not found (the API is under /api/v1; see /api/openapi.json)." });
    }
    if (serveConsole && (req.method === "GET" || req.method === "HEAD")) {
      route = "console";
      if (await serveConsole(req, res, pathname)) return;
      route = "not_found";
    }
    sendJson(res, 404, { error: "Not found" });
  }

  /** Never cached; CORS for allowed origins; only GET and POST reach tRPC. */
  function serveTrpc(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    search: string,
  ): Promise<void> | void {
    res.setHeader("Cache-Control", "no-store");
    if (answerCors(req, res, env.ALLOWED_ORIGINS)) return;
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("Allow", "GET, POST");
      return sendJson(res, 405, { error: "Use GET for queries and subscriptions, POST for mutations." });
    }
    return trpcHandler(req, res, pathname, search);
  }

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

    close: () => shutdown.close(),
  };
}

const procedurePaths = new Set(Object.keys(appRouter._def.procedures));

/** A tRPC request's metrics label: its procedure, "batch" for several, "unknown" for no procedure. */
function trpcRoute(pathname: string): string {
  const path = pathname.slice("/trpc/".length);
  if (path.includes(",")) return "batch";
  return procedurePaths.has(path) ? path : "unknown";
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
