import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  type TRPCLink,
} from "@trpc/client";
import { createTRPCContext, type TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";
import type { AppRouter } from "./app-router";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** queryOptions / mutationOptions / subscriptionOptions for every procedure, plus their keys. */
export type TRPC = TRPCOptionsProxy<AppRouter>;
export type ApiClient = TRPCClient<AppRouter>;

/**
 * Components get the options proxy from context (`useTRPC()`), never from a module: the provider
 * is given the client main.tsx made, or the one a test made around its fake API.
 */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export interface ApiClientOptions {
  /** The API is served from the same origin (the API process in production, Vite's proxy in dev). */
  url?: string;
  /** Queries and mutations go through this fetch; tests answer them without a server. */
  fetch?: typeof globalThis.fetch;
  /** Subscriptions go through this link instead of SSE (tests: jsdom has no EventSource). */
  subscriptionLink?: TRPCLink<AppRouter>;
}

export function createApiClient({
  url = "/trpc",
  fetch,
  subscriptionLink,
}: ApiClientOptions = {}): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: subscriptionLink ?? httpSubscriptionLink({ url, transformer: superjson }),
        false: httpBatchLink({ url, transformer: superjson, ...(fetch ? { fetch } : {}) }),
      }),
    ],
  });
}
