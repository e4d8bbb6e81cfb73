// Deleting an endpoint (webhooks.delete): its queued deliveries go with it, and its secret stops
// meaning anything. Confirmed first, as every destructive change here is.
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import type { WebhookEndpoint } from "./types";
import { useRefreshWebhooks } from "./use-webhook-actions";

export function DeleteWebhookDialog({
  endpoint,
  onOpenChange,
  onDeleted,
}: {
  endpoint: WebhookEndpoint | null;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: async (result) => {
        if (result.ok) {
          toast.success("Endpoint deleted", { description: endpoint?.url });
          onDeleted?.();
        } else toast.error("Endpoint not found or already deleted");
        onOpenChange(false);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error, "Couldn't delete the endpoint.")),
    }),
  );
  return (
    <ConfirmDialog
      open={endpoint !== null}
      onOpenChange={onOpenChange}
      title="Delete this endpoint?"
      description={
        <>
          <p className="font-mono text-[13px] break-all text-foreground">{endpoint?.url}</p>
          <p className="mt-2">
            It stops getting events at once, and deliveries still queued for it are dropped along with its
            delivery log. This can't be undone; add it again for a new secret.
          </p>
        </>
      }
      confirmLabel="Delete endpoint"
      pending={remove.isPending}
      onConfirm={() => endpoint && remove.mutate({ id: endpoint.id })}
      testId="delete-webhook-dialog"
    />
  );
}
