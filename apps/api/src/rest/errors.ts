// Errors outside tRPC's wire format (REST under /api/v1, /metrics) as plain JSON: the very code,
// message and details tRPC's formatter gives the same failure (trpc/errors.ts formatError), with
// the HTTP status tRPC would answer, so a service sees the same error whichever API it calls.
import type { ServerResponse } from "node:http";
import { getErrorShape, type TRPCError } from "@trpc/server";
import { appRouter } from "../router/index.js";
import type { Context } from "../trpc/context.js";
import { retryAfterOf } from "../trpc/errors.js";
import { sendJson } from "../http/send-json.js";

/** The JSON body of every REST error: `{ error: RestError }`. */
export interface RestError {
  code: TRPCError["code"];
  message: string;
  /** Field-level problems of a BAD_REQUEST, each with the input path it names. */
  issues: { path: string; message: string }[] | null;
  /** An INTERNAL_SERVER_ERROR's id in the server log. */
  errorId: string | null;
  /** SERVICE_UNAVAILABLE and TOO_MANY_REQUESTS: when to try again (also the Retry-After header). */
  retryAfterSeconds: number | null;
  /** FORBIDDEN because the console user must confirm their password first. */
  reauthRequired: boolean;
}

export function restErrorOf(
  error: TRPCError,
  ctx: Context | undefined,
  path: string | undefined,
): { status: number; body: { error: RestError } } {
  const shape = getErrorShape({
    config: appRouter._def._config,
    error,
    ctx,
    path,
    input: undefined,
    type: "query",
  });
  const { data } = shape;
  return {
    status: data.httpStatus,
    body: {
      error: {
        code: data.code,
        message: shape.message,
        issues: data.issues,
        errorId: data.errorId,
        retryAfterSeconds: data.retryAfterSeconds,
        reauthRequired: data.reauthRequired,
      },
    },
  };
}

export function sendRestError(
  res: ServerResponse,
  error: TRPCError,
  ctx: Context | undefined,
  path: string | undefined,
): void {
  const { status, body } = restErrorOf(error, ctx, path);
  const wait = retryAfterOf(error);
  if (wait !== null) res.setHeader("Retry-After", String(wait));
  sendJson(res, status, body);
}
