// How errors reach a client. The service's errors become tRPC codes with their own messages;
// validation failures carry field-level issues; an unexpected error shows only the id it was logged
// under, and a stack trace only when exposeErrorDetails (NODE_ENV=development) says so. One file,
// so what a client may learn from a failure is decided in one place.
import { randomUUID } from "node:crypto";
import { ReauthRequiredError, SessionsError, UnavailableError, type ErrorIssue } from "@sessions/core";
import { TRPCError, type TRPCDefaultErrorShape } from "@trpc/server";
import type { Context } from "./context.js";

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
  unauthorized: "UNAUTHORIZED",
  config: "INTERNAL_SERVER_ERROR",
  unavailable: "SERVICE_UNAVAILABLE",
} as const satisfies Record<SessionsError["code"], TRPCError["code"]>;

/** The tRPC error for one of the service's errors (a database fault is SERVICE_UNAVAILABLE, 503). */
export function domainTrpcError(cause: SessionsError): TRPCError {
  return new TRPCError({ code: DOMAIN_CODES[cause.code], message: cause.message, cause });
}

/** Turns the service's errors into tRPC codes; anything else stays an INTERNAL_SERVER_ERROR. */
export function mapDomainError<R extends { ok: true } | { ok: false; error: TRPCError }>(result: R): R {
  if (!result.ok && result.error.cause instanceof SessionsError) throw domainTrpcError(result.error.cause);
  return result;
}

/** Seconds a client should wait before trying again: a rate limit's, or a database fault's. */
export function retryAfterOf(error: TRPCError): number | null {
  if (error instanceof RateLimitedError) return error.retryAfterSeconds;
  if (error.cause instanceof UnavailableError) return error.cause.retryAfterSeconds;
  return null;
}

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

/**
 * tRPC's errorFormatter: the shape every error response has (`error.data`: code, httpStatus, path,
 * issues, errorId, retryAfterSeconds, reauthRequired, and stack only in development). Its return type is the
 * router's error shape, which the console and the client read.
 */
export function formatError({
  shape,
  error,
  ctx,
}: {
  shape: TRPCDefaultErrorShape;
  error: TRPCError;
  ctx: Context | undefined;
}) {
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
      retryAfterSeconds: retryAfterOf(error),
      // The console answers this by asking for the password (auth.reauthenticate) and retrying.
      reauthRequired: error.cause instanceof ReauthRequiredError,
      ...(dev && error.stack ? { stack: error.stack } : {}),
    },
  };
}
