// The typed client for internal services: createSessionsClient({ url, apiKey }) → a tRPC client whose
// every procedure, input and output is typed from the API's own router (AppRouter), so a wrong call is
// a compile error. Queries and mutations are batched over HTTP; subscriptions use SSE.
import type { AppRouter, LiveEvent } from "@sessions/api/router";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource, type FetchLike } from "eventsource";
import superjson from "superjson";

export type { AppRouter, LiveEvent };
/** Input types of every procedure, e.g. SessionsInputs["sessions"]["create"]. */
export type SessionsInputs = inferRouterInputs<AppRouter>;
/** Output types of every procedure, e.g. SessionsOutputs["sessions"]["validate"]. */
export type SessionsOutputs = inferRouterOutputs<AppRouter>;
export type SessionsClient = TRPCClient<AppRouter>;
export { TRPCClientError };

export interface SessionsClientOptions {
  /** The API's base URL (e.g. http://sessions.internal:3000); "/trpc" is added unless already there. */
  url: string;
  /** An API key (sk_sess_…) with the scopes the service needs; sent as Authorization: Bearer. */
  apiKey: string;
  /** A fetch implementation (defaults to the global one): for proxies, custom agents or tests. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers for every request (e.g. a request id). */
  headers?: Record<string, string>;
}

export function trpcUrl(url: string): string {
  const base = url.replace(/\/+$/, "");
  return base.endsWith("/trpc") ? base : `${base}/trpc`;
}

export function createSessionsClient(options: SessionsClientOptions): SessionsClient {
  const url = trpcUrl(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const headers = { ...options.headers, authorization: `Bearer ${options.apiKey}` };
  // EventSource cannot set headers itself; this ponyfill lets its fetch add the API key.
  const eventSourceFetch: FetchLike = (input, init) =>
    fetchImpl(input, { ...init, headers: { ...init.headers, ...headers } });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({ fetch: eventSourceFetch }),
        }),
        false: httpBatchLink({ url, transformer: superjson, fetch: fetchImpl, headers: () => headers }),
      }),
    ],
  });
}

/** The tRPC error code of a failed call (UNAUTHORIZED, FORBIDDEN, NOT_FOUND, BAD_REQUEST, …), if any. */
export function errorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  return data && typeof data === "object" && "code" in data && typeof data.code === "string"
    ? data.code
    : null;
}
