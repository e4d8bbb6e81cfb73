// Small pieces on their own: the rate limiter, the event bus, origin checks, cookies, the refusal log.
import { describe, expect, it } from "vitest";
import { createEventBus, type LiveEvent } from "../src/events.js";
import { clearedSessionCookie, readSessionToken, sessionCookie } from "../src/http/cookies.js";
import { checkOrigin } from "../src/http/request.js";
import { createLogger } from "../src/logger.js";
import { createFixedWindowLimiter } from "../src/rate-limit.js";
import { createRefusalLog } from "../src/refusal-log.js";

describe("fixed-window rate limiter", () => {
  it("allows `limit` hits per window, then reports the seconds until it resets", () => {
    let now = 0;
    const limiter = createFixedWindowLimiter({ limit: 2, windowMs: 10_000, now: () => now });
    expect(limiter.check("k").allowed).toBe(true);
    limiter.hit("k");
    limiter.hit("k");
    expect(limiter.check("k")).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.check("other").allowed).toBe(true);
    now = 7_500;
    expect(limiter.check("k")).toEqual({ allowed: false, retryAfterSeconds: 3 });
    now = 10_000;
    expect(limiter.check("k").allowed).toBe(true);
    limiter.hit("k");
    limiter.hit("k");
    limiter.reset("k");
    expect(limiter.check("k").allowed).toBe(true);
  });

  it("keeps memory bounded by sweeping expired windows", () => {
    let now = 0;
    const limiter = createFixedWindowLimiter({ limit: 1, windowMs: 1000, now: () => now, maxKeys: 3 });
    for (const k of ["a", "b", "c"]) limiter.hit(k);
    now = 2000;
    limiter.hit("d");
    expect(limiter.check("a").allowed).toBe(true);
    expect(limiter.check("d").allowed).toBe(false);
  });
});

describe("event bus", () => {
  it("fans events out to every subscriber and ends them on abort or close", async () => {
    const bus = createEventBus({ now: () => new Date(0), statsDebounceMs: 0 });
    const controller = new AbortController();
    const a = bus.subscribe(controller.signal)[Symbol.asyncIterator]();
    const b = bus.subscribe()[Symbol.asyncIterator]();
    expect(bus.subscriberCount).toBe(2);
    bus.publish({ type: "session.created", sessionId: "s1", userId: "u1" });
    const expected: LiveEvent = { type: "session.created", sessionId: "s1", userId: "u1", at: new Date(0) };
    expect((await a.next()).value).toEqual(expected);
    expect((await a.next()).value).toEqual({ type: "stats.changed", at: new Date(0) });
    expect((await b.next()).value).toEqual(expected);
    controller.abort();
    expect(await a.next()).toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount).toBe(1);
    bus.close();
    await b.next(); // the queued stats.changed
    expect(await b.next()).toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount).toBe(0);
  });

  it("coalesces stats.changed and drops subscribers that fall too far behind", async () => {
    const bus = createEventBus({ statsDebounceMs: 20, maxQueue: 3 });
    const slow = bus.subscribe()[Symbol.asyncIterator]();
    for (let i = 0; i < 5; i++) bus.publish({ type: "sessions.pruned", count: i });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await slow.next()).value).toMatchObject({ type: "stats.changed" });
    for (let i = 0; i < 5; i++) bus.publish({ type: "sessions.revoked_many", count: i });
    expect(bus.subscriberCount).toBe(0);
    bus.close();
  });
});

describe("origin check (CSRF)", () => {
  const self = "http://api.local:3000";
  const allowed = ["https://console.example.com"];
  it.each([
    [{}, true],
    [{ origin: self }, true],
    [{ origin: "HTTPS://console.example.com" }, true],
    [{ "sec-fetch-site": "same-origin" }, true],
    [{ "sec-fetch-site": "none" }, true],
    [{ origin: "https://evil.example" }, false],
    [{ origin: "null" }, false],
    [{ "sec-fetch-site": "cross-site" }, false],
    [{ "sec-fetch-site": "same-site" }, false],
  ])("%j → %s", (headers, ok) => {
    expect(checkOrigin(headers, self, allowed).ok).toBe(ok);
  });
});

describe("cookies", () => {
  it("serializes and reads the sign-in cookie with the cookie package", () => {
    const now = new Date("2026-03-10T12:00:00Z");
    const until = new Date("2026-03-10T13:00:00Z");
    // By default a browser-session cookie: no Max-Age, no Expires (closing the browser signs out).
    expect(sessionCookie("tok", until, { secure: false, now, remember: false })).toBe(
      "sessions_token=tok; Path=/; HttpOnly; SameSite=Lax",
    );
    // CONSOLE_REMEMBER=true: it lasts as long as the session.
    expect(sessionCookie("tok", until, { secure: false, now, remember: true })).toBe(
      "sessions_token=tok; Max-Age=3600; Path=/; Expires=Tue, 10 Mar 2026 13:00:00 GMT; HttpOnly; SameSite=Lax",
    );
    expect(sessionCookie("tok", until, { secure: true, now, remember: false })).toMatch(
      /^__Host-sessions_token=tok;.*; Secure/,
    );
    expect(clearedSessionCookie(false)).toMatch(/^sessions_token=; Max-Age=0/);
    expect(readSessionToken("a=1; sessions_token=abc; b=2", false)).toBe("abc");
    expect(readSessionToken("sessions_token=abc", true)).toBeNull();
    expect(readSessionToken("__Host-sessions_token=xyz", true)).toBe("xyz");
    expect(readSessionToken(undefined, false)).toBeNull();
  });
});

describe("refusal log", () => {
  it("writes a burst per caller, then a few lines a second, counting what it dropped", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: "warn",
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    let now = 0;
    const log = createRefusalLog({ logger, burst: 3, perSecond: 2, now: () => now });
    const refusal = (caller: string) =>
      log({ code: "FORBIDDEN", procedure: "users.list", caller, ip: "192.0.2.1", reason: "no" });
    for (let i = 0; i < 10; i++) refusal("api_key:a");
    refusal("api_key:b");
    expect(lines.map((l) => l.caller)).toEqual(["api_key:a", "api_key:a", "api_key:a", "api_key:b"]);
    now += 500; // one token back for a
    refusal("api_key:a");
    expect(lines[4]).toMatchObject({ caller: "api_key:a", suppressed: 7, event: "authz.refused" });
    refusal("api_key:a");
    expect(lines).toHaveLength(5);
  });
});
