// tRPC over node:http without the fetch-API detour. tRPC's node adapter turns every request into a
// WHATWG Request (Headers, a ReadableStream body, AbortSignal.any) and every answer into a Response
// that it pipes back through a WritableStream: about a fifth of the API's CPU per call in the
// sessions.validate benchmark. Plain query and mutation calls — what httpBatchLink sends — are
// served here with tRPC's own public building blocks (the procedure itself, error shapes, the
// transformer, status codes), with the same wire format, errors and onError reports as
// resolveResponse. Everything else goes to tRPC's handler unchanged: subscriptions (SSE), jsonl
// streaming, form data and binary bodies, HEAD, and every malformed call (unknown procedure, wrong
// method, bad path, oversized batch), so tRPC alone decides what those answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
  TRPCError,
  type AnyTRPCProcedure,
} from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { AppRouter } from "../router/index.js";
import type { Context } from "./context.js";
import { retryAfterOf } from "./errors.js";

/**
 * The @trpc/server version this handler was last checked against. It leans on more than tRPC's
 * public API promises (below), so an upgrade can change its answers without a type error:
 * test/trpc-version.test.ts fails until the list has been re-checked against the new version and
 * this constant bumped (pnpm-workspace.yaml's catalog pins the version).
 */
export const CHECKED_TRPC_VERSION = "11.22.1";

/** What to re-check in tRPC's source before bumping CHECKED_TRPC_VERSION. */
export const TRPC_INTERNALS_RELIED_ON = [
  "router._def.procedures: a flat record keyed by dotted paths; router._def._config holds the transformer",
  "calling a procedure as procedure({ path, type, ctx, signal, batchIndex, getRawInput }), and procedure._def.type",
  "getErrorShape, getTRPCErrorFromUnknown, transformTRPCResponse, getHTTPStatusCode: same signatures and results",
  "resolveResponse's choice of a jsonl stream (trpc-accept, or accept listing application/jsonl) and of connectionParams",
  'resolveResponse\'s batch input (?batch=1, an object keyed by index) and its messages ("input" needs to be an object…, stream-like response…)',
  "the fetch adapter's body reading (UTF-8, a leading byte-order mark dropped) and the vary/content-type headers of a JSON answer",
] as const;

type ProcedureType = "query" | "mutation";
type ErrorShape = AppRouter["_def"]["_config"]["$types"]["errorShape"];
type RpcResponse = { result: { data: unknown } } | { error: ErrorShape };

