export { FakeClock, SECOND, MINUTE, HOUR, DAY } from "./fake-clock.js";
export { createStoreHarness, STORE_KINDS } from "./stores.js";
export type { StoreHarness, StoreKind } from "./stores.js";
export { startWebhookReceiver } from "./webhook-receiver.js";
export type { ReceivedWebhook, WebhookReceiver } from "./webhook-receiver.js";
