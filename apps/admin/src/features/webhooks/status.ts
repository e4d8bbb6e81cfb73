// How an endpoint's and a delivery's status are shown: one label, badge tone and sentence each.
import type { WebhookDeliveryStatus } from "@sessions/core/vocab";
import type { BadgeVariant } from "@/components/ui/badge";

export type EndpointStatus = "active" | "failing" | "disabled";

interface StatusView {
  label: string;
  variant: BadgeVariant;
  description: string;
}

/** Statuses change with nothing done here (the dispatcher's failures), so endpoints are fetched again this often. */
export const WEBHOOKS_POLL_MS = 15_000;

/** The dispatcher's mark on an endpoint it turned off (service/webhooks.ts). */
export const DISABLED_BY_DISPATCHER = "failing";

export function endpointStatusView(endpoint: {
  status: EndpointStatus;
  disabledReason: string | null;
}): StatusView {
  switch (endpoint.status) {
    case "active":
      return { label: "Active", variant: "success", description: "On; its deliveries are succeeding." };
    case "failing":
      return {
        label: "Failing",
        variant: "warning",
        description: "On, but its latest deliveries failed; they are being retried.",
      };
    case "disabled":
      return endpoint.disabledReason === DISABLED_BY_DISPATCHER
        ? {
            label: "Turned off",
            variant: "destructive",
            description: "Turned off by the dispatcher after its deliveries kept failing.",
          }
        : {
            label: "Disabled",
            variant: "muted",
            description: "Turned off by an admin; it gets no events but test ones.",
          };
  }
}

/** Endpoints the dispatcher turned off: the banner at the top of the screen names them. */
export function turnedOffByDispatcher<T extends { enabled: boolean; disabledReason: string | null }>(
  endpoints: readonly T[],
): T[] {
  return endpoints.filter((e) => !e.enabled && e.disabledReason === DISABLED_BY_DISPATCHER);
}

export function deliveryStatusView(delivery: {
  status: WebhookDeliveryStatus;
  attempts: number;
}): StatusView {
  switch (delivery.status) {
    case "delivered":
      return { label: "Delivered", variant: "success", description: "The endpoint answered 2xx." };
    case "failed":
      return {
        label: "Failed",
        variant: "destructive",
        description: "Every retry failed; redeliver it once the endpoint is fixed.",
      };
    case "pending":
      return delivery.attempts === 0
        ? { label: "Pending", variant: "secondary", description: "Queued; not sent yet." }
        : {
            label: "Retrying",
            variant: "warning",
            description: "The last attempt failed; it will be tried again.",
          };
  }
}

/**
 * Whether Redeliver makes sense: not for a delivery that was never attempted (it is about to be
 * sent anyway). Delivered ones may be sent again (a receiver that lost it), failed and retrying
 * ones now rather than at the next attempt.
 */
export function canRedeliver(delivery: { status: WebhookDeliveryStatus; attempts: number }): boolean {
  return !(delivery.status === "pending" && delivery.attempts === 0);
}

/** The payload as people read it: indented JSON, or the text as sent when it is not JSON. */
export function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/**
 * A delivery's id (the message's UUIDv7, a dot, the endpoint's id) short enough for a table: the
 * message part's first and last characters. Not shortId's: the first ones are the message's
 * timestamp and the last ones the endpoint's, the same for every delivery of a minute.
 */
export function shortDeliveryId(id: string): string {
  const message = id.split(".")[0] ?? id;
  return message.length > 12 ? `${message.slice(0, 8)}…${message.slice(-4)}` : message;
}
