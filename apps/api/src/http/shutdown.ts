// Graceful shutdown. On close (SIGTERM in production): stop accepting, end live streams, let
// requests in flight finish within SHUTDOWN_TIMEOUT, then release the rest (the store).
//
// Keep-alive connections are where a shutdown loses requests: a client may be sending its next
// request on a socket the server sees as idle, and a socket closed under it resets that request
// (ECONNRESET) with no way to tell whether it was applied. So nothing is closed under a client that
// may be using it: every response from the moment shutdown starts says `Connection: close` (the
// client then opens a new connection, which is refused: the listener is closed), a request that
// arrives on an idle socket meanwhile is served the same way, and a socket is closed for idleness
// only once it has carried no request for DRAIN_IDLE_MS. Node's own server.close() would close
// idle sockets at once (the race above), so the listener is closed with net.Server's close.
// Connections and requests are counted here because node:http does not say which are idle.
//
// "Carried no request" must mean the server has read nothing new, not only that no request event
// came: when the process is stalled for longer than DRAIN_IDLE_MS (CPU starved, a long GC), the
// sweep's timer runs first once the loop turns again, before the poll phase has read the bytes a
// client sent meanwhile, and a socket that looks idle by the clock holds an unread request. So a
// socket is closed only if it has read no byte since its last response, and only after one poll
// phase has passed (setImmediate) with that still true.
import type { Server, ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";
import { flushLogger, type Logger } from "../logger.js";

export interface GracefulShutdownOptions {
  server: Server;
  logger: Logger;
  /** How long requests in flight get before their connections are cut. */
  timeoutMs: number;
  /**
   * During shutdown, a keep-alive socket idle this long is closed (default DRAIN_IDLE_MS): long
   * enough that a client reusing it has sent its next request by then, which is then answered.
   */
  drainIdleMs?: number;
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

/** See drainIdleMs. A client reusing a socket sends within milliseconds of its last response. */
export const DRAIN_IDLE_MS = 1_000;

export function createGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const { server, logger } = options;
  const drainIdleMs = options.drainIdleMs ?? DRAIN_IDLE_MS;
  let shuttingDown = false;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<ServerResponse>();
  /**
   * Open connections: how many requests each is serving, since when it has served none, and how
   * many bytes it had read then (more read since means a request is arriving).
   */
  const connections = new Map<Socket, { requests: number; idleSince: number; readAtIdle: number }>();

  server.on("connection", (socket: Socket) => {
    connections.set(socket, { requests: 0, idleSince: Date.now(), readAtIdle: socket.bytesRead });
    socket.once("close", () => connections.delete(socket));
  });

  /** Idle for drainIdleMs by the clock, with nothing read since its last response. */
  function idle(socket: Socket, now: number): boolean {
    const c = connections.get(socket);
    return !!c && c.requests === 0 && now - c.idleSince >= drainIdleMs && socket.bytesRead === c.readAtIdle;
  }

  /** Closes the sockets idle for drainIdleMs, once a poll phase has confirmed it (see the top). */
  function closeIdle(): void {
    const now = Date.now();
    const candidates = [...connections.keys()].filter((socket) => idle(socket, now));
    if (candidates.length === 0) return;
    setImmediate(() => {
      for (const socket of candidates) if (idle(socket, now)) socket.destroy();
    });
  }

  return {
    get shuttingDown() {
      return shuttingDown;
    },

    requestStarted(res, socket) {
      inFlight.add(res);
      const c = connections.get(socket);
      if (c) c.requests += 1;
    },

    requestDone(res, socket) {
      inFlight.delete(res);
      // A response that said Connection: close closes its socket itself (node:http); one whose
      // headers went out before shutdown began left it open, and it is idle from now on.
      const c = connections.get(socket);
      if (c) {
        c.requests = Math.max(0, c.requests - 1);
        if (c.requests === 0) {
          c.idleSince = Date.now();
          c.readAtIdle = socket.bytesRead;
        }
      }
    },

    close() {
      closing ??= (async () => {
        shuttingDown = true;
        // Requests in flight finish, but their connections close afterwards instead of idling.
        for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
        // net.Server's close: stop listening and call back once every connection has closed,
        // without node:http's closing of idle sockets (see the top of this file).
        const stopped = new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          NetServer.prototype.close.call(server, () => resolve());
        });
        // Live streams end now (clients reconnect elsewhere); requests in flight get the timeout.
        options.endStreams();
        const sweep = setInterval(closeIdle, Math.max(10, Math.min(100, drainIdleMs / 4)));
        closeIdle();
        const force = setTimeout(() => {
          logger.warn("shutdown timeout: closing the remaining connections");
          server.closeAllConnections();
        }, options.timeoutMs);
        force.unref();
        await stopped;
        clearInterval(sweep);
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
