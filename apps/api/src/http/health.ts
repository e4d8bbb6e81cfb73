// Probes for orchestrators. /healthz: the process is up (liveness, never touches the database).
// /readyz: this instance can serve now — not shutting down, and the database answers — so a load
// balancer stops sending it traffic before a restart or while the database is away.
import type { ServerResponse } from "node:http";
import type { SessionsStore } from "@sessions/core";
import type { Logger } from "../logger.js";
import { sendJson } from "./send-json.js";

export interface HealthChecks {
  live(res: ServerResponse): void;
  ready(res: ServerResponse): Promise<void>;
}

export function createHealthChecks(options: {
  store: SessionsStore;
  logger: Logger;
  isShuttingDown(): boolean;
}): HealthChecks {
  const { store, logger } = options;
  return {
    live: (res) => sendJson(res, 200, { status: "ok" }),
    async ready(res) {
      if (options.isShuttingDown()) return sendJson(res, 503, { status: "shutting down" });
      try {
        await store.ping();
        return sendJson(res, 200, { status: "ready", database: store.dialect });
      } catch (error) {
        logger.warn({ err: error }, "database unreachable");
        return sendJson(res, 503, { status: "database unreachable" });
      }
    },
  };
}
