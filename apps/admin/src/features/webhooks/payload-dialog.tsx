import { CopyButton } from "@/components/bits";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { prettyPayload } from "./status";
import type { WebhookDelivery } from "./types";

/** A delivery's body as it was signed and sent, indented to read. */
export function PayloadDialog({
  delivery,
  onOpenChange,
}: {
  delivery: WebhookDelivery | null;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={delivery !== null} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-[640px]" data-testid="payload-dialog">
        <DialogHeader>
          <DialogTitle>Payload of {delivery?.type}</DialogTitle>
          <DialogDescription>
            webhook-id <span className="font-mono text-[13px] break-all">{delivery?.id}</span>
          </DialogDescription>
        </DialogHeader>
        {delivery && (
          <div className="relative">
            <pre
              tabIndex={0}
              aria-label="Payload"
              className="max-h-[60dvh] overflow-auto rounded-lg border bg-subtle p-3 pr-12 font-mono text-xs leading-relaxed"
            >
              {prettyPayload(delivery.payload)}
            </pre>
            <CopyButton value={delivery.payload} label="Copy payload" className="absolute top-2 right-2" />
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
