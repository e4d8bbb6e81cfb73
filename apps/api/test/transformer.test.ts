// The output encoder (src/transformer.ts) writes exactly what superjson.serialize writes: for every
// procedure result over demo data (where it must not fall back) and for values it must hand to
// superjson (where the result is superjson's own). Clients decode it with plain superjson.
import superjson, { type SuperJSONResult } from "superjson";
import { beforeEach, describe, expect, it } from "vitest";
import { seedDemoData } from "../src/seed.js";
import { encodeFast, encodeOutput } from "../src/transformer.js";
import { START, useRouterFixture } from "./helpers.js";

const f = useRouterFixture("sqlite-memory");

const roundTrip = (encoded: SuperJSONResult) =>
  superjson.deserialize(JSON.parse(JSON.stringify(encoded)) as SuperJSONResult);

const same = (value: unknown) => {
  expect(JSON.stringify(encodeOutput(value))).toBe(JSON.stringify(superjson.serialize(value)));
  expect(roundTrip(encodeOutput(value))).toEqual(roundTrip(superjson.serialize(value)));
};

describe("output encoder", () => {
  beforeEach(async () => {
    await seedDemoData({ store: f.store, now: new Date(START), users: 12, sessions: 80, seed: 3 });
  });

  it("encodes every kind of procedure result as superjson does, without falling back", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const { key, api: keyApi } = await f.makeKey(["sessions:issue", "sessions:read"]);
    expect(key).toMatch(/^sk_sess_/);
    const api = admin.api;
    const page = await api.sessions.listActive({ limit: 20 });
    const someone = page.items[0]!.user.id;
    const created = await keyApi.sessions.create({ userId: someone, ip: "192.0.2.1", userAgent: "curl/8" });
    const results: unknown[] = [
      page,
      await api.sessions.listActive({
        limit: 5,
        sort: { by: "lastSeenAt", dir: "desc" },
        filter: { browser: "Firefox" },
      }),
      await api.sessions.listForUser({ userId: someone }),
      await api.sessions.get({ id: page.items[1]!.id }),
      await api.sessions.get({ id: "01890000-0000-7000-8000-000000000000" }),
      await api.sessions.count(),
      await api.sessions.stats(),
      await api.sessions.revokeMany({ filter: { browser: "Safari" }, dryRun: true }),
      await keyApi.sessions.validate({ token: created.token }),
      await keyApi.sessions.validate({ token: "x".repeat(43) }),
      await api.users.list({}),
      await api.users.get({ id: someone }),
      await api.audit.list({}),
      await api.keys.list(),
      await keyApi.sessions.end({ token: created.token }),
      // An error shape as the formatter builds it.
      {
        message: "Invalid input: email: must be an email address",
        code: -32600,
        data: {
          code: "BAD_REQUEST",
          httpStatus: 400,
          path: "users.create",
          issues: [{ path: "email", message: "must be an email address" }],
          errorId: null,
          retryAfterSeconds: null,
        },
      },
    ];
    for (const result of results) {
      expect(encodeFast(result), JSON.stringify(result).slice(0, 80)).not.toBeNull();
      same(result);
    }
    // One Date object in two fields (a new session's createdAt and lastSeenAt; this fixture's user,
    // made in memory, in createdAt and updatedAt): superjson records that (referentialEqualities),
    // so these results are superjson's own.
    for (const result of [created, await api.auth.me()]) {
      expect(encodeFast(result)).toBeNull();
      same(result);
    }
  });

  it("matches superjson on edge cases, falling back to it where it must", () => {
    const date = new Date("2026-03-10T12:00:00.000Z");
    const shared = { a: 1 };
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { at: date.getTime() });
    const cases: unknown[] = [
      null,
      "text",
      0,
      1.5,
      true,
      date,
      [date, new Date(0)],
      { "a.b": { "c\\d": new Date(1) }, list: [[new Date(2)], { when: new Date(3) }] },
      {},
      [],
      nullProto,
      { nested: { empty: {} }, arr: [1, "2", null, false] },
      // superjson annotates or rewrites these: the encoder must fall back.
      undefined,
      { missing: undefined },
      [1, undefined],
      Number.NaN,
      { big: 10n },
      { inf: Infinity, negative: -0 },
      new Date(Number.NaN),
      { set: new Set([1]), map: new Map([["k", 1]]) },
      { re: /x/g, url: new URL("https://example.com/") },
      new Error("boom"),
      { same: date, again: date },
      { one: shared, two: shared },
      circular,
      new (class Thing {
        x = 1;
      })(),
    ];
    for (const value of cases) same(value);
    expect(encodeFast({ missing: undefined })).toBeNull();
    expect(encodeFast({ same: date, again: date })).toBeNull();
    // superjson throws on prototype-polluting keys; so does the encoder, through superjson.
    const polluted = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(() => superjson.serialize(polluted)).toThrow(/prototype pollution/);
    expect(() => encodeOutput(polluted)).toThrow(/prototype pollution/);
  });
});
