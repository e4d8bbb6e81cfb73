// First start: the first admin (from ADMIN_EMAIL/ADMIN_PASSWORD, or a random password logged once),
// and the demo seed (a few dozen users, a few hundred varied sessions, some expired and revoked).
import { createSessionsService, openSqliteStore, type SessionsStore } from "@sessions/core";
import { FakeClock } from "@sessions/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "../src/bootstrap.js";
import { createLogger } from "../src/logger.js";
import { hasDemoData, seedDemoData } from "../src/seed.js";

let store: SessionsStore;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(async () => {
  await store.close();
});

function capture() {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({ level: "info", destination: { write: (l: string) => void lines.push(l) } }),
  };
}

describe("first admin", () => {
  it("is created from ADMIN_EMAIL/ADMIN_PASSWORD, once", async () => {
    const service = createSessionsService({ store });
    const { lines, logger } = capture();
    const env = { ADMIN_EMAIL: "root@example.com", ADMIN_PASSWORD: "a long admin password" };
    const admin = await ensureFirstAdmin(service, env, logger);
    expect(admin).toMatchObject({ email: "root@example.com", role: "admin", status: "active" });
    expect(await service.verifyPassword("root@example.com", "a long admin password")).not.toBeNull();
    expect(lines.join("")).not.toContain("a long admin password");
    expect(await ensureFirstAdmin(service, env, logger)).toBeNull();
    const audit = await service.listAudit({ action: "user.created" });
    expect(audit.items).toEqual([expect.objectContaining({ actorType: "system", target: admin!.id })]);
  });

  it("defaults to admin@example.com with a random password printed once", async () => {
    const service = createSessionsService({ store });
    const { lines, logger } = capture();
    const admin = await ensureFirstAdmin(service, {}, logger);
    expect(admin?.email).toBe("admin@example.com");
    expect(lines).toHaveLength(1);
    const password = /with password (\S+) /.exec(lines[0]!)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await service.verifyPassword("admin@example.com", password!)).not.toBeNull();
    await ensureFirstAdmin(service, {}, logger);
    expect(lines).toHaveLength(1);
  });

  // Issue 10 (finding 3): this used to throw and stop the start; now it warns with the way back in.
  it("warns, with the recovery advice, when ADMIN_EMAIL belongs to a non-admin", async () => {
    const service = createSessionsService({ store });
    await service.createUser({ email: "taken@example.com", role: "user" });
    const { lines, logger } = capture();
    expect(await ensureFirstAdmin(service, { ADMIN_EMAIL: "taken@example.com" }, logger)).toBeNull();
    expect(lines.join("")).toMatch(/"level":40.*ADMIN_EMAIL set to an unused address and ADMIN_PASSWORD/);
  });
});

describe("demo seed", () => {
  it("writes a few dozen users and a few hundred varied sessions, some expired and revoked", async () => {
    const now = new Date("2026-03-10T12:00:00Z");
    expect(await hasDemoData(store)).toBe(false);
    const summary = await seedDemoData({ store, now });
    expect(await hasDemoData(store)).toBe(true);
    expect(summary.users).toBe(36);
    expect(summary.sessions).toBeGreaterThanOrEqual(250);
    expect(summary.revoked).toBeGreaterThan(10);
    expect(summary.expired).toBeGreaterThan(10);
    expect(summary.disabledUsers).toBe(2);

    const service = createSessionsService({ store, clock: new FakeClock(now) });
    const stats = await service.getSessionStats();
    expect(stats.totalActive).toBeGreaterThan(100);
    expect(stats.expiredSessions).toBeGreaterThan(10);
    expect(stats.byBrowser.length).toBeGreaterThanOrEqual(5);
    expect(stats.byOs.length).toBeGreaterThanOrEqual(4);
    expect(stats.createdPerDay.filter((d) => d.count > 0).length).toBeGreaterThan(20);

    const all = await service.listActiveSessions({ filter: { status: "all" }, limit: 200 });
    const ips = new Set(all.items.map((s) => s.ip));
    expect(ips.size).toBeGreaterThan(50);
    expect(all.items.some((s) => s.lastSeenAt.getTime() > s.createdAt.getTime())).toBe(true);
    const revoked = await service.listActiveSessions({ filter: { status: "revoked" }, limit: 200 });
    expect(revoked.items.some((s) => s.revokeReason === "left the company")).toBe(true);

    // Running it again adds sessions for the same users rather than failing on taken emails.
    const again = await seedDemoData({ store, now, seed: 7, sessions: 20 });
    expect(again.users).toBe(36);
  });
});
