import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { TooltipProvider } from "@/components/ui/tooltip";
import { ApiProvider } from "@/lib/api-provider";
import { createQueryClient } from "@/lib/query-client";
import { ReauthProvider } from "@/lib/reauth";
import { createApiClient } from "@/lib/trpc";
import type { MockApi } from "./trpc-mock";

/** Renders against a fake API with a cache and a tRPC client of this render's own. */
export function renderWithApi(ui: ReactElement, api: Pick<MockApi, "fetch" | "subscriptionLink">) {
  const queryClient = createQueryClient();
  const trpcClient = createApiClient({ fetch: api.fetch, subscriptionLink: api.subscriptionLink });
  return render(
    <ApiProvider queryClient={queryClient} trpcClient={trpcClient}>
      <TooltipProvider>
        <ReauthProvider>{ui}</ReauthProvider>
      </TooltipProvider>
    </ApiProvider>,
  );
}
