// A fake API for component tests: answers tRPC batch requests from handlers, with superjson, the
// way apps/api does, so components run their real queries and mutations against it. It is a fetch
// for one test's tRPC client (see render.tsx), not a replacement of globalThis.fetch.
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyProcedure, TRPCRouterRecord } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import superjson from "superjson";
import type { AppRouter, RouterInputs, RouterOutputs } from "@/lib/trpc";

/** Dotted paths of the router's procedures of one kind ("sessions.listActive", …). */
type ProcedurePath<R, Subscriptions extends boolean, Prefix extends string = ""> = {
  [K in keyof R & string]: R[K] extends AnyProcedure
    ? (R[K]["_def"]["type"] extends "subscription" ? true : false) extends Subscriptions
      ? `${Prefix}${K}`
      : never
    : R[K] extends TRPCRouterRecord
      ? ProcedurePath<R[K], Subscriptions, `${Prefix}${K}.`>
      : never;
}[keyof R & string];

/** Queries and mutations, which the fake answers over fetch. */
export type ApiPath = ProcedurePath<AppRouter["_def"]["record"], false>;
/** Subscriptions, which it answers through a link of its own (subscriptionLink). */
export type SubscriptionPath = ProcedurePath<AppRouter["_def"]["record"], true>;

/** The value at a dotted path of a nested object type (RouterInputs, RouterOutputs). */
type At<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? At<T[Head], Rest>
    : never
  : P extends keyof T
    ? T[P]
    : never;

export type ApiInput<P extends ApiPath | SubscriptionPath> = At<RouterInputs, P>;
export type ApiOutput<P extends ApiPath | SubscriptionPath> = At<RouterOutputs, P>;

/**
 * Thrown by a handler to answer as the API refuses: the code and data arrive as a TRPCClientError's
 * data (e.g. FORBIDDEN with reauthRequired, TOO_MANY_REQUESTS with retryAfterSeconds).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Each handler gets what the console sent (before the API's parsing) and returns what the API would. */
export type Handlers = { [P in ApiPath]?: (input: ApiInput<P>) => ApiOutput<P> };

/** Each subscription handler streams what the API would (an async generator); ending it ends the stream. */
export type SubscriptionHandlers = { [P in SubscriptionPath]?: (input: ApiInput<P>) => ApiOutput<P> };

export interface MockApi {
  calls: { path: string; input: unknown }[];
  /** Subscriptions the console closed (unsubscribed), by path, in order. */
  closed: string[];
  /** Give this to the test's tRPC client (httpBatchLink's fetch). */
  fetch: typeof globalThis.fetch;
  /** The test client's link for subscriptions, in place of httpSubscriptionLink. */
  subscriptionLink: TRPCLink<AppRouter>;
}

type WireInput = { json: unknown; meta?: Parameters<typeof superjson.deserialize>[0]["meta"] };

function hrefOf(url: string | URL | Request): string {
  return typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
}

function isPath(path: string, handlers: Handlers): path is ApiPath {
  return Object.hasOwn(handlers, path);
}

function isSubscriptionPath(path: string, handlers: SubscriptionHandlers): path is SubscriptionPath {
  return Object.hasOwn(handlers, path);
}

/**
 * Answers each subscription from its handler's events, as httpSubscriptionLink delivers the API's:
 * data in order, the end of the generator as the stream's end, a thrown ApiError as its error.
 */
function subscriptionsLink(
  handlers: SubscriptionHandlers,
  calls: MockApi["calls"],
  closed: string[],
): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({ path: op.path, input: op.input });
        let open = true;
        void (async () => {
          if (!isSubscriptionPath(op.path, handlers)) throw new Error(`no handler for ${op.path}`);
          const stream = (handlers[op.path] as (input: unknown) => AsyncIterable<unknown>)(op.input);
          for await (const data of stream) {
            if (!open) return;
            observer.next({ result: { type: "data", data } });
          }
          if (open) observer.complete();
        })().catch((error: unknown) => {
          if (!open) return;
          // As the API's error arrives: its code and data in the TRPCClientError's data.
          const shape =
            error instanceof ApiError
              ? {
                  message: error.message,
                  code: -32003,
                  data: { code: error.code, path: op.path, ...error.data },
                }
              : {
                  message: String(error),
                  code: -32603,
                  data: { code: "INTERNAL_SERVER_ERROR", path: op.path },
                };
          observer.error(TRPCClientError.from({ error: shape }));
        });
        return () => {
          if (!open) return;
          open = false;
          closed.push(op.path);
        };
      });
}

export function mockApi(handlers: Handlers, subscriptions: SubscriptionHandlers = {}): MockApi {
  const calls: MockApi["calls"] = [];
  const closed: string[] = [];
  // The one place the typed map is called with a path read from the wire; the key check above is
  // what makes the handler and its input belong together.
  const answer = (path: ApiPath, input: unknown): unknown =>
    (handlers[path] as ((input: unknown) => unknown) | undefined)?.(input);
  const fetch: typeof globalThis.fetch = (url, init) => {
    const parsed = new URL(hrefOf(url), "http://localhost");
    const paths = decodeURIComponent(parsed.pathname.replace(/^\/trpc\//, "")).split(",");
    let inputs: Record<string, WireInput> = {};
    if (init?.method === "POST" && typeof init.body === "string")
      inputs = JSON.parse(init.body) as typeof inputs;
    else if (parsed.searchParams.get("input"))
      inputs = JSON.parse(parsed.searchParams.get("input")!) as typeof inputs;
    const results = paths.map((path, i) => {
      const raw = inputs[String(i)];
      const input = raw ? superjson.deserialize({ json: raw.json as never, meta: raw.meta }) : undefined;
      calls.push({ path, input });
      if (!isPath(path, handlers))
        return {
          error: { json: { message: `no handler for ${path}`, code: -32004, data: { code: "NOT_FOUND" } } },
        };
      try {
        return { result: { data: superjson.serialize(answer(path, input)) } };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return {
          error: superjson.serialize({
            message: error.message,
            code: -32003,
            data: { code: error.code, path, ...error.data },
          }),
        };
      }
    });
    return Promise.resolve(
      new Response(JSON.stringify(results), {
        status: 200,
        headers: { "content-type": "application/json" },
      }),
    );
  };
  return { calls, closed, fetch, subscriptionLink: subscriptionsLink(subscriptions, calls, closed) };
}

type Session = ApiOutput<"sessions.listActive">["items"][number];

export function fakeSession(n: number, overrides: Partial<Session> = {}): Session {
  const created = new Date(Date.UTC(2025, 0, 1, 12, 0, n));
  return {
    id: `s${n}`,
    tokenPreview: `abcd${String(n).padStart(4, "0")}`,
    kind: "app",
    user: { id: `u${n}`, email: `user${n}@example.com`, name: `User ${n}`, status: "active", role: "user" },
    createdAt: created,
    expiresAt: new Date(created.getTime() + 60 * 86400_000),
    lastSeenAt: created,
    authenticatedAt: null,
    authMethod: null,
    ageSeconds: 3600,
    status: "active",
    isValid: true,
    isCurrent: false,
    ip: "203.0.113.7",
    userAgent: "Mozilla/5.0",
    browser: "Chrome",
    os: "macOS",
    deviceType: "desktop",
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}
