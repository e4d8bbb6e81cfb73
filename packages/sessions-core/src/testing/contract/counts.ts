// Counts an admin asks for while typing (issue 16): active counts narrowed to a browser and an OS
// answer from the maintained figures and agree with the rows; "N matching" is exact up to
// LIMITS.matchingCount and "10,000+" past it, with a count that stops there.
import { describe, expect, it } from "vitest";
import type { Actor, SessionFilter } from "../../domain/types.js";
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

    it("expired and all-live counts (and their dry runs) agree with the rows: expiring today, idled-out sign-ins, revoked", async () => {
      const user = await makeUser(t.service);
      const admin = await makeUser(t.service, { role: "admin" });
      const short = t.withConfig({ lifetimeMs: 2 * HOUR });
      const agents = [UA.chromeWindows.ua, UA.firefoxLinux.ua, UA.chromeAndroid.ua, null];
      // The admin's own sign-in, kept in use: a dry run never counts it (revokeSessions' excludeId).
      const own = await t.service.createConsoleSession({ userId: admin.id, userAgent: UA.chromeWindows.ua });
      const ctx = { actor: { type: "user", id: admin.id } as Actor, currentSessionId: own.session.id };
      /** Moves the clock in steps inside the console idle timeout (30 min), using the admin's sign-in. */
      const advance = async (ms: number) => {
        for (let left = ms; left > 0; left -= 20 * MINUTE) {
          t.clock.advance(Math.min(left, 20 * MINUTE));
          expect(await t.service.validateConsoleSession(own.token)).not.toBeNull();
        }
      };
      for (let i = 0; i < 24; i++) {
        const ua = agents[i % 4];
        const { session } =
          i % 5 === 0
            ? await t.service.createConsoleSession({ userId: admin.id, userAgent: ua })
            : await (i % 3 === 0 ? short : t.service).createSession({ userId: user.id, userAgent: ua });
        if (i % 7 === 0) await t.service.revokeSession(session.id);
        await advance(MINUTE);
      }
      const filters: SessionFilter[] = [
        { status: "expired" },
        { status: "expired", browser: "Chrome" },
        { status: "expired", browser: "Chrome", os: "Windows" },
        { status: "expired", os: "Linux" },
        { status: "all" },
        { status: "all", browser: "Firefox" },
      ];
      // Counted from the rows, to hold the figures to: the same filter split by kind, which the
      // maintained figures do not hold.
      const fromRows = async (filter: SessionFilter) =>
        (await t.service.countSessions({ ...filter, kind: "app" })) +
        (await t.service.countSessions({ ...filter, kind: "console" }));
      /** Checks every filter; returns the unfiltered expired count. */
      const check = async (label: string) => {
        let expired = 0;
        for (const filter of filters) {
          const what = `${label} ${JSON.stringify(filter)}`;
          const rows = await listed(filter);
          const counted = await t.service.countSessions(filter);
          expect(counted, what).toBe(rows);
          expect(await fromRows(filter), what).toBe(rows);
          if (filter.status === "expired" && !filter.browser && !filter.os) expired = counted;
          // A dry run counts what can still be revoked: not the revoked, not the caller's own.
          const all = filter.status === "all";
          const revoked = all ? await t.service.countSessions({ ...filter, status: "revoked" }) : 0;
          const ownCounted = all && filter.browser !== "Firefox" ? 1 : 0;
          const dry = await t.service.revokeSessions({ filter, dryRun: true }, ctx);
          expect(dry.matched, what).toBe(rows - revoked - ownCounted);
        }
        return expired;
      };
      expect(await check("at first")).toBe(0);
      // The first console sign-ins pass their idle timeout (30 min) while the admin's stays in use.
      await advance(20 * MINUTE);
      expect(await check("console sign-ins idled out")).toBeGreaterThan(0);
      // The short sessions (2 h) pass their expiry one by one: some of today's expiry bucket.
      await advance(84 * MINUTE);
      const someExpired = await check("short ones expiring");
      await advance(20 * MINUTE);
      expect(await check("short ones expired")).toBeGreaterThan(someExpired);
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
      expect(await t.service.countMatching({ status: "all", kind: "app" })).toEqual({
        count: cap,
        exact: false,
      });
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
      expect(await t.service.countMatching({ status: "all" })).toEqual({ count: 12 * groups, exact: true });
      expect(await t.service.countMatching({})).toEqual({ count: active, exact: true });
      expect(await t.service.countMatching({ os: "Linux" })).toEqual({ count: active, exact: true });
      // The exact count is still there for whoever needs it.
      expect(await t.service.countSessions({ email: "bulk" })).toBe(active);
      expect(await t.service.countSessions({ status: "all" })).toBe(12 * groups);
      // The store's limited count: at most the limit where it walks rows.
      const scope = statusScope(t.clock.now(), t.service.config);
      expect(await t.store.countSessions({ status: "all", kind: "app" }, scope, 5)).toBe(5);
      expect(await t.store.countSessions({ status: "all" }, scope, 5)).toBe(12 * groups);
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
