// The cleanup job and "Clean up now" (issue 12, part 2), over real HTTP on SQLite and Postgres: the
// job deletes what ended longer than SESSION_RETENTION ago every PRUNE_INTERVAL, audited as the
// system; an admin sees the count and runs it now, audited as that admin; while another instance
// holds the job, "Clean up now" answers 409 and deletes nothing.
import type { SessionsService } from "@sessions/core";
import {
  createStoreHarness,
  FakeClock,
  HOUR,
  type StoreHarness,
  type StoreKind,
} from "@sessions/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";
import { cookieFrom, rpc } from "./http-suite.js";

const START = "2026-03-10T12:00:00.000Z";

async function signIn(s: TestServer): Promise<Record<string, string>> {
  const res = await rpc(s.url, "auth.login", {
    input: { email: s.adminEmail, password: s.adminPassword },
    headers: { origin: s.url },
  });
  expect(res.status).toBe(200);
  return { cookie: cookieFrom(res.headers)!, origin: s.url };
}

/** `n` sessions revoked now; the clock then moves past the retention (1 h), so all are due. */
async function dueSessions(service: SessionsService, clock: FakeClock, n: number) {
  const user = await service.createUser({ email: `u${Math.random()}@example.com`, name: "U" });
  for (let i = 0; i < n; i++) {
    const { session } = await service.createSession({ userId: user.id });
    await service.revokeSession(session.id);
  }
  const kept = await service.createSession({ userId: user.id });
  clock.advance(2 * HOUR);
  return kept;
}

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
};

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`cleanup (${kind})`, () => {
    let harness: StoreHarness;
    const servers: TestServer[] = [];
    beforeAll(async () => {
      harness = await createStoreHarness(kind);
    });
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    it("the job deletes what ended longer than SESSION_RETENTION ago, every PRUNE_INTERVAL", async () => {
      const clock = new FakeClock(START);
      const s = await startTestServer({
        store: await harness.fresh(),
        clock,
        env: { PRUNE_INTERVAL: "100ms", SESSION_RETENTION: "1h" },
      });
      servers.push(s);
      const kept = await dueSessions(s.app.service, clock, 30);
      const all = async () => (await s.app.service.listActiveSessions({ filter: { status: "all" } })).items;
      await until(async () => (await all()).length === 1);
      expect((await all()).map((x) => x.id)).toEqual([kept.session.id]);
      const events = (await s.app.service.listAudit({ action: "sessions.pruned" })).items;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ count: 30, actorType: "system", actor: "system" });
      // Later rounds find nothing more and write nothing.
      await new Promise((r) => setTimeout(r, 300));
      expect((await s.app.service.listAudit({ action: "sessions.pruned" })).items).toHaveLength(1);
    });

    it("an admin sees the count and cleans up now; while another instance holds the job, 409", async () => {
      const clock = new FakeClock(START);
      const store = await harness.fresh();
      const s = await startTestServer({ store, clock, env: { SESSION_RETENTION: "1h" } });
      servers.push(s);
      await dueSessions(s.app.service, clock, 12);
      const admin = await signIn(s);

      const preview = await rpc(s.url, "maintenance.cleanupPreview", { method: "GET", headers: admin });
      expect(preview.body.result?.data).toEqual({ sessions: 12, retentionMs: HOUR, auditRetentionMs: null });

      // Another instance on the same database is running it.
      const other = (await harness.openSecond()) ?? store;
      const held = await other.tryJobLock("cleanup");
      expect(held).not.toBeNull();
      const refused = await rpc(s.url, "maintenance.cleanUp", { headers: admin });
      expect(refused.status).toBe(409);
      expect(refused.body.error?.message).toMatch(/already running/);
      expect((await s.app.service.cleanupPreview()).sessions).toBe(12);
      await held!.release();

      const done = await rpc(s.url, "maintenance.cleanUp", { headers: admin });
      expect(done.status).toBe(200);
      expect(done.body.result?.data).toEqual({ sessions: 12, auditEvents: 0 });
      const [event] = (await s.app.service.listAudit({ action: "sessions.pruned" })).items;
      expect(event).toMatchObject({ count: 12, actorType: "user", actor: s.admin.id });
      expect((await s.app.service.cleanupPreview()).sessions).toBe(0);
    });
  });
}
