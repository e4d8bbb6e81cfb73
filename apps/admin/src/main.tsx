import { RouterProvider } from "@tanstack/react-router";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiProvider } from "@/lib/api-provider";
import { createQueryClient } from "@/lib/query-client";
import { createApiClient, type AppRouter } from "@/lib/trpc";
import { createAppRouter } from "./router";
import "./index.css";

// The console's cache, API client and router are made here, once per page, and handed down: no
// module holds them, so a test builds its own without reaching around a shared one.
const queryClient = createQueryClient({
  // A sign-in that ends while the console is open (signed out elsewhere, revoked) leads back to sign-in.
  onSignedOut: () => {
    if (router.state.location.pathname === "/login") return;
    queryClient.clear();
    void router.navigate({ to: "/login", search: { redirect: router.state.location.href } });
  },
});
const trpcClient = createApiClient();
const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
const router = createAppRouter({ queryClient, trpc });

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

// Toasts and tooltips belong to the signed-in console (components/app-shell.tsx): the sign-in
// screen uses neither, so Sonner and Radix's tooltip stay out of the entry chunk.
createRoot(root).render(
  <StrictMode>
    <ApiProvider queryClient={queryClient} trpcClient={trpcClient}>
      <RouterProvider router={router} />
    </ApiProvider>
  </StrictMode>,
);
