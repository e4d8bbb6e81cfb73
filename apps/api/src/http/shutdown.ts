// Graceful shutdown. On close (SIGTERM in production): stop accepting, end live streams, close idle
// keep-alive connections at once, let requests in flight finish within SHUTDOWN_TIMEOUT and close
// their connections after them, then release the rest (the store). Connections and requests are
// counted here because node:http alone cannot tell an idle keep-alive socket from a busy one.
import type { Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { flushLogger, type Logger } from "../logger.js";

export interface GracefulShutdownOptions {
  server: Server;
  logger: Logger;
  /** How long requests in flight get before their connections are cut. */
  timeoutMs: number;
  /** Ends what would hold connections open forever (live event streams); called once connections stop. */
  endStreams(): void;
  /** Called once the server has stopped: closes what the requests used (relays, the store). */
  release(): Promise<void>;
}

export interface GracefulShutdown {
  /** True from the moment close() starts: new responses say Connection: close, /readyz says 503. */
  readonly shuttingDown: boolean;
  /** Counts a request in; call requestDone when its response closes. */
  requestStarted(res: ServerResponse, socket: Socket): void;
  /** Counts it out; during shutdown a connection closes as soon as its last request is done. */
  requestDone(res: ServerResponse, socket: Socket): void;
  /** Shuts down once; every later call returns the same promise. */
  close(): Promise<void>;
}

export function createGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const { server, logger } = options;
  let shuttingDown = false;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<ServerResponse>();
  /** Open connections and how many requests each is serving: idle ones are closed at shutdown. */
  const connections = new Map<Socket, number>();

  server.on("connection", (socket: Socket) => {
    connections.set(socket, 0);
    socket.once("close", () => connections.delete(socket));
  });

  return {
    get shuttingDown() {
      return shuttingDown;
    },

    requestStarted(res, socket) {
      inFlight.add(res);
      connections.set(socket, (connections.get(socket) ?? 0) + 1);
    },

    requestDone(res, socket) {
      inFlight.delete(res);
      const remaining = (connections.get(socket) ?? 1) - 1;
      if (connections.has(socket)) connections.set(socket, remaining);
      // During shutdown, keep-alive connections close as soon as their last request is done.
      if (shuttingDown && remaining === 0) socket.end();
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
        // requests in flight get the timeout to finish before their sockets are cut.
        options.endStreams();
        // Connections with no request (keep-alive between requests, or opened and never used) close now.
        for (const [socket, requests] of connections) if (requests === 0) socket.destroy();
        const force = setTimeout(() => {
          logger.warn("shutdown timeout: closing the remaining connections");
          server.closeAllConnections();
        }, options.timeoutMs);
        force.unref();
        await stopped;
        clearTimeout(force);
        await options.release();
        logger.info("server stopped");
      })();
      return closing;
    },
  };
}

/**
 * SIGTERM (orchestrators) and SIGINT (Ctrl-C) close the app once, write out the buffered log lines,
 * and exit: 0 after a clean close, 1 when closing failed.
 */
export function closeOnSignals(close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Log lines are buffered (logger.ts): write them out before exiting.
    close().then(
      () => flushLogger(logger).then(() => process.exit(0)),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        return flushLogger(logger).then(() => process.exit(1));
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
