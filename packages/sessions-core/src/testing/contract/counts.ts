// Counts an admin asks for while typing (issue 16): active counts narrowed to a browser and an OS
// answer from the maintained figures and agree with the rows; "N matching" is exact up to
// LIMITS.matchingCount and "10,000+" past it, with a count that stops there.
import { describe, expect, it } from "vitest";
import type { SessionFilter } from "../../domain/types.js";
import { statusScope } from "../../domain/rules.js";
import { LIMITS } from "../../vocab.js";
import { bulkRecords } from "../bulk-records.js";
import { HOUR, MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { collectPages, makeUser, UA } from "./fixtures.js";

export function countsContract(t: ContractContext): void {
  const listed = async (filter: SessionFilter) =>
    (await collectPages((cursor) => t.service.listActiveSessions({ filter, limit: 50, cursor }))).length;

  describe("counts", () => {
    it("active counts by browser and OS agree with the rows: expiring today, revoked, no user agent", async () => {
      const user = await makeUser(t.service);
      const short = t.withConfig({ lifetimeMs: 2 * HOUR });
      const agents = [UA.chromeWindows.ua, UA.firefoxLinux.ua, UA.chromeAndroid.ua, UA.curl.ua, null];
      for (let i = 0; i < 20; i++) {
        const service = i % 3 === 0 ? short : t.service;
        const { session } = await service.createSession({ userId: user.id, userAgent: agents[i % 5] });
        if (i % 7 === 0) await t.service.revokeSession(session.id);
        t.clock.advance(MINUTE);
      }
      const filters: SessionFilter[] = [
        { browser: "Chrome" },
        { os: "Windows" },
        { browser: "Chrome", os: "Windows" },
        { browser: "Chrome", os: "Android" },
        { browser: "Firefox", os: "Windows" },
        { browser: "Unknown" },
        { os: "Unknown" },
        { browser: "Chrome", status: "active" },
      ];
      const check = async () => {
        for (const filter of filters) {
          const rows = await listed(filter);
          expect(await t.service.countSessions(filter), JSON.stringify(filter)).toBe(rows);
          expect(await t.service.countMatching(filter), JSON.stringify(filter)).toEqual({
            count: rows,
            exact: true,
          });
        }
      };
      await check();
      expect(await t.service.countSessions({ browser: "Chrome" })).toBeGreaterThan(0);
      // The short ones expire later today: today's expiry bucket is counted from the rows.
      t.clock.advance(90 * MINUTE);
      await check();
      t.clock.advance(HOUR);
      await check();
    });

    it('"N matching" is exact up to the cap and "10,000+" past it; sessions.count stays exact', async () => {
      const cap = LIMITS.matchingCount;
      const now = t.clock.now();
      // 1,700 groups of 12 sessions: 6 active each (10,200), all on Linux, 3 expired (5,100), 3 revoked.
      const groups = 1_700;
      await t.store.insertSessionsBulk(
        Array.from({ length: groups }, (_, n) => {
          const records = bulkRecords(now, n);
          return { users: records.users, sessions: records.sessions.map((s) => ({ ...s, os: "Linux" })) };
        }),
      );
      const active = 6 * groups;
      expect(active).toBeGreaterThan(cap + 1);

      // Row counts stop at the cap: "10,000+".
      expect(await t.service.countMatching({ email: "bulk" })).toEqual({ count: cap, exact: false });
      expect(await t.service.countMatching({ status: "all" })).toEqual({ count: cap, exact: false });
      expect(await t.service.countMatching({ os: "Linux", ip: "192.0.2.1" })).toEqual({
        count: cap,
        exact: false,
      });
      // Exact below the cap, and wherever the maintained figures answer, whatever the size.
      expect(await t.service.countMatching({ email: "bulk1-" })).toEqual({ count: 6, exact: true });
      expect(await t.service.countMatching({ status: "expired" })).toEqual({
        count: 3 * groups,
        exact: true,
      });
      expect(await t.service.countMatching({})).toEqual({ count: active, exact: true });
      expect(await t.service.countMatching({ os: "Linux" })).toEqual({ count: active, exact: true });
      // The exact count is still there for whoever needs it.
      expect(await t.service.countSessions({ email: "bulk" })).toBe(active);
      expect(await t.service.countSessions({ status: "all" })).toBe(12 * groups);
      // The store's limited count: at most the limit where it walks rows.
      const scope = statusScope(t.clock.now(), t.service.config);
      expect(await t.store.countSessions({ status: "all" }, scope, 5)).toBe(5);
      expect(await t.store.countSessions({ email: "bulk1-", status: "all" }, scope, 5)).toBe(5);
      expect(await t.store.countSessions({ email: "bulk1-", status: "all" }, scope, 50)).toBe(12);
    });

    it("refuses a bad filter with a clear error", async () => {
      await expect(
        t.service.countMatching({ status: "gone" as SessionFilter["status"] }),
      ).rejects.toMatchObject({ name: "ValidationError" });
    });
  });
}
