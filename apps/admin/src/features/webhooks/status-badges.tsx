import { Badge } from "@/components/ui/badge";
import { Tooltip } from "@/components/ui/tooltip";
import { deliveryStatusView, endpointStatusView } from "./status";
import type { WebhookDelivery, WebhookEndpoint } from "./types";

/** The badge's sentence is its tooltip and, for screen readers, part of its name. */
function StatusBadge({ label, variant, description }: ReturnType<typeof endpointStatusView>) {
  return (
    <Tooltip content={description}>
      <Badge variant={variant}>
        <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
        {label}
        <span className="sr-only">: {description}</span>
      </Badge>
    </Tooltip>
  );
}

export function EndpointStatusBadge({
  endpoint,
}: {
  endpoint: Pick<WebhookEndpoint, "status" | "disabledReason">;
}) {
  return <StatusBadge {...endpointStatusView(endpoint)} />;
}

export function DeliveryStatusBadge({
  delivery,
}: {
  delivery: Pick<WebhookDelivery, "status" | "attempts">;
}) {
  return <StatusBadge {...deliveryStatusView(delivery)} />;
}
