// The stores keep the active count and the statistics as figures maintained next to the sessions
// (live sessions by expiry day/browser/OS, sessions by creation slot, each user's latest live
// expiry), written in the same transaction as every change. This proves, on every store, that after
// each kind of change and as time passes (expiries, midnights, timezones) the maintained figures
// equal a recount of the sessions themselves, made with the service's own status rule.
import { describe, expect, it } from "vitest";
import { createSessionsService, type SessionsService } from "../src/service/index.js";
import type { SessionInfo, SessionStats } from "../src/domain/types.js";
import { useContractContext, type ContractContext } from "../src/testing/contract/context.js";
import { bulkRecords } from "../src/testing/bulk-records.js";
import { DAY, HOUR, MINUTE } from "../src/testing/fake-clock.js";

const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "curl/8.5.0",
  null,
];

async function allSessions(service: SessionsService): Promise<SessionInfo[]> {
  const all: SessionInfo[] = [];
  let cursor: string | null = null;
  do {
    const page = await service.listActiveSessions({ filter: { status: "all" }, limit: 200, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

function top(names: string[], n = 10): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, n);
}

/** Sorts ties by name so two correct top lists compare equal. */
const byCountThenName = (rows: { name: string; count: number }[]) =>
  [...rows].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** Every figure of getSessionStats and countActiveSessions against a recount of all sessions. */
async function expectFiguresMatchRecount(service: SessionsService, label: string): Promise<SessionStats> {
  const [stats, count, sessions] = await Promise.all([
    service.getSessionStats(),
    service.countActiveSessions(),
    allSessions(service),
  ]);
  const active = sessions.filter((s) => s.status === "active");
  const days = stats.createdPerDay.map((d) => d.date);
  const dayOf = (instant: Date) =>
    new Intl.DateTimeFormat("en-CA", {
      timeZone: stats.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(instant);
  const today = days[days.length - 1]!;
  const recount = {
    totalActive: active.length,
    uniqueUsers: new Set(active.map((s) => s.user.id)).size,
    expiredSessions: sessions.filter((s) => s.status === "expired").length,
    sessionsToday: sessions.filter((s) => dayOf(s.createdAt) === today).length,
    revokedToday: sessions.filter((s) => s.revokedAt !== null && dayOf(s.revokedAt) >= today).length,
    byBrowser: top(active.map((s) => s.browser ?? "Unknown")),
    byOs: top(active.map((s) => s.os ?? "Unknown")),
    createdPerDay: days.map((date) => sessions.filter((s) => dayOf(s.createdAt) === date).length),
  };
  expect(
    {
      totalActive: stats.totalActive,
      uniqueUsers: stats.uniqueUsers,
      expiredSessions: stats.expiredSessions,
      sessionsToday: stats.sessionsToday,
      revokedToday: stats.revokedToday,
      byBrowser: byCountThenName(stats.byBrowser),
      byOs: byCountThenName(stats.byOs),
      createdPerDay: stats.createdPerDay.map((d) => d.count),
    },
    label,
  ).toEqual(recount);
  expect(count, `${label}: countActiveSessions`).toBe(recount.totalActive);
  return stats;
}

for (const kind of ["sqlite-memory", "sqlite-file", "postgres"] as const) {
  describe(`maintained figures equal a recount: ${kind}`, () => {
    const t: ContractContext = useContractContext(kind);

    it("after creates, revokes, a disable, a bulk insert, expiries, midnights and prune", async () => {
      const short = t.withConfig({ lifetimeMs: 2 * DAY });
      const users = [];
      for (let i = 0; i < 6; i++)
        users.push(await t.service.createUser({ email: `figures${i}@example.com` }));
      await expectFiguresMatchRecount(t.service, "empty");

      // 48 sessions over the last 12 days, some with a 2-day lifetime (so some have expired).
      const start = t.clock.now().getTime();
      const created = [];
      for (let i = 0; i < 48; i++) {
        t.clock.set(new Date(start - (48 - i) * 6 * HOUR + i * 7 * MINUTE));
        const service = i % 5 === 0 ? short : t.service;
        created.push(
          await service.createSession({ userId: users[i % 6]!.id, userAgent: UAS[i % UAS.length] }),
        );
      }
      t.clock.set(new Date(start));
      await expectFiguresMatchRecount(t.service, "after creates");

      await t.service.revokeSession(created[47]!.session.id);
      await t.service.revokeSession(created[46]!.session.id);
      await expectFiguresMatchRecount(t.service, "after revokeSession");

      await t.service.revokeUserSessions(users[1]!.id);
      await expectFiguresMatchRecount(t.service, "after revokeUserSessions");

      await t.service.revokeSessions({ filter: { browser: "Firefox" }, dryRun: false });
      await expectFiguresMatchRecount(t.service, "after a bulk revoke by filter");

      await t.service.revokeSessions({ filter: { email: "figures4" }, dryRun: false });
      await expectFiguresMatchRecount(t.service, "after a bulk revoke by email");

      await t.service.setUserStatus(users[2]!.id, "disabled");
      await expectFiguresMatchRecount(t.service, "after disabling a user");

      await t.service.endSession(created[45]!.token);
      await expectFiguresMatchRecount(t.service, "after endSession");

      const bulk = bulkRecords(t.clock.now(), 1);
      await t.store.insertSessionsBulk([bulk]);
      await expectFiguresMatchRecount(t.service, "after a bulk insert");

      // Time passes: sessions expire, midnight moves "today", the 30-day window slides.
      for (const step of [HOUR, 9 * HOUR, DAY, 2 * DAY + 5 * MINUTE, 20 * DAY]) {
        t.clock.advance(step);
        await expectFiguresMatchRecount(t.service, `after ${step / MINUTE} more minutes`);
      }

      await t.withConfig({ retentionMs: DAY }).prune();
      await expectFiguresMatchRecount(t.service, "after prune");

      await t.service.createSession({ userId: users[0]!.id, userAgent: UAS[0] });
      await expectFiguresMatchRecount(t.service, "after a create following prune");

      t.clock.advance(70 * DAY);
      await expectFiguresMatchRecount(t.service, "after every session expired");
      await t.withConfig({ retentionMs: 0 }).prune();
      const emptied = await expectFiguresMatchRecount(t.service, "after pruning everything");
      expect(emptied.totalActive).toBe(0);
    });

    it("in a timezone 5:45 ahead of UTC, and with an idle timeout (counted from the rows)", async () => {
      const kathmandu = t.withConfig({ timezone: "Asia/Kathmandu" });
      const idle = t.withConfig({ idleTimeoutMs: 3 * HOUR });
      const user = await t.service.createUser({ email: "tz@example.com" });
      const start = t.clock.now().getTime();
      for (let i = 0; i < 30; i++) {
        // Around local midnight (18:15 UTC), on both sides of it.
        t.clock.set(new Date(start - (i % 3) * DAY + (i - 15) * 4 * MINUTE + 6 * HOUR + 15 * MINUTE));
        await t.service.createSession({ userId: user.id, userAgent: UAS[i % UAS.length] });
      }
      t.clock.set(new Date(start + 6 * HOUR + 20 * MINUTE));
      await expectFiguresMatchRecount(kathmandu, "Asia/Kathmandu");
      await expectFiguresMatchRecount(idle, "idle timeout");
      t.clock.advance(2 * HOUR);
      await expectFiguresMatchRecount(idle, "idle timeout, later");
    });

    it("counts a session revoked and expired in the same day once, and users with several sessions once", async () => {
      const user = await t.service.createUser({ email: "once@example.com" });
      const service: SessionsService = createSessionsService({
        store: t.store,
        clock: t.clock,
        config: { lifetimeMs: 90 * MINUTE },
      });
      const a = await service.createSession({ userId: user.id, userAgent: UAS[0] });
      await service.createSession({ userId: user.id, userAgent: UAS[0] });
      t.clock.advance(30 * MINUTE);
      await service.createSession({ userId: user.id, userAgent: UAS[1] });
      await expectFiguresMatchRecount(t.service, "three sessions of one user");
      await service.revokeSession(a.session.id);
      t.clock.advance(61 * MINUTE);
      await expectFiguresMatchRecount(t.service, "one revoked, one expired, one active");
      t.clock.advance(30 * MINUTE);
      const stats = await expectFiguresMatchRecount(t.service, "none active");
      expect(stats.uniqueUsers).toBe(0);
    });
  });
}
