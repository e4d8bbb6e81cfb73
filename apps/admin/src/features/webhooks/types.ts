import type { RouterOutputs } from "@/lib/trpc";

export type WebhookEndpoint = RouterOutputs["webhooks"]["list"]["items"][number];
export type WebhookDelivery = RouterOutputs["webhooks"]["deliveries"]["items"][number];
