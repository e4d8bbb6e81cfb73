// getSessionStats: exact figures from a known fixture, and "today" in the configured timezone,
// including days that are 23 and 25 hours long.
import { describe, expect, it } from "vitest";
import type { CountByName, DayCount, SessionStats } from "../../domain/types.js";
import { DAY, HOUR } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { atTime, makeUser, sessionAt, UA } from "./fixtures.js";

/** Sorted by count (desc) then name, after checking the service already ordered by count. */
function byCount(rows: CountByName[]): CountByName[] {
  for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.count).toBeGreaterThanOrEqual(rows[i]!.count);
  return [...rows].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** The non-zero days, after checking there are 30 consecutive days ending with `today`. */
function nonZeroDays(days: DayCount[], today: string): Record<string, number> {
  expect(days).toHaveLength(30);
  expect(days[29]!.date).toBe(today);
  for (let i = 1; i < days.length; i++) {
    const prev = Date.parse(`${days[i - 1]!.date}T00:00:00Z`);
    expect(Date.parse(`${days[i]!.date}T00:00:00Z`) - prev).toBe(DAY);
  }
  return Object.fromEntries(days.filter((d) => d.count !== 0).map((d) => [d.date, d.count]));
}

export function statsContract(t: ContractContext): void {
  describe("stats", () => {
    it("reports zeros and 30 zero-filled days for an empty store", async () => {
      const stats = await t.service.getSessionStats();
      expect(stats).toMatchObject({
        totalActive: 0,
        uniqueUsers: 0,
        expiredSessions: 0,
        sessionsToday: 0,
        revokedToday: 0,
        byBrowser: [],
        byOs: [],
        timezone: "UTC",
      });
      expect(nonZeroDays(stats.createdPerDay, "2026-03-10")).toEqual({});
      expect(stats.createdPerDay[0]!.date).toBe("2026-02-09");
      expect(stats.generatedAt).toEqual(t.clock.now());
    });

    it("computes every field exactly for a known fixture", async () => {
      // now = 2026-03-10T12:00Z
      const [u1, u2, u3, u4] = [
        await makeUser(t.service),
        await makeUser(t.service),
        await makeUser(t.service),
        await makeUser(t.service),
      ];
      const oneDay = t.withConfig({ lifetimeMs: DAY });
      const mk = (at: string, userId: string, ua: string | null, service = t.service) =>
        sessionAt(t, at, { userId, userAgent: ua }, service);
      await mk("2026-03-10T00:00:00.000Z", u1.id, UA.chromeWindows.ua); // A active, today (first ms)
      await mk("2026-03-10T08:00:00.000Z", u1.id, UA.chromeWindows.ua); // B active, today
      await mk("2026-03-10T09:00:00.000Z", u2.id, UA.firefoxLinux.ua); // C active, today
      await mk("2026-03-09T23:59:59.999Z", u2.id, UA.chromeAndroid.ua); // D active, yesterday
      await mk("2026-03-05T10:00:00.000Z", u3.id, UA.safariIphone.ua); // E active
      await mk("2026-02-09T00:00:00.000Z", u3.id, null); // F active, first day of the window
      const g = await mk("2026-02-28T12:00:00.000Z", u4.id, UA.firefoxLinux.ua); // G revoked today
      const h = await mk("2026-03-10T10:00:00.000Z", u4.id, UA.safariMac.ua); // H today, revoked today
      const i = await mk("2026-02-18T12:00:00.000Z", u4.id, UA.chromeWindows.ua); // I revoked long ago
      await mk("2026-02-20T12:00:00.000Z", u2.id, UA.chromeWindows.ua, oneDay); // J expired
      await mk("2026-01-29T12:00:00.000Z", u3.id, UA.chromeWindows.ua, oneDay); // K expired, before window
      await mk("2026-02-08T23:59:59.999Z", u1.id, UA.edgeWindows.ua); // L active, 1 ms before window
      await atTime(t, "2026-02-23T12:00:00.000Z", () => t.service.revokeSession(i.session.id));
      await atTime(t, "2026-03-10T00:00:00.000Z", () => t.service.revokeSession(g.session.id));
      await atTime(t, "2026-03-10T11:30:00.000Z", () => t.service.revokeSession(h.session.id));

      const stats: SessionStats = await t.service.getSessionStats();
      expect(stats.totalActive).toBe(7); // A B C D E F L
      expect(stats.uniqueUsers).toBe(3); // u1 u2 u3
      expect(stats.expiredSessions).toBe(2); // J K
      expect(stats.sessionsToday).toBe(4); // A B C H
      expect(stats.revokedToday).toBe(2); // G H
      expect(byCount(stats.byBrowser)).toEqual([
        { name: "Chrome", count: 3 },
        { name: "Edge", count: 1 },
        { name: "Firefox", count: 1 },
        { name: "Mobile Safari", count: 1 },
        { name: "Unknown", count: 1 },
      ]);
      expect(byCount(stats.byOs)).toEqual([
        { name: "Windows", count: 3 },
        { name: "Android", count: 1 },
        { name: "iOS", count: 1 },
        { name: "Linux", count: 1 },
        { name: "Unknown", count: 1 },
      ]);
      expect(nonZeroDays(stats.createdPerDay, "2026-03-10")).toEqual({
        "2026-02-09": 1, // F
        "2026-02-18": 1, // I
        "2026-02-20": 1, // J
        "2026-02-28": 1, // G
        "2026-03-05": 1, // E
        "2026-03-09": 1, // D
        "2026-03-10": 4, // A B C H
      });
      expect(stats.totalActive).toBe(await t.service.countActiveSessions());

      // At the next midnight "today" moves on and the window drops its oldest day.
      t.clock.set("2026-03-11T00:00:00.000Z");
      const tomorrow = await t.service.getSessionStats();
      expect(tomorrow).toMatchObject({ sessionsToday: 0, revokedToday: 0, totalActive: 7 });
      expect(nonZeroDays(tomorrow.createdPerDay, "2026-03-11")).toEqual({
        "2026-02-18": 1,
        "2026-02-20": 1,
        "2026-02-28": 1,
        "2026-03-05": 1,
        "2026-03-09": 1,
        "2026-03-10": 4,
      });
    });

    it("counts expired sessions by idle timeout when one is configured", async () => {
      const user = await makeUser(t.service);
      const idle = t.withConfig({ idleTimeoutMs: HOUR });
      const a = await t.service.createSession({ userId: user.id });
      await t.service.createSession({ userId: user.id });
      t.clock.advance(HOUR - 1);
      await idle.validateSession(a.token);
      t.clock.advance(1);
      expect(await idle.getSessionStats()).toMatchObject({
        totalActive: 1,
        expiredSessions: 1,
        uniqueUsers: 1,
      });
      expect(await t.service.getSessionStats()).toMatchObject({ totalActive: 2, expiredSessions: 0 });
    });

    it("puts a session at 23:30 in America/New_York on that local day, not the next", async () => {
      const ny = t.withConfig({ timezone: "America/New_York" });
      const user = await makeUser(t.service);
      t.clock.set("2026-03-10T03:45:00.000Z"); // 23:45 EDT on Monday 9 March
      await sessionAt(t, "2026-03-09T03:59:59.999Z", { userId: user.id }); // 23:59:59.999 on the 8th
      await sessionAt(t, "2026-03-09T04:00:00.000Z", { userId: user.id }); // 00:00 on the 9th
      const late = await sessionAt(t, "2026-03-10T03:30:00.000Z", { userId: user.id }); // 23:30 on the 9th
      await atTime(t, "2026-03-10T03:40:00.000Z", () => ny.revokeSession(late.session.id)); // 23:40 on the 9th

      const local = await ny.getSessionStats();
      expect(local).toMatchObject({ sessionsToday: 2, revokedToday: 1, timezone: "America/New_York" });
      expect(nonZeroDays(local.createdPerDay, "2026-03-09")).toEqual({ "2026-03-08": 1, "2026-03-09": 2 });

      // The same instant in UTC is already the 10th.
      const utc = await t.service.getSessionStats();
      expect(utc).toMatchObject({ sessionsToday: 1, revokedToday: 1 });
      expect(nonZeroDays(utc.createdPerDay, "2026-03-10")).toEqual({ "2026-03-09": 2, "2026-03-10": 1 });

      t.clock.set("2026-03-10T04:00:00.000Z"); // local midnight
      const nextDay = await ny.getSessionStats();
      expect(nextDay).toMatchObject({ sessionsToday: 0, revokedToday: 0 });
      expect(nonZeroDays(nextDay.createdPerDay, "2026-03-10")).toEqual({ "2026-03-08": 1, "2026-03-09": 2 });
    });

    it("puts a session at 23:30 in Asia/Kolkata (UTC+5:30) on that local day, not the next", async () => {
      const ist = t.withConfig({ timezone: "Asia/Kolkata" });
      const user = await makeUser(t.service);
      t.clock.set("2026-03-10T18:10:00.000Z"); // 23:40 IST on the 10th
      await sessionAt(t, "2026-03-09T18:29:59.999Z", { userId: user.id }); // 23:59:59.999 on the 9th
      await sessionAt(t, "2026-03-09T18:30:00.000Z", { userId: user.id }); // 00:00 on the 10th
      await sessionAt(t, "2026-03-10T18:00:00.000Z", { userId: user.id }); // 23:30 on the 10th

      const local = await ist.getSessionStats();
      expect(local.sessionsToday).toBe(2);
      expect(nonZeroDays(local.createdPerDay, "2026-03-10")).toEqual({ "2026-03-09": 1, "2026-03-10": 2 });

      t.clock.set("2026-03-10T18:30:00.000Z"); // 00:00 IST on the 11th
      const next = await ist.getSessionStats();
      expect(next.sessionsToday).toBe(0);
      expect(nonZeroDays(next.createdPerDay, "2026-03-11")).toEqual({ "2026-03-09": 1, "2026-03-10": 2 });
    });

    it("handles the 23-hour spring-forward day in America/New_York (2026-03-08)", async () => {
      const ny = t.withConfig({ timezone: "America/New_York" });
      const user = await makeUser(t.service);
      t.clock.set("2026-03-09T03:59:59.999Z"); // 23:59:59.999 EDT on the 8th
      await sessionAt(t, "2026-03-08T04:59:59.999Z", { userId: user.id }); // 23:59:59.999 EST on the 7th
      await sessionAt(t, "2026-03-08T05:00:00.000Z", { userId: user.id }); // 00:00 EST on the 8th
      await sessionAt(t, "2026-03-08T07:00:00.000Z", { userId: user.id }); // 03:00 EDT (02:00 never happened)
      await sessionAt(t, "2026-03-09T03:30:00.000Z", { userId: user.id }); // 23:30 EDT on the 8th

      const day = await ny.getSessionStats();
      expect(day.sessionsToday).toBe(3);
      expect(nonZeroDays(day.createdPerDay, "2026-03-08")).toEqual({ "2026-03-07": 1, "2026-03-08": 3 });

      t.clock.advance(1); // local midnight of the 9th
      const next = await ny.getSessionStats();
      expect(next.sessionsToday).toBe(0);
      expect(nonZeroDays(next.createdPerDay, "2026-03-09")).toEqual({ "2026-03-07": 1, "2026-03-08": 3 });
    });

    it("handles the 25-hour fall-back day in America/New_York (2026-11-01)", async () => {
      const ny = t.withConfig({ timezone: "America/New_York", lifetimeMs: 365 * DAY });
      const user = await makeUser(t.service);
      t.clock.set("2026-11-02T04:59:59.999Z"); // 23:59:59.999 EST on 1 November
      const mk = (at: string) => sessionAt(t, at, { userId: user.id }, ny);
      await mk("2026-11-01T03:59:59.999Z"); // 23:59:59.999 EDT on 31 October
      await mk("2026-11-01T04:00:00.000Z"); // 00:00 EDT on 1 November
      await mk("2026-11-01T05:30:00.000Z"); // 01:30 EDT
      await mk("2026-11-01T06:30:00.000Z"); // 01:30 EST, the repeated hour
      await mk("2026-11-02T04:30:00.000Z"); // 23:30 EST

      const day = await ny.getSessionStats();
      expect(day).toMatchObject({ sessionsToday: 4, totalActive: 5 });
      expect(nonZeroDays(day.createdPerDay, "2026-11-01")).toEqual({ "2026-10-31": 1, "2026-11-01": 4 });

      t.clock.advance(1);
      const next = await ny.getSessionStats();
      expect(next.sessionsToday).toBe(0);
      expect(nonZeroDays(next.createdPerDay, "2026-11-02")).toEqual({ "2026-10-31": 1, "2026-11-01": 4 });
    });
  });
}
