import { QueryCache, QueryClient, MutationCache } from "@tanstack/react-query";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";
import type { AppRouter } from "./app-router";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The API is served from the same origin (the API process in production, Vite's proxy in dev). */
const url = "/trpc";

/** Called when any request finds the sign-in gone (signed out elsewhere, session revoked). */
let onSignedOut: (() => void) | undefined;
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

/** tRPC keys start with the procedure path, e.g. [["auth", "login"], …]. */
function isAuthProcedure(key: readonly unknown[] | undefined): boolean {
  const path = key?.[0];
  return Array.isArray(path) && path[0] === "auth";
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && errorCode(error) === "UNAUTHORIZED";
}

export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (data && typeof data === "object" && "code" in data && typeof data.code === "string") return data.code;
  return undefined;
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // auth.me answering UNAUTHORIZED is how the console learns it is signed out; anything else
      // answering it means the sign-in ended while the console was open.
      if (isUnauthorized(error) && !isAuthProcedure(query.queryKey)) onSignedOut?.();
    },
  }),
  mutationCache: new MutationCache({
    onError: (error, _vars, _ctx, mutation) => {
      if (isUnauthorized(error) && !isAuthProcedure(mutation.options.mutationKey)) onSignedOut?.();
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      retry: (failureCount, error) => {
        const code = errorCode(error);
        if (code && ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"].includes(code)) return false;
        return failureCount < 2;
      },
      refetchOnWindowFocus: true,
    },
  },
});

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url, transformer: superjson }),
      false: httpBatchLink({ url, transformer: superjson }),
    }),
  ],
});

/** queryOptions / mutationOptions / subscriptionOptions for every procedure, plus their keys. */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
