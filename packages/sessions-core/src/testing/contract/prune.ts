// prune(): deletes sessions that ended (expired, idled out or revoked) longer than the retention
// period ago, keeps everything else, and reports the count.
import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, allSessions, atTime, makeUser, sessionAt } from "./fixtures.js";

export function pruneContract(t: ContractContext): void {
  describe("prune", () => {
    it("deletes what ended longer than the retention ago and keeps the rest", async () => {
      const user = await makeUser(t.service);
      const now = t.clock.now().getTime();
      const ago = (ms: number) => new Date(now - ms);
      const oneDay = t.withConfig({ lifetimeMs: DAY });
      const mk = (at: Date, service = t.service) => sessionAt(t, at, { userId: user.id }, service);
      const retention = 30 * DAY; // the default

      const expiredLongAgo = await mk(ago(retention + DAY + 1), oneDay); // expired retention + 1 ms ago
      const expiredAtBoundary = await mk(ago(retention + DAY), oneDay); // expired exactly retention ago
      const expiredRecently = await mk(ago(retention), oneDay); // expired 29 days ago
      const revokedLongAgo = await mk(ago(40 * DAY));
      const revokedRecently = await mk(ago(40 * DAY));
      const active = await mk(ago(40 * DAY));
      const fresh = await mk(ago(HOUR));
      await atTime(t, ago(retention + 1), () => t.service.revokeSession(revokedLongAgo.session.id));
      await atTime(t, ago(retention - HOUR), () => t.service.revokeSession(revokedRecently.session.id));

      const pruned = await t.service.prune({ actor: { type: "system" } });
      expect(pruned).toBe(2);
      const left = (await allSessions(t.service)).map((s) => s.id).sort();
      expect(left).toEqual(
        [expiredAtBoundary, expiredRecently, revokedRecently, active, fresh].map((c) => c.session.id).sort(),
      );
      expect(await t.service.getSessionInfo(expiredLongAgo.session.id)).toBeNull();
      expect(await t.service.getSessionInfo(revokedLongAgo.session.id)).toBeNull();
      expect(await t.service.validateSession(active.token)).not.toBeNull();

      const events = (await allAudit(t.service)).filter((e) => e.action === "sessions.pruned");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ count: 2, actor: "system" });

      // Nothing more to do: 0 and no event.
      expect(await t.service.prune()).toBe(0);
      expect((await allAudit(t.service)).filter((e) => e.action === "sessions.pruned")).toHaveLength(1);

      // One ms later the boundary session has ended longer than the retention ago.
      t.clock.advance(1);
      expect(await t.service.prune()).toBe(1);
      expect(await t.service.getSessionInfo(expiredAtBoundary.session.id)).toBeNull();
    });

    it("uses the configured retention, and 0 prunes everything that ended", async () => {
      const user = await makeUser(t.service);
      const oneHour = t.withConfig({ lifetimeMs: HOUR });
      await oneHour.createSession({ userId: user.id });
      const revoked = await t.service.createSession({ userId: user.id });
      const active = await t.service.createSession({ userId: user.id });
      await t.service.revokeSession(revoked.session.id);
      t.clock.advance(3 * HOUR + 1); // both ended 2 h + 1 ms ago (revoked: 3 h + 1 ms ago)
      expect(await t.withConfig({ retentionMs: 4 * HOUR }).prune()).toBe(0);
      expect(await t.withConfig({ retentionMs: 2 * HOUR }).prune()).toBe(2);
      expect((await allSessions(t.service)).map((s) => s.id)).toEqual([active.session.id]);
      expect(await t.withConfig({ retentionMs: 0 }).prune()).toBe(0);
    });

    it("with an idle timeout, prunes sessions idle for longer than idle timeout + retention", async () => {
      const user = await makeUser(t.service);
      const idle = t.withConfig({ idleTimeoutMs: DAY, retentionMs: 7 * DAY });
      const longIdle = await sessionAt(t, new Date(t.clock.now().getTime() - 9 * DAY), { userId: user.id });
      const shortIdle = await sessionAt(t, new Date(t.clock.now().getTime() - 7 * DAY), { userId: user.id });
      // Without the idle setting neither has ended (60-day lifetime): nothing to prune.
      expect(await t.withConfig({ retentionMs: 7 * DAY }).prune()).toBe(0);
      expect(await idle.prune()).toBe(1);
      expect(await t.service.getSessionInfo(longIdle.session.id)).toBeNull();
      expect(await t.service.getSessionInfo(shortIdle.session.id)).not.toBeNull();
    });
  });
}
