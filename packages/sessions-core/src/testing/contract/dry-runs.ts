// A bulk revoke's dry run counts exactly, window by window over created_at, reporting how far it got
// and stopping when asked (issue 16; service/windowed-count.ts). Windows are forced small and
// fixed here (maxGrowth 1), so a few dozen sessions cross many window boundaries.
import { describe, expect, it } from "vitest";
import type { Actor, SessionFilter } from "../../domain/types.js";
import type { CountProgress, WindowTuning } from "../../service/windowed-count.js";
import { HOUR } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { bulkRecords } from "../bulk-records.js";
import { collectPages, makeUser, snapshot, UA } from "./fixtures.js";

/** Windows of a fixed share of the span, however quick each one is. */
const fixed = (parts: number): Partial<WindowTuning> => ({ initialParts: parts, maxGrowth: 1 });

export function dryRunsContract(t: ContractContext): void {
  describe("dry runs, counted in windows", () => {
    /**
     * 60 sessions a millisecond apart (so at small widths every window boundary is some session's
     * createdAt), a fifth revoked, then 4 that expire: every state a bulk revoke distinguishes.
     */
    async function fixture() {
      const gmail = await makeUser(t.service, { email: "ann@gmail.com" });
      const other = await makeUser(t.service, { email: "bob@corp.io" });
      const created = [];
      for (let i = 0; i < 60; i++) {
        const userAgent = i % 3 === 0 ? UA.firefoxLinux.ua : UA.chromeWindows.ua;
        const userId = (i % 2 === 0 ? gmail : other).id;
        created.push(await t.service.createSession({ userId, userAgent, ip: "192.0.2.7" }));
        t.clock.advance(1);
      }
      for (const c of created.filter((_, i) => i % 5 === 0)) await t.service.revokeSession(c.session.id);
      const short = t.withConfig({ lifetimeMs: HOUR });
      for (let i = 0; i < 4; i++) {
        await short.createSession({ userId: gmail.id, userAgent: UA.chromeWindows.ua });
        t.clock.advance(1);
      }
      t.clock.advance(2 * HOUR);
      return { gmail, other, created };
    }

    /** What a bulk revoke of the filter targets, from the list: "all" means every live session. */
    async function listed(filter: SessionFilter): Promise<number> {
      const rows = (f: SessionFilter) =>
        collectPages((cursor) => t.service.listActiveSessions({ filter: f, limit: 200, cursor }));
      if (filter.status !== "all") return (await rows(filter)).length;
      const [active, expired] = await Promise.all([
        rows({ ...filter, status: "active" }),
        rows({ ...filter, status: "expired" }),
      ]);
      return active.length + expired.length;
    }

    /** A dry run's result and progress reports, windows fixed to a share of the walk. */
    async function dryRun(filter: SessionFilter, parts: number) {
      const reports: CountProgress[] = [];
      const result = await t.service.revokeSessions({ filter, dryRun: true }, undefined, {
        tuning: fixed(parts),
        onProgress: (p) => reports.push(p),
      });
      expect(result.revoked).toBe(0);
      return { matched: result.matched, reports };
    }

    /** A dry run in fixed windows, checked against the list and its own progress reports. */
    async function expectWindowed(
      filter: SessionFilter,
      parts: number,
      expected: number,
      minWindows: number,
    ) {
      const what = `${JSON.stringify(filter)} in ${parts} windows`;
      const { matched, reports } = await dryRun(filter, parts);
      expect(matched, what).toBe(expected);
      expect(reports[0], what).toEqual({ matched: 0, fraction: 0, countedFrom: null });
      expect(reports.at(-1), what).toMatchObject({ matched: expected, fraction: 1 });
      // One report per window after the first: about `parts` of them (sizes round up; a walk of
      // users ends with one window past the last user there was, for any who signed up since).
      expect(reports.length - 1, what).toBeLessThanOrEqual(parts + 1);
      expect(reports.length - 1, what).toBeGreaterThanOrEqual(minWindows);
      for (let i = 2; i < reports.length; i++) {
        expect(reports[i]!.matched).toBeGreaterThanOrEqual(reports[i - 1]!.matched);
        expect(reports[i]!.fraction).toBeGreaterThan(reports[i - 1]!.fraction);
        const [from, before] = [reports[i]!.countedFrom, reports[i - 1]!.countedFrom];
        if (from && before) expect(from.getTime()).toBeLessThan(before.getTime());
      }
    }

    it("the windowed count equals the rows, across every window boundary, for each filter", async () => {
      await fixture();
      // createdAt windows: filters served by an index ending with createdAt (the span is 64 ms).
      const created: SessionFilter[] = [
        { ip: "192.0.2.7" },
        { browser: "Chrome", ip: "192.0.2.7" },
        // With a kind, which the maintained figures do not hold (without one they answer at once).
        { browser: "Firefox", status: "all", kind: "app" },
        { status: "expired", os: "Windows", kind: "app" },
      ];
      for (const filter of created) {
        const expected = await listed(filter);
        expect(expected, JSON.stringify(filter)).toBeGreaterThan(0);
        // 1 window; then 9 ms, 2 ms and 1 ms wide.
        for (const parts of [1, 7, 32, 64])
          await expectWindowed(filter, parts, expected, Math.ceil(parts / 2));
      }
      // A created range of 30 ms: at most 30 windows of 1 ms.
      const recent = { createdFrom: new Date(t.clock.now().getTime() - 2 * HOUR - 30) };
      for (const parts of [1, 7, 64]) await expectWindowed(recent, parts, await listed(recent), 1);
      // A status alone, or with a browser and an OS: answered at once by the maintained figures,
      // before any window (no progress to report).
      const figures: SessionFilter[] = [
        { status: "all" },
        { status: "expired" },
        { status: "expired", os: "Windows" },
        { browser: "Firefox", status: "all" },
      ];
      for (const filter of figures) {
        const expected = await listed(filter);
        expect(expected).toBeGreaterThan(0);
        expect(await dryRun(filter, 64)).toEqual({ matched: expected, reports: [] });
      }
      // A status with a kind: one statement (windows would read every row), its start and end reported.
      const kind = { status: "expired", kind: "app" } satisfies SessionFilter;
      const expected = await listed(kind);
      expect(expected).toBeGreaterThan(0);
      expect(await dryRun(kind, 64)).toEqual({
        matched: expected,
        reports: [
          { matched: 0, fraction: 0, countedFrom: null },
          { matched: expected, fraction: 1, countedFrom: null },
        ],
      });
    });

    it("an email search matching many users is counted in windows; few users, at once", async () => {
      // 111 groups of two users (bulk…@example.org) with 12 sessions each, the groups' sessions
      // sharing 12 createdAt instants: many sessions on each side of a boundary.
      const now = t.clock.now();
      await t.store.insertSessionsBulk(Array.from({ length: 111 }, (_, n) => bulkRecords(now, n)));
      const many = await listed({ email: "example.org" });
      expect(many).toBeGreaterThan(222);
      // Windows of users by id: 222 users (and the fixture's none), so about `parts` windows.
      for (const parts of [1, 5, 40])
        await expectWindowed({ email: "example.org" }, parts, many, Math.ceil(parts / 2));
      // A short needle (no trigram shortcut) over the same walk, with a created range on top.
      const short = { email: "@", createdFrom: new Date(now.getTime() - 50 * HOUR) };
      await expectWindowed(short, 30, await listed(short), 15);
      const reports: CountProgress[] = [];
      const few = await t.service.revokeSessions({ filter: { email: "bulk7-" } }, undefined, {
        onProgress: (p) => reports.push(p),
      });
      expect(few.matched).toBe(await listed({ email: "bulk7-" }));
      expect(reports).toEqual([]);
    });

    it("stops between windows when cancelled, and changes nothing", async () => {
      await fixture();
      const before = await snapshot(t.service);
      const controller = new AbortController();
      const reports: CountProgress[] = [];
      const counting = t.service.revokeSessions({ filter: { ip: "192.0.2.7" }, dryRun: true }, undefined, {
        tuning: fixed(30),
        signal: controller.signal,
        onProgress: (p) => {
          reports.push(p);
          if (reports.length === 3) controller.abort(new Error("the admin closed the dialog"));
        },
      });
      await expect(counting).rejects.toThrow("the admin closed the dialog");
      // The window under way when it was cancelled finished; no other started.
      expect(reports).toHaveLength(3);
      expect(reports.at(-1)!.fraction).toBeLessThan(1);
      expect(await snapshot(t.service)).toBe(before);
      // Already cancelled: nothing is read.
      await expect(
        t.service.revokeSessions({ filter: { ip: "192.0.2.7" } }, undefined, { signal: controller.signal }),
      ).rejects.toThrow("the admin closed the dialog");
    });

    it("a signed-in admin's dry run leaves out their own session, on the maintained figures too", async () => {
      const { created } = await fixture();
      const admin = await makeUser(t.service, { role: "admin" });
      const mine = await t.service.createSession({ userId: admin.id, userAgent: UA.chromeWindows.ua });
      const ctx = { actor: { type: "user", id: admin.id } as Actor, currentSessionId: mine.session.id };
      const chrome = await listed({ browser: "Chrome" });
      for (const filter of [{ browser: "Chrome" }, { os: "Windows" }, {}] satisfies SessionFilter[]) {
        const reports: CountProgress[] = [];
        const rows = await listed(filter);
        const preview = await t.service.revokeSessions({ filter }, ctx, {
          onProgress: (p) => reports.push(p),
        });
        expect(preview.matched, JSON.stringify(filter)).toBe(rows - 1);
        // Answered from the maintained figures less one keyed lookup, not window by window.
        expect(reports, JSON.stringify(filter)).toEqual([]);
        expect(preview.sample.some((s) => s.id === mine.session.id)).toBe(false);
      }
      // Someone else's session in the filter is counted as usual.
      const theirs = { ...ctx, currentSessionId: created[1]!.session.id };
      expect((await t.service.revokeSessions({ filter: { browser: "Chrome" } }, theirs)).matched).toBe(
        chrome - 1,
      );
      // A session outside the filter is not subtracted.
      const firefox = { ...ctx, currentSessionId: created[3]!.session.id };
      expect((await t.service.revokeSessions({ filter: { browser: "Chrome" } }, firefox)).matched).toBe(
        chrome,
      );
    });
  });
}
