// The per-test world every contract module works in: a fresh store of one kind, a fake clock and a
// service over both. Modules receive it before the hooks have run and read its fields inside tests.
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { SessionsConfigInput } from "../../domain/config.js";
import {
  createSessionsService,
  type SessionsService,
  type SessionsServiceOptions,
} from "../../service/index.js";
import type { SessionsStore } from "../../store/store.js";
import { FakeClock } from "../fake-clock.js";
import { createStoreHarness, type StoreHarness, type StoreKind } from "../stores.js";

/** Where every test's clock starts: a Tuesday noon UTC, two days after the US spring DST change. */
export const CONTRACT_START = "2026-03-10T12:00:00.000Z";

export interface ContractContext {
  kind: StoreKind;
  harness: StoreHarness;
  store: SessionsStore;
  clock: FakeClock;
  service: SessionsService;
  /** A new service over the same store and clock, with other settings. */
  withConfig(config: SessionsConfigInput): SessionsService;
  /** A new service with other options (random source, listener, a wrapped store…); same store and clock by default. */
  withOptions(options: Partial<SessionsServiceOptions>): SessionsService;
}

/** Sets up a fresh store, fake clock and service before each test of the enclosing describe. */
export function useContractContext(kind: StoreKind): ContractContext {
  const ctx = { kind } as ContractContext;
  beforeAll(async () => {
    ctx.harness = await createStoreHarness(kind);
  });
  afterAll(async () => {
    await ctx.harness?.dispose();
  });
  beforeEach(async () => {
    ctx.store = await ctx.harness.fresh();
    ctx.clock = new FakeClock(CONTRACT_START);
    ctx.service = createSessionsService({ store: ctx.store, clock: ctx.clock });
    ctx.withConfig = (config) => createSessionsService({ store: ctx.store, clock: ctx.clock, config });
    ctx.withOptions = (options) => createSessionsService({ store: ctx.store, clock: ctx.clock, ...options });
  });
  return ctx;
}
