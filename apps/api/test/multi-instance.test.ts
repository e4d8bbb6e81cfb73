// Three API instances on one Postgres behave as one (issue 15): a revoke through one is honoured at
// once by the others, its live event reaches a subscriber on another, sign-in failures spread over
// all three lock the (address, email) pair at the count one instance would, and the cleanup job
// runs on one instance at a time. (Webhook delivery across instances: webhooks.test.ts.)
import { CLEANUP_JOB, type SessionsStore } from "@sessions/core";
import { createStoreHarness, type StoreHarness } from "@sessions/core/testing";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp, type App } from "../src/http/server.js";
import type { LiveEvent } from "../src/router/index.js";
import { testEnv, TEST_ADMIN_PASSWORD } from "../src/testing/index.js";
import { cookieFrom, trpcClient } from "./http-suite.js";

const ATTACKER = "198.51.100.70";

function nonClosing(store: SessionsStore): SessionsStore {
  return { ...store, close: async () => {} };
}

describe("three API instances on one Postgres", () => {
  let harness: StoreHarness;
  let apps: { app: App; url: string; store: SessionsStore }[] = [];
  let key = "";
  let adminEmail = "";

  beforeAll(async () => {
    harness = await createStoreHarness("postgres");
  });
  afterAll(async () => {
    await harness?.dispose();
  });
  afterEach(async () => {
    await Promise.all(apps.map(({ app }) => app.close()));
    apps = [];
  });

  /** A, B and C: each its own store (connection pool), as three processes would have. */
  async function start(env: Record<string, string> = {}) {
    const stores = [await harness.fresh(), (await harness.openSecond())!, (await harness.openSecond())!];
    for (const store of stores) {
      const app = await createApp({
        env: testEnv({ TRUST_PROXY: "true", ...env }),
        store: nonClosing(store),
      });
      apps.push({ app, store, url: await app.listen(0, "127.0.0.1") });
    }
    const a = apps[0]!.app;
    adminEmail = `admin-${Date.now()}@example.com`;
    await a.service.createUser({ email: adminEmail, role: "admin", password: TEST_ADMIN_PASSWORD });
    ({ key } = await a.service.createApiKey({ name: "svc", scopes: ["sessions:issue", "sessions:revoke"] }));
    return apps;
  }

  const rest = async (base: string, path: string, body: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const login = async (base: string, password: string) => {
    const res = await fetch(`${base}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ATTACKER },
      body: JSON.stringify(superjson.serialize({ email: adminEmail, password })),
    });
    await res.arrayBuffer();
    return res.status;
  };

  it("100 trials of revoke through A, then validate through B and C at once: none still valid", async () => {
    const [a, b, c] = await start();
    const user = await a!.app.service.createUser({ email: "honest@example.com" });
    let stillValid = 0;
    for (let i = 0; i < 100; i++) {
      const created = await rest(a!.url, "/sessions", { userId: user.id });
      const { token, session } = created.body as { token: string; session: { id: string } };
      expect((await rest(a!.url, `/sessions/${session.id}/revoke`, {})).status).toBe(200);
      const answers = await Promise.all([b, c].map((x) => rest(x!.url, "/sessions/validate", { token })));
      stillValid += answers.filter((r) => r.body.valid === true).length;
    }
    expect(stillValid).toBe(0);
  });

  it("a revoke through A reaches an events subscriber on C", async () => {
    const [a, , c] = await start();
    const signedIn = await fetch(`${a!.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(superjson.serialize({ email: adminEmail, password: TEST_ADMIN_PASSWORD })),
    });
    expect(signedIn.status).toBe(200);
    const cookie = cookieFrom(signedIn.headers)!;
    const received: LiveEvent[] = [];
    const subscription = trpcClient(c!.url, { cookie }).events.subscribe(undefined, {
      onData: (event) => received.push(event),
    });
    try {
      await vi.waitFor(() => expect(c!.app.events.subscriberCount).toBe(1), { timeout: 5000 });
      const user = await a!.app.service.createUser({ email: "watched@example.com" });
      const created = await rest(a!.url, "/sessions", { userId: user.id });
      const id = (created.body.session as { id: string }).id;
      await rest(a!.url, `/sessions/${id}/revoke`, {});
      await vi.waitFor(
        () =>
          expect(received).toContainEqual(
            expect.objectContaining({ type: "session.revoked", sessionId: id }),
          ),
        { timeout: 5000 },
      );
    } finally {
      subscription.unsubscribe();
    }
  });

  it("sign-in failures spread over A, B and C lock the (address, email) pair at 5, as one instance does", async () => {
    const all = await start();
    const statuses = await Promise.all(
      Array.from({ length: 15 }, (_, i) => login(all[i % 3]!.url, `wrong-guess-${i}`)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    // The right password from that address is refused on every instance now.
    for (const x of all) expect(await login(x.url, TEST_ADMIN_PASSWORD)).toBe(429);
  });

  it("the cleanup job runs on one instance at a time: while A holds it, B and C skip; released, C runs it", async () => {
    const [a, b, c] = await start();
    const lock = await a!.store.tryJobLock(CLEANUP_JOB);
    expect(lock).not.toBeNull();
    const skipped = await Promise.all(
      [b, c].map((x) => x!.app.service.cleanUp({ actor: { type: "system" } })),
    );
    expect(skipped).toEqual([null, null]);
    await lock!.release();
    expect(await c!.app.service.cleanUp({ actor: { type: "system" } })).not.toBeNull();
    // Three at once: never two runs together, so at most one of any overlapping set runs.
    const held = await b!.store.tryJobLock(CLEANUP_JOB);
    const during = await Promise.all(
      [a, c].map((x) => x!.app.service.cleanUp({ actor: { type: "system" } })),
    );
    expect(during).toEqual([null, null]);
    await held!.release();
  });
});
