// GET /metrics: the Prometheus exposition of this instance (metrics.ts), for an API key with the
// metrics:read scope sent as Bearer (Prometheus' `authorization` setting) or a console sign-in.
// Refusals are the API's own (401/403 JSON) and go to the refusal log like any other.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import type { Context } from "../trpc/context.js";
import { refusalOf } from "../trpc/procedures.js";
import { sendRestError } from "../rest/errors.js";

export interface MetricsEndpointOptions {
  createContext(opts: { req: IncomingMessage; res: ServerResponse }): Promise<Context>;
  /** Reports a refusal or failure as tRPC's onError does (refusal log, error log). */
  onError(error: TRPCError, ctx: Context | undefined): void;
}

export const METRICS_ACCESS = { role: "viewer", scope: "metrics:read" } as const;

export function createMetricsEndpoint(options: MetricsEndpointOptions) {
  return async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return sendRestError(
        res,
        new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: "Use GET for /metrics." }),
        undefined,
        "metrics",
      );
    }
    let ctx: Context | undefined;
    try {
      ctx = await options.createContext({ req, res });
      const refusal = refusalOf(ctx.caller, METRICS_ACCESS);
      if (refusal) throw refusal;
      const { contentType, text } = await ctx.metrics.render();
      res.statusCode = 200;
      res.setHeader("Content-Type", contentType);
      res.end(req.method === "HEAD" ? undefined : text);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError(error, ctx);
      sendRestError(res, error, ctx, "metrics");
    }
  };
}