export interface TrpcHttpOptions {
  router: AppRouter;
  /** The path prefix tRPC is served under, with a trailing slash (e.g. "/trpc/"). */
  basePath: string;
  createContext(opts: { req: IncomingMessage; res: ServerResponse }): Promise<Context>;
  maxBodySize: number;
  maxBatchSize: number;
  onError(opts: {
    error: TRPCError;
    path: string | undefined;
    input: unknown;
    ctx: Context | undefined;
    type: ProcedureType;
    req: IncomingMessage;
  }): void;
  /** tRPC's own node handler, for every request this one does not serve. */
  fallback(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

interface Call {
  path: string;
  procedure: AnyTRPCProcedure;
}

function isProcedure(value: unknown): value is AnyTRPCProcedure {
  return typeof value === "function" && "_def" in value && "procedure" in value && value.procedure === true;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Media types are case-insensitive; parameters (charset) do not matter. */
function mediaType(value: string | undefined): string | undefined {
  return value?.toLowerCase().split(";", 1)[0]?.trim();
}

/** What resolveResponse treats as a jsonl streaming request (trpc-accept, or accept listing it). */
function wantsStream(req: IncomingMessage): boolean {
  if (req.headers["trpc-accept"] !== undefined) return true;
  const accept = firstHeader(req.headers.accept);
  return accept !== undefined && accept.split(",").some((t) => t.trim() === "application/jsonl");
}

/**
 * The calls of a request this handler serves, or null for tRPC's handler: GET queries or POST
 * mutations with a JSON body (or none on GET), every path naming a procedure of the right type.
 */
function plainCalls(
  router: AppRouter,
  req: IncomingMessage,
  path: string,
  search: URLSearchParams,
  maxBatchSize: number,
): { calls: Call[]; isBatch: boolean } | null {
  const type: ProcedureType | null =
    req.method === "GET" ? "query" : req.method === "POST" ? "mutation" : null;
  if (type === null || wantsStream(req) || search.has("connectionParams")) return null;
  const contentType = mediaType(firstHeader(req.headers["content-type"]));
  if (
    type === "mutation"
      ? contentType !== "application/json"
      : contentType !== undefined && contentType !== "application/json"
  )
    return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const isBatch = search.get("batch") === "1";
  const paths = isBatch ? decoded.split(",") : [decoded];
  if (isBatch && paths.length > maxBatchSize) return null;
  const procedures = router._def.procedures as Record<string, unknown>;
  const calls: Call[] = [];
  for (const p of paths) {
    const procedure = Object.hasOwn(procedures, p) ? procedures[p] : undefined;
    if (!isProcedure(procedure) || procedure._def.type !== type) return null;
    calls.push({ path: p, procedure });
  }
  return { calls, isBatch };
}

/** The raw request body as text, or a TRPCError (too large, unreadable, or the client went away). */
export function readBody(req: IncomingMessage, maxBodySize: number): Promise<string | TRPCError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: string | TRPCError) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodySize) return done(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
      chunks.push(chunk);
    };
    // Like the fetch API's Body.text(): UTF-8 with a leading byte-order mark dropped.
    const onEnd = () =>
      done(
        Buffer.concat(chunks, size)
          .toString("utf8")
          .replace(/^\uFEFF/, ""),
      );
    // The request stream fails ("aborted") or closes early when the client disconnects mid-body:
    // nothing more will come and 'end' never fires.
    const onError = (cause: Error) =>
      done(new TRPCError({ code: "CLIENT_CLOSED_REQUEST", message: cause.message, cause }));
    const onClose = () => done(new TRPCError({ code: "CLIENT_CLOSED_REQUEST" }));
    if (req.destroyed) return onClose();
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

export function createTrpcHttpHandler(options: TrpcHttpOptions) {
  const { router, basePath, maxBodySize, maxBatchSize } = options;
  const config = router._def._config;
  const transformer = config.transformer;

  /** `pathname` starts with basePath; `search` is the query string without "?" ("" if none). */
  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    search: string,
  ): Promise<void> {
    const searchParams = new URLSearchParams(search);
    const plan = plainCalls(router, req, pathname.slice(basePath.length), searchParams, maxBatchSize);
    if (!plan) return options.fallback(req, res);
    const { calls, isBatch } = plan;
    const type: ProcedureType = req.method === "GET" ? "query" : "mutation";

    // The procedures' signal: aborted when the client goes away before the answer is written.
    const abort = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) abort.abort();
    });

    // Inputs are read once, on the first procedure that asks (as resolveResponse's memo does).
    let inputs: Promise<Record<number, unknown>> | null = null;
    let parsedInputs: Record<number, unknown> | undefined;
    const readInputs = async (): Promise<Record<number, unknown>> => {
      let raw: unknown = undefined;
      try {
        if (type === "query") {
          const query = searchParams.get("input");
          if (query) raw = JSON.parse(query);
        } else {
          const body = await readBody(req, maxBodySize);
          if (body instanceof TRPCError) throw body;
          raw = JSON.parse(body);
        }
        const result: Record<number, unknown> = {};
        if (raw === undefined) return result;
        if (!isBatch) {
          result[0] = transformer.input.deserialize(raw);
        } else {
          if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
            throw new TRPCError({
              code: "BAD_REQUEST",
              message: '"input" needs to be an object when doing a batch call',
            });
          }
          const batch = raw as Record<string, unknown>;
          for (let i = 0; i < calls.length; i++) {
            if (batch[i] !== undefined) result[i] = transformer.input.deserialize(batch[i]);
          }
        }
        parsedInputs = result;
        return result;
      } catch (cause) {
        if (cause instanceof TRPCError) throw cause;
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: cause instanceof Error ? cause.message : "Invalid input",
          cause,
        });
      }
    };

    let ctx: Context | undefined;
    let ctxError: TRPCError | null = null;
    try {
      ctx = await options.createContext({ req, res });
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }

    // A database fault tells the client when to come back (the longest wait of the batch's calls).
    let retryAfter: number | null = null;
    const outcomes = await Promise.all(
      calls.map(async ({ path, procedure }, index): Promise<RpcResponse> => {
        try {
          if (ctxError) throw ctxError;
          const data: unknown = await procedure({
            path,
            type,
            ctx,
            signal: abort.signal,
            batchIndex: index,
            getRawInput: async () => (await (inputs ??= readInputs()))[index],
          });
          if (isDataStream(data)) {
            throw new TRPCError({
              code: "UNSUPPORTED_MEDIA_TYPE",
              message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
            });
          }
          return { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          const input = parsedInputs?.[index];
          if (error.code === "SERVICE_UNAVAILABLE")
            retryAfter = Math.max(retryAfter ?? 0, retryAfterOf(error) ?? 1);
          options.onError({ error, path, input, ctx, type, req });
          return { error: getErrorShape({ config, ctx, error, input, path, type }) };
        }
      }),
    );

    let body: RpcResponse | RpcResponse[] = isBatch ? outcomes : outcomes[0]!;
    let text: string;
    try {
      text = JSON.stringify(transformTRPCResponse(config, body));
    } catch (cause) {
      // As resolveResponse: a result that cannot be serialized fails the whole request.
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: undefined, input: undefined, ctx, type, req });
      body = { error: getErrorShape({ config, ctx, error, input: undefined, path: undefined, type }) };
      text = JSON.stringify(transformTRPCResponse(config, body));
    }
    res.statusCode = getHTTPStatusCode(body);
    if (retryAfter !== null && !res.hasHeader("retry-after"))
      res.setHeader("Retry-After", String(retryAfter));
    res.setHeader("vary", "trpc-accept, accept");
    res.setHeader("content-type", "application/json");
    res.end(text);
  };
}

const isObject = (v: unknown): v is object => !!v && !Array.isArray(v) && typeof v === "object";
const isAsyncIterable = (v: unknown) => isObject(v) && Symbol.asyncIterator in v;
const isPromiseLike = (v: unknown) =>
  (isObject(v) || typeof v === "function") &&
  typeof (v as { then?: unknown }).then === "function" &&
  typeof (v as { catch?: unknown }).catch === "function";

/** resolveResponse refuses, in a plain call, data that is or holds promises or async iterables. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromiseLike) || values.some(isAsyncIterable);
}
