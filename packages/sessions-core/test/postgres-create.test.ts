// Postgres creates a session in ONE prepared statement when no session limit applies
// (store/postgres/store.ts, insertSessionAtOnce): no transaction of four round trips, the same text
// on every create (so each connection parses and plans it once), and still every write of a
// create. The contract suites check what a create does on both stores; this pins how Postgres
// sends it, which is what took 32 callers from ~850 to ~2,900 creates/s (bench/RESULTS.md).
import type { Logger } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionsService, type SessionsService } from "../src/service/index.js";
import type { SessionsStore } from "../src/store/store.js";
import { FakeClock } from "../src/testing/fake-clock.js";
import { createStoreHarness, type StoreHarness } from "../src/testing/stores.js";

class CapturingLogger implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
}

describe("postgres: a create is one prepared statement", () => {
  const logger = new CapturingLogger();
  const clock = new FakeClock("2026-03-10T12:00:00.000Z");
  let harness: StoreHarness;
  let store: SessionsStore;
  let service: SessionsService;

  beforeAll(async () => {
    harness = await createStoreHarness("postgres", { logger });
    store = await harness.fresh();
    service = createSessionsService({
      store,
      clock,
      config: { webhooks: { allowHttp: true, allowPrivate: true } },
    });
  });
  afterAll(async () => {
    await harness.dispose();
  });

  it("sends one statement of the same text per create, which writes the session, its audit event, its delivery and its figures", async () => {
    const { endpoint } = await service.createWebhook(
      { url: "http://127.0.0.1:9/hook", events: ["session.created"] },
      { actor: { type: "cli" } },
    );
    const user = await service.createUser({ email: "once@example.com" });
    logger.statements = [];
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await service.createSession({ userId: user.id, userAgent: "Mozilla/5.0 Firefox/125.0" }));
      clock.advance(1000);
    }
    expect(logger.statements).toHaveLength(3);
    expect(new Set(logger.statements).size).toBe(1);
    expect(logger.statements[0]).toMatch(/^with "owner" as \(select .* for share\)/);

    // Everything the one statement wrote, read back through the service.
    expect(await service.countActiveSessions({ userId: user.id })).toBe(3);
    expect(await service.countActiveSessions({ browser: "Firefox" })).toBe(3);
    const audit = await service.listAudit({ action: "session.created", limit: 10 });
    expect(audit.items.map((e) => e.target).sort()).toEqual(made.map((m) => m.session.id).sort());
    const deliveries = await service.listWebhookDeliveries({ endpointId: endpoint.id, limit: 10 });
    const sessionOf = (payload: string) =>
      (JSON.parse(payload) as { data: { sessionId: string } }).data.sessionId;
    expect(deliveries.items.map((d) => sessionOf(d.payload)).sort()).toEqual(
      made.map((m) => m.session.id).sort(),
    );
  });

  it("refuses a disabled owner in that statement, and still takes the transaction when a limit applies", async () => {
    const user = await service.createUser({ email: "bounded@example.com" });
    await service.setUserStatus(user.id, "disabled");
    logger.statements = [];
    await expect(service.createSession({ userId: user.id })).rejects.toThrow(/disabled/);
    expect(logger.statements).toHaveLength(1);
    await service.setUserStatus(user.id, "active");

    const limited = createSessionsService({
      store,
      clock,
      config: { maxSessionsPerUser: 2 },
    });
    for (let i = 0; i < 3; i++) {
      logger.statements = [];
      await limited.createSession({ userId: user.id });
      clock.advance(1000);
    }
    // The limit's path: the owner locked FOR NO KEY UPDATE and its sessions counted, then the writes.
    expect(logger.statements.some((s) => /for no key update/.test(s))).toBe(true);
    expect(await service.countActiveSessions({ userId: user.id })).toBe(2);
  });
});
