// Issue 11, finding 3: two API processes on one SQLite file, as production runs them. 400 creates
// sent at once, split over both, all succeed (writes are BEGIN IMMEDIATE, so a writer waits
// busy_timeout for the other process's lock instead of failing on a read lock it cannot upgrade),
// and every one of them is in the database afterwards. A revoke through one process reaches an
// events subscriber on the other (SQLite's change feed: the change_log table, polled).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSessionsService, openStore } from "@sessions/core";
import { afterAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../../src/events.js";
import { rpc, trpcClient } from "../http-suite.js";
import { startApiProcess, type ApiProcess } from "./process.js";

describe("two processes on one SQLite file", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessions-two-"));
  const databaseUrl = `file:${join(dir, "shared.db")}`;
  const processes: ApiProcess[] = [];
  afterAll(async () => {
    for (const p of processes) p.kill();
    await Promise.all(processes.map((p) => p.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it("400 concurrent creates over both: every one answered 200 and stored", async () => {
    const setup = await openStore(databaseUrl);
    const service = createSessionsService({ store: setup });
    const { key } = await service.createApiKey({
      name: "svc",
      scopes: ["sessions:issue", "sessions:read", "sessions:revoke"],
    });
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, i) => service.createUser({ email: `u${i}@example.com` })),
    );
    await setup.close();

    processes.push(await startApiProcess({ DATABASE_URL: databaseUrl }));
    processes.push(await startApiProcess({ DATABASE_URL: databaseUrl }));
    const headers = { authorization: `Bearer ${key}` };
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        rpc(processes[i % 2]!.url, "sessions.create", {
          input: { userId: users[i % users.length]!.id, ip: "203.0.113.9" },
          headers,
        }),
      ),
    );
    const failures = results
      .filter((r) => r.status !== 200)
      .map((r) => `${r.status} ${r.body.error?.message}`);
    expect(failures).toEqual([]);

    const check = await openStore(databaseUrl);
    try {
      expect(await createSessionsService({ store: check }).countActiveSessions()).toBe(400);
    } finally {
      await check.close();
    }

    // Live events cross processes: subscribed on B, revoked through A.
    const received: LiveEvent[] = [];
    const subscription = trpcClient(processes[1]!.url, headers).events.subscribe(undefined, {
      onData: (event) => received.push(event),
    });
    try {
      const sessionId = (results[0]!.body.result?.data as { session: { id: string } }).session.id;
      // The stream is open once B has sent its first event (the initial stats) or a ping.
      await new Promise((r) => setTimeout(r, 500));
      const sent = Date.now();
      const revoked = await rpc(processes[0]!.url, "sessions.revoke", { input: { id: sessionId }, headers });
      expect(revoked.status).toBe(200);
      await expect
        .poll(() => received.some((e) => e.type === "session.revoked" && e.sessionId === sessionId), {
          timeout: 5_000,
        })
        .toBe(true);
      // Polled every 250 ms with 50 ms batching: well under a second.
      expect(Date.now() - sent).toBeLessThan(2_000);
    } finally {
      subscription.unsubscribe();
    }
  }, 120_000);
});
