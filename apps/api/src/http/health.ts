// Probes for orchestrators. /healthz: the process is up (liveness, never touches the database).
// /readyz: this instance can serve now — not shutting down, the database answers in time, and it
// can write (no write has failed for want of space since the last that succeeded; SQLite: its
// disk has room; Postgres: the server is a primary and not set read-only) — so a load balancer stops sending it traffic before a restart, while the
// database is away, or while its disk is full.
import { statfs } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { UnavailableError, type SessionsStore } from "@sessions/core";
import type { Logger } from "../logger.js";
import { sendJson } from "./send-json.js";

/** Below this much free space on a SQLite database's filesystem the instance reports not ready. */
export const MIN_FREE_BYTES = 1024 * 1024;

/** How long a write refused for want of space keeps the instance out of rotation. */
export const STORAGE_FULL_HOLD_MS = 10_000;

/** Free bytes on the filesystem holding `path` (what an unprivileged writer may use). */
export async function freeBytesAt(path: string): Promise<number> {
  const stats = await statfs(path);
  return stats.bavail * stats.bsize;
}

/** Probes time out in seconds (Kubernetes' default is 1 s): answer well within that. */
export const READY_TIMEOUT_MS = 800;

export interface HealthChecks {
  live(res: ServerResponse): void;
  ready(res: ServerResponse): Promise<void>;
}

export function createHealthChecks(options: {
  store: SessionsStore;
  logger: Logger;
  isShuttingDown(): boolean;
  /** How long /readyz waits for the database (default READY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Free bytes where the database writes (SQLite files only), checked on each probe. */
  freeBytes?: () => Promise<number>;
}): HealthChecks {
  const { store, logger } = options;
  return {
    live: (res) => sendJson(res, 200, { status: "ok" }),
    async ready(res) {
      if (options.isShuttingDown()) return sendJson(res, 503, { status: "shutting down" });
      const fullAt = store.faultState().storageFullAt;
      if (fullAt && Date.now() - fullAt.getTime() < STORAGE_FULL_HOLD_MS)
        return sendJson(res, 503, { status: "storage full" });
      if (options.freeBytes) {
        const free = await options.freeBytes().catch(() => null);
        if (free !== null && free < MIN_FREE_BYTES) return sendJson(res, 503, { status: "storage full" });
      }
      // A load balancer's probe must get an answer in time even from a hung database: past
      // READY_TIMEOUT_MS the database counts as unreachable (the ping runs on, unawaited).
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), options.timeoutMs ?? READY_TIMEOUT_MS);
      });
      try {
        const outcome = await Promise.race([store.ping().then(() => "ok" as const), late]);
        if (outcome === "ok") return sendJson(res, 200, { status: "ready", database: store.dialect });
        logger.warn("database did not answer the readiness probe in time");
        return sendJson(res, 503, { status: "database unreachable" });
      } catch (error) {
        if (error instanceof UnavailableError && error.reason === "read_only") {
          logger.warn("database takes only reads (a standby, or set read-only)");
          return sendJson(res, 503, { status: "database read-only" });
        }
        logger.warn({ err: error }, "database unreachable");
        return sendJson(res, 503, { status: "database unreachable" });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
