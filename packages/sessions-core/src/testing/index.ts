export { FakeClock, SECOND, MINUTE, HOUR, DAY } from "./fake-clock.js";
export { createStoreHarness, STORE_KINDS } from "./stores.js";
export type { StoreHarness, StoreKind } from "./stores.js";
