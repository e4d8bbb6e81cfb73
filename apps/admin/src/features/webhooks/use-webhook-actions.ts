// The per-endpoint changes the list and the endpoint's page offer, with their toasts: turning it on
// or off, a test event, a redelivery. Each refreshes every webhooks query when it lands.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { toast } from "sonner";
import { errorMessage } from "@/lib/errors";
import { useWithReauth } from "@/lib/reauth";
import { useTRPC } from "@/lib/trpc";

export function useRefreshWebhooks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
}

export function useSetEnabled() {
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  // Not a URL change, so the API asks for no password; wrapped anyway, should that rule tighten.
  const withReauth = useWithReauth();
  return useMutation(
    withReauth(
      trpc.webhooks.update.mutationOptions({
        onSuccess: async (endpoint) => {
          await refresh();
          if (endpoint.enabled)
            toast.success("Endpoint turned on", {
              description: "It gets new events from now on; deliveries already queued are sent.",
            });
          else
            toast.success("Endpoint turned off", {
              description: "Events that happen while it is off are not sent to it; test events still are.",
            });
        },
        onError: (error) => toast.error(errorMessage(error, "Couldn't change the endpoint.")),
      }),
    ),
  );
}

/**
 * webhooks.test: queues a webhook.test event (sent even to an endpoint that subscribes to nothing
 * else). `showLog` offers the way to the endpoint's delivery log when it is not already on screen.
 */
export function useSendTest({ showLog = false }: { showLog?: boolean } = {}) {
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  const navigate = useNavigate();
  return useMutation(
    trpc.webhooks.test.mutationOptions({
      onSuccess: async (_result, { id }) => {
        await refresh();
        toast.success("Test event queued", {
          description: "It shows in the endpoint's delivery log with its outcome.",
          ...(showLog
            ? {
                action: {
                  label: "View log",
                  onClick: () => void navigate({ to: "/webhooks/$endpointId", params: { endpointId: id } }),
                },
              }
            : {}),
        });
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't send the test event.")),
    }),
  );
}

export function useRedeliver() {
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  return useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Delivery queued again", {
          description: "Same webhook-id, so receivers can deduplicate.",
        });
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't redeliver.")),
    }),
  );
}
