import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { errorCode, isUnauthorized } from "./errors";

export interface QueryClientOptions {
  /**
   * Called when a request finds the sign-in gone (signed out elsewhere, session revoked). Passed in
   * rather than set on a module variable, so each console (and each test) decides what it means.
   */
  onSignedOut?: () => void;
}

/** tRPC keys start with the procedure path, e.g. [["auth", "login"], …]. */
function isAuthProcedure(key: readonly unknown[] | undefined): boolean {
  const path = key?.[0];
  return Array.isArray(path) && path[0] === "auth";
}

/** Codes that a second try cannot change: retrying them only delays the message. */
const FINAL_CODES = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

/** One cache per console (main.tsx) or per test (test/render.tsx); never a shared module instance. */
export function createQueryClient({ onSignedOut }: QueryClientOptions = {}): QueryClient {
  return new QueryClient({
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
          if (code && FINAL_CODES.has(code)) return false;
          return failureCount < 2;
        },
        refetchOnWindowFocus: true,
      },
    },
  });
}
