import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Link,
  Outlet,
  redirect,
  type ErrorComponentProps,
} from "@tanstack/react-router";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { CompassIcon } from "lucide-react";
import { EmptyState, ErrorState } from "@/components/states";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { parseAuditSearch } from "@/features/audit/search";
import { parseSessionsSearch, serializeSessionsSearch } from "@/features/sessions/search";
import { parseUsersSearch } from "@/features/users/search";
import { errorCode, errorMessage } from "@/lib/errors";
import { createApiClient, type AppRouter, type TRPC } from "@/lib/trpc";
import { meQueryOptions } from "@/lib/viewer";

/** What every route's loaders get: the console's own cache and API, never module-level ones. */
export interface RouterContext {
  queryClient: QueryClient;
  trpc: TRPC;
}

function NotFound() {
  return (
    <EmptyState
      icon={CompassIcon}
      title="Page not found"
      description="The page you were looking for doesn't exist."
      action={
        <Button asChild variant="outline" size="sm">
          <Link to="/">Back to overview</Link>
        </Button>
      }
    />
  );
}

function RouteError({ error, reset }: ErrorComponentProps) {
  return <ErrorState message={errorMessage(error)} onRetry={reset} />;
}

function PagePending() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading">
      <div className="space-y-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-72" />
      </div>
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  );
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

/** Query-string form of search params: plain `?q=ann&size=50`, no JSON quoting. */
function parseSearch(searchStr: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(searchStr));
}
function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: (raw: Record<string, unknown>): { redirect?: string } =>
    typeof raw.redirect === "string" && raw.redirect.startsWith("/") && !raw.redirect.startsWith("//")
      ? { redirect: raw.redirect }
      : {},
  beforeLoad: async ({ context, search }) => {
    // Already signed in: go where the link pointed.
    const me = await context.queryClient.fetchQuery(meQueryOptions(context.trpc)).catch(() => null);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack Router redirects by throwing
    if (me) throw redirect({ href: search.redirect ?? "/" });
  },
  component: lazyRouteComponent(() => import("@/features/login/login-page"), "LoginPage"),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(meQueryOptions(context.trpc));
    } catch (error) {
      if (errorCode(error) === "UNAUTHORIZED" || errorCode(error) === "FORBIDDEN") {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack Router redirects by throwing
        throw redirect({
          to: "/login",
          search: location.href === "/" ? {} : { redirect: location.href },
        });
      }
      throw error;
    }
  },
  component: lazyRouteComponent(() => import("@/components/app-shell"), "AppShell"),
  errorComponent: RouteError,
});

const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  component: lazyRouteComponent(() => import("@/features/dashboard/dashboard-page"), "DashboardPage"),
});

const sessionsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/sessions",
  validateSearch: (raw: Record<string, unknown>): Partial<Record<string, string>> =>
    serializeSessionsSearch(parseSessionsSearch(raw)),
  component: lazyRouteComponent(() => import("@/features/sessions/sessions-page"), "SessionsPage"),
});

const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/users",
  validateSearch: parseUsersSearch,
  component: lazyRouteComponent(() => import("@/features/users/users-page"), "UsersPage"),
});

const userRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/users/$userId",
  component: lazyRouteComponent(() => import("@/features/users/user-page"), "UserPage"),
});

const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/audit",
  validateSearch: parseAuditSearch,
  component: lazyRouteComponent(() => import("@/features/audit/audit-page"), "AuditPage"),
});

const keysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/keys",
  component: lazyRouteComponent(() => import("@/features/keys/keys-page"), "KeysPage"),
});

const webhooksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/webhooks",
  component: lazyRouteComponent(() => import("@/features/webhooks/webhooks-page"), "WebhooksPage"),
});

const webhookRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/webhooks/$endpointId",
  component: lazyRouteComponent(() => import("@/features/webhooks/webhook-page"), "WebhookPage"),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    dashboardRoute,
    sessionsRoute,
    usersRoute,
    userRoute,
    auditRoute,
    webhooksRoute,
    webhookRoute,
    keysRoute,
  ]),
]);

/**
 * The console's router, made by main.tsx (or a test) around its own query cache. Without `trpc`
 * the loaders get an options proxy over a same-origin client of their own; its query keys are the
 * ones the components' proxy makes, so both read and fill the same cache.
 */
export function createAppRouter({ queryClient, trpc }: { queryClient: QueryClient; trpc?: TRPC }) {
  return createRouter({
    routeTree,
    context: {
      queryClient,
      trpc: trpc ?? createTRPCOptionsProxy<AppRouter>({ client: createApiClient(), queryClient }),
    },
    parseSearch,
    stringifySearch,
    defaultPreload: "intent",
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: PagePending,
    defaultPendingMs: 150,
    defaultErrorComponent: RouteError,
    scrollRestoration: true,
  });
}

export type AppRouterInstance = ReturnType<typeof createAppRouter>;

declare module "@tanstack/react-router" {
  interface Register {
    router: AppRouterInstance;
  }
}

export { sessionsRoute, usersRoute, userRoute, auditRoute, loginRoute };
