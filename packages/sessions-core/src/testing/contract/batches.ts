// Bulk changes in batches (service/batches.ts, issue 11 finding 4): revocation by filter or by user
// and prune larger than one batch run as several short transactions, are audited once with the
// whole count, keep the maintained figures equal to a recount, and an interrupted job is audited
// for what it did and finished by running it again.
import { describe, expect, it } from "vitest";
import { BATCH_MAX, BATCH_MIN, BULK_BATCH } from "../../service/batches.js";
import { DISABLE_REVOKE_LIMIT } from "../../service/users.js";
import type { Batch, SessionsStore } from "../../store/store.js";
import { bulkRecords } from "../bulk-records.js";
import { DAY } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, makeUser } from "./fixtures.js";

/** bulkRecords makes 12 sessions per n: 6 active, 3 expired, 3 revoked. Several batches' worth. */
const GROUPS = Math.ceil((BULK_BATCH * 2.5) / 9);
const LIVE = GROUPS * 9;

export function batchesContract(t: ContractContext): void {
  describe("bulk changes in batches", () => {
    async function load() {
      const now = t.clock.now();
      await t.store.insertSessionsBulk(Array.from({ length: GROUPS }, (_, n) => bulkRecords(now, n)));
    }

    /** Sessions not revoked yet (active or expired): what a revocation of "all" still has to do. */
    const live = async () =>
      (await t.service.countSessions({ status: "active" })) +
      (await t.service.countSessions({ status: "expired" }));

    /** The real store, counting the batches each bulk method is called with. */
    function counting(fail?: { method: "revokeSessions" | "prune"; onCall: number }) {
      const batches: Record<"revokeSessions" | "prune", (Batch | undefined)[]> = {
        revokeSessions: [],
        prune: [],
      };
      const store: SessionsStore = {
        ...t.store,
        revokeSessions: (selector, revocation, audit, batch) => {
          batches.revokeSessions.push(batch && { ...batch });
          if (fail?.method === "revokeSessions" && batches.revokeSessions.length === fail.onCall)
            return Promise.reject(new Error("the database went away"));
          return t.store.revokeSessions(selector, revocation, audit, batch);
        },
        prune: (cutoff, audit, batch) => {
          batches.prune.push(batch && { ...batch });
          return t.store.prune(cutoff, audit, batch);
        },
      };
      return { store, batches };
    }

    /** Several calls, each within the batch bounds, the first at BULK_BATCH, covering `rows` in all. */
    function expectBatched(sent: (Batch | undefined)[], rows: number) {
      expect(sent.length).toBeGreaterThan(1);
      expect(sent[0]?.limit).toBe(BULK_BATCH);
      for (const b of sent) expect(b!.limit).toBeGreaterThanOrEqual(BATCH_MIN);
      for (const b of sent) expect(b!.limit).toBeLessThanOrEqual(BATCH_MAX);
      // Every batch but the last was full: together they hold at least every row.
      expect(sent.slice(0, -1).reduce((n, b) => n + b!.limit, 0)).toBeLessThanOrEqual(rows);
    }

    it("a revocation by filter bigger than a batch runs in batches, audited once with the total", async () => {
      await load();
      const { store, batches } = counting();
      const service = t.withOptions({ store });
      const result = await service.revokeSessions({
        filter: { status: "all" },
        dryRun: false,
        reason: "incident",
      });
      expect(result).toMatchObject({ matched: LIVE, revoked: LIVE });
      expectBatched(batches.revokeSessions, LIVE);
      const events = (await allAudit(t.service)).filter((e) => e.action === "sessions.revoked_many");
      expect(events.map((e) => [e.count, e.reason])).toEqual([[LIVE, "incident"]]);
      expect(await t.service.countActiveSessions()).toBe(0);
      expect((await t.service.getSessionStats()).totalActive).toBe(0);
    });

    it("revoking a user's many sessions runs in batches too", async () => {
      const now = t.clock.now();
      const owner = await makeUser(t.service);
      await t.store.insertSessionsBulk(
        Array.from({ length: GROUPS }, (_, n) => ({
          users: [],
          sessions: bulkRecords(now, n).sessions.map((s) => ({ ...s, userId: owner.id })),
        })),
      );
      const { store, batches } = counting();
      const revoked = await t.withOptions({ store }).revokeUserSessions(owner.id);
      expect(revoked).toBe(LIVE);
      expectBatched(batches.revokeSessions, LIVE);
      const events = (await allAudit(t.service)).filter((e) => e.action === "user.sessions_revoked");
      expect(events.map((e) => e.count)).toEqual([LIVE]);
      expect(await t.service.countActiveSessions({ userId: owner.id })).toBe(0);
    });

    it("disabling a user with more sessions than its transaction takes revokes the rest in batches", async () => {
      const now = t.clock.now();
      const owner = await makeUser(t.service);
      const groups = Math.ceil((DISABLE_REVOKE_LIMIT * 2) / 9);
      const total = groups * 9;
      await t.store.insertSessionsBulk(
        Array.from({ length: groups }, (_, n) => ({
          users: [],
          sessions: bulkRecords(now, n).sessions.map((s) => ({ ...s, userId: owner.id })),
        })),
      );
      const { store, batches } = counting();
      const result = await t.withOptions({ store }).setUserStatus(owner.id, "disabled", { reason: "abuse" });
      expect(result).toMatchObject({ ok: true, revokedSessions: total });
      // The disabling transaction took DISABLE_REVOKE_LIMIT; the rest went in batches.
      expectBatched(batches.revokeSessions, total - DISABLE_REVOKE_LIMIT);
      const events = (await allAudit(t.service)).filter(
        (e) =>
          e.target === owner.id && (e.action === "user.disabled" || e.action === "user.sessions_revoked"),
      );
      expect(events.map((e) => [e.action, e.count, e.reason, e.data?.after ?? null]).sort()).toEqual(
        [
          ["user.disabled", DISABLE_REVOKE_LIMIT, "abuse", null],
          ["user.sessions_revoked", total - DISABLE_REVOKE_LIMIT, "abuse", "user.disabled"],
        ].sort(),
      );
      expect(await live()).toBe(0);
      expect((await t.service.getSessionStats()).totalActive).toBe(0);
      // Enabling again brings none of them back.
      await t.service.setUserStatus(owner.id, "active");
      expect(await t.service.countActiveSessions({ userId: owner.id })).toBe(0);
    });

    it("prune deletes in batches, audited once with the total", async () => {
      await load();
      // Past every expiry plus the retention: every ended session is due, and the active ones too.
      t.clock.advance(61 * DAY + t.service.config.retentionMs);
      const { store, batches } = counting();
      const pruned = await t.withOptions({ store }).prune();
      expect(pruned).toBe(GROUPS * 12);
      expectBatched(batches.prune, GROUPS * 12);
      const events = (await allAudit(t.service)).filter((e) => e.action === "sessions.pruned");
      expect(events.map((e) => e.count)).toEqual([GROUPS * 12]);
      expect((await t.service.getSessionStats()).totalActive).toBe(0);
    });

    it("an interrupted revocation is audited for what it did; running it again finishes it", async () => {
      await load();
      const { store } = counting({ method: "revokeSessions", onCall: 2 });
      await expect(
        t.withOptions({ store }).revokeSessions({ filter: { status: "all" }, dryRun: false }),
      ).rejects.toThrow("the database went away");
      const partial = (await allAudit(t.service)).filter((e) => e.action === "sessions.revoked_many");
      expect(partial.map((e) => [e.count, e.data?.interrupted])).toEqual([[BULK_BATCH, true]]);
      expect(await live()).toBe(LIVE - BULK_BATCH);

      const rest = await t.service.revokeSessions({ filter: { status: "all" }, dryRun: false });
      expect(rest.revoked).toBe(LIVE - BULK_BATCH);
      expect(await live()).toBe(0);
    });
  });
}
