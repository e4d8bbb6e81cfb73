// Lists and counts: every filter, the status rule, email search with LIKE wildcards taken
// literally, and countActiveSessions agreeing with what the list shows.
import { describe, expect, it } from "vitest";
import type { SessionFilter, SessionInfo } from "../../domain/types.js";
import { DAY, HOUR, MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { EMAIL_SEARCH_USERS } from "../../store/shared/query-parts.js";
import { allSessions, collectPages, makeUser, sessionAt, UA, UNKNOWN_ID } from "./fixtures.js";

const ids = (items: SessionInfo[]) => items.map((s) => s.id).sort();

export function listsContract(t: ContractContext): void {
  /** All matches of a filter, across pages. */
  const list = (filter: SessionFilter) =>
    collectPages((cursor) => t.service.listActiveSessions({ filter, limit: 3, cursor }));

  /** A user with one session for each email; idsOf names those sessions, search lists a search's. */
  async function oneSessionEach(emails: string[]) {
    const byEmail = new Map<string, string>();
    for (const email of emails) {
      const user = await makeUser(t.service, { email });
      byEmail.set(email, (await t.service.createSession({ userId: user.id })).session.id);
    }
    return {
      idsOf: (...e: string[]) => e.map((x) => byEmail.get(x)!).sort(),
      search: async (email: string) => ids(await list({ email })),
    };
  }

  describe("lists and filters", () => {
    it("filters by a non-ASCII email substring, in any case, through the trigram search too", async () => {
      const umlaut = await makeUser(t.service, { email: "Jürgen.Müller@x.io" });
      const plain = await makeUser(t.service, { email: "jurgen.muller@x.io" });
      const mine = (await t.service.createSession({ userId: umlaut.id })).session.id;
      await t.service.createSession({ userId: plain.id });

      expect(ids(await list({ email: "MÜLLER" }))).toEqual([mine]);
      expect(ids(await list({ email: "ürg" }))).toEqual([mine]);
      expect(await t.service.countActiveSessions({ email: "müller@" })).toBe(1);
      expect(ids(await list({ email: "muller" }))).not.toContain(mine);
    });

    it("an email search matching more users than the per-user path lists the same sessions in the same order", async () => {
      // Past EMAIL_SEARCH_USERS matching users a store may walk the sort index checking user ids
      // (SQLite) instead of reading each user's sessions: same rows, same order, same pages.
      const crowd = EMAIL_SEARCH_USERS + 40;
      for (let i = 0; i < crowd + 10; i++) {
        const user = await makeUser(t.service, {
          email: i < crowd ? `crowd${i}.tier@x.io` : `loner${i}@x.io`,
        });
        const first = (await t.service.createSession({ userId: user.id, userAgent: UA.firefoxLinux.ua }))
          .session;
        if (i % 3 === 0) await t.service.createSession({ userId: user.id });
        if (i % 5 === 0) await t.service.revokeSession(first.id);
        if (i % 2 === 0) t.clock.advance(1000); // and pairs created in the same millisecond
      }
      const everything = await allSessions(t.service);
      const byOrder = (by: "createdAt" | "lastSeenAt") => (a: SessionInfo, b: SessionInfo) =>
        b[by].getTime() - a[by].getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
      for (const [search, by] of [
        ["tier", "createdAt"],
        ["TIER@", "createdAt"],
        ["tier", "lastSeenAt"],
        ["crowd1", "createdAt"],
      ] as const) {
        const expected = everything
          .filter((s) => s.status === "active" && s.user.email.includes(search.toLowerCase()))
          .sort(byOrder(by))
          .map((s) => s.id);
        const listed = await collectPages((cursor) =>
          t.service.listActiveSessions({
            filter: { email: search },
            sort: { by, dir: "desc" },
            limit: 7,
            cursor,
          }),
        );
        expect(
          listed.map((s) => s.id),
          `${search} by ${by}`,
        ).toEqual(expected);
        expect(await t.service.countActiveSessions({ email: search })).toBe(expected.length);
      }
      expect(everything.filter((s) => s.user.email.includes("tier")).length).toBeGreaterThan(crowd);
    });

    it("filters by email substring, case-insensitively, with % _ and \\ matching literally", async () => {
      const emails = [
        "a_b@x.io",
        "axb@x.io",
        "100%@x.io",
        "1000@x.io",
        "back\\slash@x.io",
        "backxslash@x.io",
      ];
      const { idsOf, search } = await oneSessionEach(emails);

      expect(await search("_")).toEqual(idsOf("a_b@x.io"));
      expect(await search("a_b")).toEqual(idsOf("a_b@x.io"));
      expect(await search("A_B@X.IO")).toEqual(idsOf("a_b@x.io"));
      expect(await search("%")).toEqual(idsOf("100%@x.io"));
      expect(await search("100%")).toEqual(idsOf("100%@x.io"));
      expect(await search("\\")).toEqual(idsOf("back\\slash@x.io"));
      expect(await search("k\\s")).toEqual(idsOf("back\\slash@x.io"));
      expect(await search("a%b")).toEqual([]);
      expect(await search("%%")).toEqual([]);
      expect(await search("XB@")).toEqual(idsOf("axb@x.io"));
      expect(await search("@X.IO")).toEqual(idsOf(...emails));
      expect(await search("")).toEqual(idsOf(...emails));
      expect(await search("nobody")).toEqual([]);
      // count and bulk-revoke preview use the same search.
      expect(await t.service.countActiveSessions({ email: "_" })).toBe(1);
      expect(await t.service.countActiveSessions({ email: "%" })).toBe(1);
      const preview = await t.service.revokeSessions({ filter: { email: "_" }, dryRun: true });
      expect(preview.matched).toBe(1);
      expect(preview.sample.map((s) => s.user.email)).toEqual(["a_b@x.io"]);
    });

    it("an email search that reads as full-text query syntax still matches the text literally", async () => {
      // SQLite answers searches of 3+ characters from an FTS5 trigram index by phrase MATCH, where
      // quotes, *, ^, :, parentheses and OR/NEAR are syntax: each must stay a literal substring.
      const emails = ["o'neil+tag@x.io", "near.or@x.io", "caret^x@x.io", "star*x@x.io"];
      const { idsOf, search } = await oneSessionEach(emails);

      expect(await search("o'neil+tag")).toEqual(idsOf("o'neil+tag@x.io"));
      expect(await search("NEAR.OR")).toEqual(idsOf("near.or@x.io"));
      expect(await search("t^x@")).toEqual(idsOf("caret^x@x.io"));
      expect(await search("r*x")).toEqual(idsOf("star*x@x.io"));
      expect(await search("near OR star")).toEqual([]);
      expect(await search('a"b')).toEqual([]);
      expect(await search('"near"')).toEqual([]);
      expect(await search("NEAR(ab)")).toEqual([]);
      expect(await search("x.io: (")).toEqual([]);
      expect(await t.service.countActiveSessions({ email: "o'ne" })).toBe(1);
      expect(await t.service.countActiveSessions({ email: '"x' })).toBe(0);
    });

    it("filters by status active | expired | revoked | all", async () => {
      const user = await makeUser(t.service);
      const short = t.withConfig({ lifetimeMs: HOUR });
      const active = (await t.service.createSession({ userId: user.id })).session.id;
      const expired = (await short.createSession({ userId: user.id })).session.id;
      const revoked = (await t.service.createSession({ userId: user.id })).session.id;
      const revokedAndExpired = (await short.createSession({ userId: user.id })).session.id;
      await t.service.revokeSession(revoked);
      await t.service.revokeSession(revokedAndExpired);
      t.clock.advance(2 * HOUR);

      expect(ids(await list({ status: "active" }))).toEqual([active]);
      expect(ids(await list({}))).toEqual([active]);
      expect(ids(await list({ status: "expired" }))).toEqual([expired]);
      expect(ids(await list({ status: "revoked" }))).toEqual([revoked, revokedAndExpired].sort());
      expect(ids(await list({ status: "all" }))).toEqual(
        [active, expired, revoked, revokedAndExpired].sort(),
      );
      const statuses = Object.fromEntries((await list({ status: "all" })).map((s) => [s.id, s.status]));
      expect(statuses).toEqual({
        [active]: "active",
        [expired]: "expired",
        [revoked]: "revoked",
        [revokedAndExpired]: "revoked",
      });
      expect(await t.service.countActiveSessions()).toBe(1);
      // countSessions counts what the list shows, whatever the status filter.
      for (const status of ["active", "expired", "revoked", "all"] as const) {
        expect(await t.service.countSessions({ status }), status).toBe((await list({ status })).length);
      }
      expect(await t.service.countSessions({ status: "all", email: "no-such" })).toBe(0);
    });

    it("filters by user, ip, browser and os (parsed from real user agents), and combines filters", async () => {
      const alice = await makeUser(t.service);
      const bob = await makeUser(t.service);
      const mk = async (userId: string, ip: string, ua: string | null) =>
        (await t.service.createSession({ userId, ip, userAgent: ua })).session;
      const a1 = await mk(alice.id, "10.0.0.1", UA.chromeWindows.ua);
      const a2 = await mk(alice.id, "10.0.0.2", UA.firefoxLinux.ua);
      const a3 = await mk(alice.id, "10.0.0.1", UA.safariIphone.ua);
      const b1 = await mk(bob.id, "10.0.0.1", UA.chromeAndroid.ua);
      const b2 = await mk(bob.id, "2001:db8::1", UA.curl.ua);
      const b3 = await mk(bob.id, "10.0.0.3", null);

      expect(a1).toMatchObject({
        browser: "Chrome",
        os: "Windows",
        deviceType: "desktop",
        userAgent: UA.chromeWindows.ua,
      });
      expect(a3).toMatchObject({ browser: "Mobile Safari", os: "iOS", deviceType: "mobile" });
      expect(b1).toMatchObject({ browser: "Chrome", os: "Android", deviceType: "mobile" });
      expect(b2).toMatchObject({ browser: null, os: null, deviceType: "bot" });
      expect(b3).toMatchObject({ browser: null, os: null, deviceType: null, userAgent: null });
      // Stored, not just returned once.
      expect(await t.service.getSessionInfo(a2.id)).toMatchObject({ browser: "Firefox", os: "Linux" });

      expect(ids(await list({ userId: alice.id }))).toEqual(ids([a1, a2, a3]));
      expect(ids(await list({ userId: UNKNOWN_ID }))).toEqual([]);
      expect(ids(await list({ ip: "10.0.0.1" }))).toEqual(ids([a1, a3, b1]));
      expect(ids(await list({ ip: "2001:db8::1" }))).toEqual(ids([b2]));
      expect(ids(await list({ ip: "10.0.0" }))).toEqual([]);
      expect(ids(await list({ browser: "Chrome" }))).toEqual(ids([a1, b1]));
      expect(ids(await list({ browser: "Mobile Safari" }))).toEqual(ids([a3]));
      expect(ids(await list({ os: "Windows" }))).toEqual(ids([a1]));
      expect(ids(await list({ os: "Android" }))).toEqual(ids([b1]));
      expect(ids(await list({ browser: "Chrome", userId: bob.id }))).toEqual(ids([b1]));
      expect(ids(await list({ ip: "10.0.0.1", os: "iOS", userId: alice.id }))).toEqual(ids([a3]));
      expect(ids(await list({ ip: "10.0.0.1", os: "Linux" }))).toEqual([]);

      for (const filter of [{ userId: alice.id }, { ip: "10.0.0.1" }, { browser: "Chrome" }, { os: "iOS" }]) {
        expect(await t.service.countActiveSessions(filter)).toBe((await list(filter)).length);
      }
    });

    it("filters by created range: createdFrom inclusive, createdTo exclusive", async () => {
      const user = await makeUser(t.service);
      const base = t.clock.now().getTime();
      const at = (ms: number) => new Date(base - 10 * DAY + ms);
      const s0 = (await sessionAt(t, at(0), { userId: user.id })).session;
      const s1 = (await sessionAt(t, at(HOUR - 1), { userId: user.id })).session;
      const s2 = (await sessionAt(t, at(HOUR), { userId: user.id })).session;
      const s3 = (await sessionAt(t, at(2 * HOUR), { userId: user.id })).session;

      expect(ids(await list({ createdFrom: at(HOUR) }))).toEqual(ids([s2, s3]));
      expect(ids(await list({ createdTo: at(HOUR) }))).toEqual(ids([s0, s1]));
      expect(ids(await list({ createdFrom: at(1), createdTo: at(2 * HOUR) }))).toEqual(ids([s1, s2]));
      expect(ids(await list({ createdFrom: at(HOUR), createdTo: at(HOUR) }))).toEqual([]);
      expect(ids(await list({ createdFrom: at(3 * HOUR) }))).toEqual([]);
      expect(await t.service.countActiveSessions({ createdFrom: at(1), createdTo: at(2 * HOUR) })).toBe(2);
    });

    it("countActiveSessions equals the number of active items listed, with and without filters", async () => {
      const users = [await makeUser(t.service), await makeUser(t.service), await makeUser(t.service)];
      const short = t.withConfig({ lifetimeMs: 30 * MINUTE });
      const uas = [UA.chromeWindows.ua, UA.firefoxLinux.ua, UA.safariMac.ua];
      for (let i = 0; i < 17; i++) {
        const service = i % 5 === 0 ? short : t.service;
        const { session } = await service.createSession({
          userId: users[i % 3]!.id,
          userAgent: uas[i % 3]!,
          ip: `10.0.${i % 2}.1`,
        });
        if (i % 4 === 0) await t.service.revokeSession(session.id);
        t.clock.advance(MINUTE);
      }
      t.clock.advance(30 * MINUTE);
      const active = await list({ status: "active" });
      expect(active.length).toBe(9);
      expect(active.every((s) => s.status === "active" && s.isValid)).toBe(true);
      expect(await t.service.countActiveSessions()).toBe(active.length);
      const filters = [
        { userId: users[1]!.id },
        { browser: "Firefox" },
        { os: "Mac OS", ip: "10.0.1.1" },
        { email: users[2]!.email.toUpperCase() },
        { createdFrom: new Date(t.clock.now().getTime() - 40 * MINUTE) },
      ];
      for (const filter of filters) {
        const listed = await list({ ...filter, status: "active" });
        expect(await t.service.countActiveSessions(filter)).toBe(listed.length);
      }
      // Everything listed under "all" is one of the three statuses, and the totals add up.
      const all = await allSessions(t.service);
      expect(all.length).toBe(17);
      expect(
        (await list({ status: "revoked" })).length +
          (await list({ status: "expired" })).length +
          active.length,
      ).toBe(17);
    });

    it("listUserSessions shows one user's sessions of every status by default, newest first", async () => {
      const user = await makeUser(t.service);
      const other = await makeUser(t.service);
      const created = [];
      for (let i = 0; i < 5; i++) {
        created.push((await t.service.createSession({ userId: user.id })).session.id);
        t.clock.advance(MINUTE);
      }
      await t.service.createSession({ userId: other.id });
      await t.service.revokeSession(created[1]!);

      const all = await collectPages((cursor) => t.service.listUserSessions(user.id, { limit: 2, cursor }));
      expect(all.map((s) => s.id)).toEqual([...created].reverse());
      expect(all.every((s) => s.user.id === user.id)).toBe(true);
      const active = await t.service.listUserSessions(user.id, { status: "active" });
      expect(active.items.map((s) => s.id)).toEqual([created[4], created[3], created[2], created[0]]);
      const revoked = await t.service.listUserSessions(user.id, { status: "revoked" });
      expect(revoked.items.map((s) => s.id)).toEqual([created[1]]);
      expect((await t.service.listUserSessions(UNKNOWN_ID)).items).toEqual([]);
    });

    it("sorts by lastSeenAt and expiresAt, not only createdAt", async () => {
      const user = await makeUser(t.service);
      const long = t.withConfig({ lifetimeMs: 90 * DAY });
      const a = await t.service.createSession({ userId: user.id });
      t.clock.advance(MINUTE);
      const b = await long.createSession({ userId: user.id });
      t.clock.advance(MINUTE);
      const c = await t.service.createSession({ userId: user.id });
      t.clock.advance(10 * MINUTE);
      await t.service.validateSession(a.token);

      const order = async (by: "createdAt" | "lastSeenAt" | "expiresAt", dir: "asc" | "desc") =>
        (await t.service.listActiveSessions({ sort: { by, dir } })).items.map((s) => s.id);
      const [A, B, C] = [a.session.id, b.session.id, c.session.id];
      expect(await order("createdAt", "desc")).toEqual([C, B, A]);
      expect(await order("createdAt", "asc")).toEqual([A, B, C]);
      expect(await order("lastSeenAt", "desc")).toEqual([A, C, B]);
      expect(await order("lastSeenAt", "asc")).toEqual([B, C, A]);
      expect(await order("expiresAt", "desc")).toEqual([B, C, A]);
      expect(await order("expiresAt", "asc")).toEqual([A, C, B]);
    });

    it("returns camelCase session info with the user embedded and an 8-hex token preview", async () => {
      const user = await makeUser(t.service, { name: "Grace", role: "viewer" });
      const { session } = await t.service.createSession({
        userId: user.id,
        ip: "192.0.2.1",
        userAgent: UA.edgeWindows.ua,
      });
      t.clock.advance(90 * 1000 + 999);
      const [listed] = (await t.service.listActiveSessions()).items;
      expect(listed).toEqual({
        id: session.id,
        tokenPreview: session.tokenPreview,
        kind: "app",
        user: { id: user.id, email: user.email, name: "Grace", status: "active", role: "viewer" },
        createdAt: session.createdAt,
        expiresAt: session.expiresAt,
        lastSeenAt: session.createdAt,
        // An app session is authenticated when its service says; without authenticatedAt, at creation.
        authenticatedAt: session.createdAt,
        authMethod: null,
        ageSeconds: 90,
        status: "active",
        isValid: true,
        isCurrent: false,
        ip: "192.0.2.1",
        userAgent: UA.edgeWindows.ua,
        browser: "Edge",
        os: "Windows",
        deviceType: "desktop",
        revokedAt: null,
        revokedBy: null,
        revokeReason: null,
        endedAt: null,
        endReason: null,
      });
      expect(listed?.tokenPreview).toMatch(/^[0-9a-f]{8}$/);
      expect(await t.service.getSessionInfo(session.id)).toEqual(listed);
    });
  });
}
