// cleanUp(): the periodic job (and the console's "Clean up now"): prunes sessions and, with an audit
// retention, audit events, in batches, holding the cleanup job so that one caller at a time runs it
// on a database, and stopping between batches when its signal aborts.
import { describe, expect, it } from "vitest";
import { BULK_BATCH } from "../../service/batches.js";
import { CLEANUP_JOB } from "../../service/maintenance.js";
import type { SessionsStore } from "../../store/store.js";
import { DAY, HOUR } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, allSessions, makeUser } from "./fixtures.js";

export function cleanupContract(t: ContractContext): void {
  describe("cleanUp", () => {
    /** Three ended sessions due (one both revoked and expired), one ended recently, one active. */
    async function endedSessions() {
      const user = await makeUser(t.service);
      const oneHour = t.withConfig({ lifetimeMs: HOUR });
      await oneHour.createSession({ userId: user.id });
      const revokedAndExpired = await oneHour.createSession({ userId: user.id });
      const revoked = await t.service.createSession({ userId: user.id });
      await t.service.revokeSession(revokedAndExpired.session.id);
      await t.service.revokeSession(revoked.session.id);
      t.clock.advance(2 * DAY);
      const recent = await t.service.createSession({ userId: user.id });
      await t.service.revokeSession(recent.session.id);
      const active = await t.service.createSession({ userId: user.id });
      return { user, active, recent };
    }

    it("previews what it deletes, each session once, and deletes exactly that", async () => {
      const { active, recent } = await endedSessions();
      const service = t.withConfig({ retentionMs: DAY });
      const preview = await service.cleanupPreview();
      expect(preview).toMatchObject({ sessions: 3, retentionMs: DAY, auditRetentionMs: null });

      const auditBefore = (await allAudit(t.service)).length;
      t.clock.advance(1); // the job's event is the newest
      expect(await service.cleanUp({ actor: { type: "system" } })).toEqual({ sessions: 3, auditEvents: 0 });
      expect((await allSessions(t.service)).map((s) => s.id).sort()).toEqual(
        [active.session.id, recent.session.id].sort(),
      );
      // No audit retention: nothing but the prune's own event is added, nothing removed.
      const audit = await allAudit(t.service);
      expect(audit).toHaveLength(auditBefore + 1);
      expect(audit[0]).toMatchObject({ action: "sessions.pruned", count: 3, actor: "system" });
      expect(await service.cleanupPreview()).toMatchObject({ sessions: 0 });
      expect(await service.cleanUp()).toEqual({ sessions: 0, auditEvents: 0 });
    });

    it("deletes audit events older than the audit retention, in batches, audited once", async () => {
      const user = await makeUser(t.service);
      const old = BULK_BATCH + 7;
      for (let i = 0; i < old; i++) await t.service.createSession({ userId: user.id });
      const oldEvents = (await allAudit(t.service)).length;
      expect(oldEvents).toBeGreaterThan(old);
      t.clock.advance(10 * DAY);
      const kept = await t.service.createSession({ userId: user.id });
      t.clock.advance(1); // the job's event is the newest

      const calls: number[] = [];
      const store: SessionsStore = {
        ...t.store,
        pruneAudit: (before, audit, batch) => {
          calls.push(batch?.limit ?? -1);
          return t.store.pruneAudit(before, audit, batch);
        },
      };
      const service = t.withOptions({ store, config: { auditRetentionMs: 5 * DAY } });
      expect(await service.cleanUp({ actor: { type: "system" } })).toEqual({
        sessions: 0,
        auditEvents: oldEvents,
      });
      expect(calls.length).toBeGreaterThan(1);
      expect(calls[0]).toBe(BULK_BATCH);

      const left = await allAudit(t.service);
      expect(left.map((e) => e.action)).toEqual(["audit.pruned", "session.created"]);
      expect(left[0]).toMatchObject({ count: oldEvents, actor: "system" });
      expect(left[1]).toMatchObject({ target: kept.session.id });
      // Run again: the job's own event is newer than the cutoff and stays.
      expect(await service.cleanUp()).toEqual({ sessions: 0, auditEvents: 0 });
      expect(await allAudit(t.service)).toHaveLength(2);
    });

    it("runs for one caller at a time, across stores on the same database", async () => {
      await endedSessions();
      const service = t.withConfig({ retentionMs: DAY });
      const held = await t.store.tryJobLock(CLEANUP_JOB);
      expect(held).not.toBeNull();
      expect(await t.store.tryJobLock(CLEANUP_JOB)).toBeNull();
      // Another job's name is another lock.
      const other = await t.store.tryJobLock("something-else");
      expect(other).not.toBeNull();
      await other!.release();

      expect(await service.cleanUp()).toBeNull();
      const second = await t.harness.openSecond();
      if (second) {
        expect(await second.tryJobLock(CLEANUP_JOB)).toBeNull();
        expect(await t.withOptions({ store: second, config: { retentionMs: DAY } }).cleanUp()).toBeNull();
      }
      expect(await service.cleanupPreview()).toMatchObject({ sessions: 3 });

      await held!.release();
      await held!.release(); // twice is harmless
      expect(await service.cleanUp()).toEqual({ sessions: 3, auditEvents: 0 });
      // Released by the run itself: the next one gets it.
      const again = await (second ?? t.store).tryJobLock(CLEANUP_JOB);
      expect(again).not.toBeNull();
      await again!.release();
    });

    it("stops between batches when its signal aborts, and audits what it deleted as interrupted", async () => {
      const user = await makeUser(t.service);
      const oneHour = t.withConfig({ lifetimeMs: HOUR });
      const total = BULK_BATCH * 3;
      for (let i = 0; i < total; i++) await oneHour.createSession({ userId: user.id });
      t.clock.advance(2 * DAY);
      const controller = new AbortController();
      const store: SessionsStore = {
        ...t.store,
        prune: async (cutoff, audit, batch) => {
          const n = await t.store.prune(cutoff, audit, batch);
          controller.abort();
          return n;
        },
      };
      const service = t.withOptions({ store, config: { retentionMs: DAY } });
      expect(await service.cleanUp(undefined, { signal: controller.signal })).toEqual({
        sessions: BULK_BATCH,
        auditEvents: 0,
      });
      const [event] = (await allAudit(t.service)).filter((e) => e.action === "sessions.pruned");
      expect(event).toMatchObject({ count: BULK_BATCH, data: { interrupted: true } });
      // Run again to the end: the rest, and the job is free.
      expect(await t.withConfig({ retentionMs: DAY }).cleanUp()).toEqual({
        sessions: total - BULK_BATCH,
        auditEvents: 0,
      });
    });
  });
}
