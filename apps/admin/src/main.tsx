import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { queryClient, setSignedOutHandler } from "@/lib/trpc";
import { router } from "./router";
import "./index.css";

// A sign-in that ends while the console is open (signed out elsewhere, revoked) leads back to sign-in.
setSignedOutHandler(() => {
  if (router.state.location.pathname === "/login") return;
  queryClient.clear();
  void router.navigate({ to: "/login", search: { redirect: router.state.location.href } });
});

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

// Toasts and tooltips belong to the signed-in console (components/app-shell.tsx): the sign-in
// screen uses neither, so Sonner and Radix's tooltip stay out of the entry chunk.
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
