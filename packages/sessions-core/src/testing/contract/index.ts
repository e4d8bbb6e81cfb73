// The store contract: one suite of service behaviours that every store must pass unchanged.
// Each test file runs it for one store kind (see test/contract.*.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSessionsService, type SessionsService } from "../../service.js";
import type { SessionsConfig } from "../../domain/config.js";
import type { SessionsStore } from "../../store/store.js";
import { FakeClock } from "../fake-clock.js";
import { createStoreHarness, type StoreHarness, type StoreKind } from "../stores.js";

export interface ContractContext {
  harness: StoreHarness;
  store: SessionsStore;
  clock: FakeClock;
  service: SessionsService;
  /** A new service over the same store and clock, with other settings. */
  withConfig(config: Partial<SessionsConfig>): SessionsService;
}

/** Sets up a fresh store, fake clock and service before each test of the enclosing describe. */
export function useContractContext(kind: StoreKind): ContractContext {
  const ctx = {} as ContractContext;
  beforeAll(async () => {
    ctx.harness = await createStoreHarness(kind);
  });
  afterAll(async () => {
    await ctx.harness?.dispose();
  });
  beforeEach(async () => {
    ctx.store = await ctx.harness.fresh();
    ctx.clock = new FakeClock("2026-03-10T12:00:00.000Z");
    ctx.service = createSessionsService({ store: ctx.store, clock: ctx.clock });
    ctx.withConfig = (config) => createSessionsService({ store: ctx.store, clock: ctx.clock, config });
  });
  return ctx;
}

export function describeStoreContract(kind: StoreKind): void {
  describe(`store contract: ${kind}`, () => {
    const t = useContractContext(kind);

    it("revokes a session once, then reports not_found", async () => {
      const user = await t.service.createUser({ email: "a@example.com" });
      const { session } = await t.service.createSession({ userId: user.id });
      expect(await t.service.revokeSession(session.id)).toEqual({ ok: true });
      expect(await t.service.revokeSession(session.id)).toEqual({ ok: false, error: "not_found" });
    });
  });
}
