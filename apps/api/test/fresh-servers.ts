// One real server per test over a fresh store of `kind`, closed after the test; the store harness
// lives as long as the enclosing describe. Call inside describe().
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";

export function useFreshServers(kind: StoreKind): {
  /** `env`: settings for this server (e.g. MAX_SESSIONS_PER_USER), over the test defaults. */
  start(env?: Record<string, string>): Promise<TestServer>;
} {
  let harness: StoreHarness;
  let server: TestServer | null = null;
  beforeAll(async () => {
    harness = await createStoreHarness(kind);
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  afterAll(async () => {
    await harness?.dispose();
  });
  return {
    async start(env) {
      server = await startTestServer({ store: await harness.fresh(), ...(env ? { env } : {}) });
      return server;
    },
  };
}
