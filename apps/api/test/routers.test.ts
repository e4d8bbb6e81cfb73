// Every procedure through createCaller with an inner context: results, not_found values, validation
// and domain errors mapped to tRPC codes, isCurrent, audit trails, rate limits and live events.
import { describe, expect, it, vi } from "vitest";
import { MINUTE } from "@sessions/core/testing";
import type { LiveEvent } from "../src/events.js";
import { memoryCookie, type Caller } from "../src/trpc/context.js";
import { errorIdOf, validationIssues } from "../src/trpc/errors.js";
import { expectTRPCError, PASSWORD, useRouterFixture } from "./helpers.js";

/** A well-formed id (ids are UUIDs) that no row has. */
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

const f = useRouterFixture("sqlite-memory");

describe("auth", () => {
  it("login sets the cookie with a session in the same store and returns the user", async () => {
    const admin = await f.makeUser("admin", { email: "Boss@Example.com", password: PASSWORD });
    const cookie = memoryCookie();
    const user = await f
      .anonymous({ cookie })
      .auth.login({ email: " boss@example.COM ", password: PASSWORD });
    expect(user).toMatchObject({ id: admin.id, email: "boss@example.com", role: "admin" });
    expect(user).not.toHaveProperty("passwordHash");
    expect(cookie.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const validated = await f.app.service.validateConsoleSession(cookie.token!);
    expect(validated?.user.id).toBe(admin.id);
    expect(validated?.session.ip).toBe("203.0.113.7");
    expect(validated?.session.userAgent).toBe("vitest");
    expect(cookie.expiresAt).toEqual(validated?.session.expiresAt);
  });

  it("answers a wrong password, an unknown email, a disabled user and a user-role account with one message", async () => {
    await f.makeUser("admin", { email: "a@example.com", password: PASSWORD });
    await f.makeUser("user", { email: "u@example.com", password: PASSWORD });
    const disabled = await f.makeUser("viewer", { email: "d@example.com", password: PASSWORD });
    await f.app.service.setUserStatus(disabled.id, "disabled");
    const attempts = [
      { email: "a@example.com", password: "wrong password" },
      { email: "nobody@example.com", password: PASSWORD },
      { email: "d@example.com", password: PASSWORD },
      { email: "u@example.com", password: PASSWORD },
    ];
    const messages = new Set<string>();
    for (const attempt of attempts) {
      const cookie = memoryCookie();
      const error = await expectTRPCError(f.anonymous({ cookie }).auth.login(attempt), "UNAUTHORIZED");
      messages.add(error.message);
      expect(cookie.token).toBeNull();
    }
    expect([...messages]).toEqual(["Wrong email or password."]);
  });

  it("a viewer may sign in; signing in again ends the browser's previous sign-in", async () => {
    const viewer = await f.makeUser("viewer", { password: PASSWORD });
    const cookie = memoryCookie();
    await f.anonymous({ cookie }).auth.login({ email: viewer.email, password: PASSWORD });
    const first = cookie.token!;
    await f.anonymous({ cookie }).auth.login({ email: viewer.email, password: PASSWORD });
    expect(cookie.token).not.toBe(first);
    expect(await f.app.service.validateConsoleSession(first)).toBeNull();
    expect(await f.app.service.validateConsoleSession(cookie.token!)).not.toBeNull();
  });

  it("rejects bad input as BAD_REQUEST with field paths", async () => {
    const error = await expectTRPCError(f.anonymous().auth.login({ email: "", password: "" }), "BAD_REQUEST");
    expect(
      validationIssues(error)
        ?.map((i) => i.path)
        .sort(),
    ).toEqual(["email", "password"]);
  });

  it("rate limits sign-in per email (failures) and per IP (attempts), with a retry-after", async () => {
    await f.makeUser("admin", { email: "a@example.com", password: PASSWORD });
    const headers = new Map<string, string>();
    const api = f.anonymous({ setHeader: (name, value) => headers.set(name, value) });
    for (let i = 0; i < 5; i++) {
      await expectTRPCError(
        api.auth.login({ email: "a@example.com", password: "wrong password" }),
        "UNAUTHORIZED",
      );
    }
    // The right password does not help once the email is locked.
    const error = await expectTRPCError(
      api.auth.login({ email: "a@example.com", password: PASSWORD }),
      "TOO_MANY_REQUESTS",
    );
    expect(error).toHaveProperty("retryAfterSeconds", 15 * 60);
    expect(headers.get("Retry-After")).toBe("900");
    f.clock.advance(15 * MINUTE);
    await expect(api.auth.login({ email: "a@example.com", password: PASSWORD })).resolves.toMatchObject({
      email: "a@example.com",
    });

    // 20 attempts a minute from one IP, whatever the emails.
    const fromIp = f.anonymous({ ip: "198.51.100.9" });
    for (let i = 0; i < 20; i++) {
      await expectTRPCError(
        fromIp.auth.login({ email: `x${i}@example.com`, password: "wrong password" }),
        "UNAUTHORIZED",
      );
    }
    await expectTRPCError(
      fromIp.auth.login({ email: "a@example.com", password: PASSWORD }),
      "TOO_MANY_REQUESTS",
    );
    // Another IP is unaffected.
    await expect(
      f.anonymous({ ip: "198.51.100.10" }).auth.login({ email: "a@example.com", password: PASSWORD }),
    ).resolves.toBeTruthy();
  });

  it("me returns the user and session id; logout ends the session, clears the cookie and is audited", async () => {
    const admin = await f.makeUser("admin");
    const signedIn = await f.signIn(admin);
    expect(await signedIn.api.auth.me()).toEqual({
      user: admin,
      sessionId: signedIn.sessionId,
      authenticatedAt: f.clock.now(),
    });
    const cookie = memoryCookie(signedIn.token);
    expect(await f.as(signedIn.caller, { cookie, ip: "192.0.2.1" }).auth.logout()).toEqual({ ok: true });
    expect(cookie.token).toBeNull();
    expect(await f.app.service.validateConsoleSession(signedIn.token)).toBeNull();
    const audit = await f.app.service.listAudit({ action: "session.ended" });
    expect(audit.items[0]).toMatchObject({
      actor: admin.id,
      ip: "192.0.2.1",
      target: signedIn.sessionId,
      reason: "logout",
    });
  });

  it("me refuses anonymous callers, user-role sessions and API keys", async () => {
    await expectTRPCError(f.anonymous().auth.me(), "UNAUTHORIZED");
    const user = await f.makeUser("user");
    await expectTRPCError((await f.signIn(user)).api.auth.me(), "FORBIDDEN");
    await expectTRPCError((await f.makeKey(["sessions:read"])).api.auth.me(), "FORBIDDEN");
  });
});

describe("sessions", () => {
  it("listActive filters, sorts, paginates and marks the caller's own session isCurrent", async () => {
    const admin = await f.makeUser("admin");
    const me = await f.signIn(admin);
    const alice = await f.makeUser("user", { email: "alice@example.com" });
    for (let i = 0; i < 3; i++) {
      f.clock.advance(MINUTE);
      await f.app.service.createSession({
        userId: alice.id,
        ip: `192.0.2.${i}`,
        userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
      });
    }
    const all = await me.api.sessions.listActive({});
    expect(all.items).toHaveLength(4);
    expect(all.items.filter((s) => s.isCurrent).map((s) => s.id)).toEqual([me.sessionId]);
    expect(all.items[0]!.createdAt).toBeInstanceOf(Date);

    const page1 = await me.api.sessions.listActive({ limit: 2, filter: { email: "ALICE" } });
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await me.api.sessions.listActive({
      limit: 2,
      filter: { email: "ALICE" },
      cursor: page1.nextCursor,
    });
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();

    const asc = await me.api.sessions.listActive({
      sort: { by: "createdAt", dir: "asc" },
      filter: { browser: "Firefox" },
    });
    expect(asc.items.map((s) => s.ip)).toEqual(["192.0.2.0", "192.0.2.1", "192.0.2.2"]);
  });

  it("listActive validates filters and cursors", async () => {
    const viewer = await f.signIn(await f.makeUser("viewer"));
    const error = await expectTRPCError(
      viewer.api.sessions.listActive({
        limit: 500,
        filter: { createdFrom: new Date("2026-03-02"), createdTo: new Date("2026-03-01") },
      }),
      "BAD_REQUEST",
    );
    expect(
      validationIssues(error)
        ?.map((i) => i.path)
        .sort(),
    ).toEqual(["filter.createdFrom", "limit"]);
    const cursorError = await expectTRPCError(
      viewer.api.sessions.listActive({ cursor: "not-a-cursor" }),
      "BAD_REQUEST",
    );
    expect(validationIssues(cursorError)).toEqual([
      { path: "cursor", message: "is not a cursor returned by this list" },
    ]);
  });

  it("listForUser, get (null when unknown), count and stats", async () => {
    const viewer = await f.signIn(await f.makeUser("viewer"));
    const bob = await f.makeUser("user");
    const { session } = await f.app.service.createSession({ userId: bob.id });
    const list = await viewer.api.sessions.listForUser({ userId: bob.id });
    expect(list.items.map((s) => s.id)).toEqual([session.id]);
    expect(await viewer.api.sessions.get({ id: session.id })).toMatchObject({
      id: session.id,
      user: { id: bob.id },
    });
    expect(await viewer.api.sessions.get({ id: "01900000-0000-7000-8000-000000000000" })).toBeNull();
    expect(await viewer.api.sessions.count()).toBe(2);
    expect(await viewer.api.sessions.count({ filter: { userId: bob.id } })).toBe(1);
    await f.app.service.revokeSession(session.id);
    expect(await viewer.api.sessions.count({ filter: { userId: bob.id, status: "revoked" } })).toBe(1);
    expect(await viewer.api.sessions.count({ filter: { userId: bob.id } })).toBe(0);
    await expectTRPCError(viewer.api.sessions.count({ filter: { status: "gone" as "all" } }), "BAD_REQUEST");
    const stats = await viewer.api.sessions.stats();
    expect(stats).toMatchObject({ totalActive: 1, uniqueUsers: 1, sessionsToday: 2, revokedToday: 1 });
    expect(stats.createdPerDay).toHaveLength(30);
    await expectTRPCError(viewer.api.sessions.get({ id: "" }), "BAD_REQUEST");
  });

  it("revoke: ok, then not_found; audited with actor, IP and reason", async () => {
    const admin = await f.signIn(await f.makeUser("admin"), { ip: "192.0.2.44" });
    const bob = await f.makeUser("user");
    const { session } = await f.app.service.createSession({ userId: bob.id });
    expect(await admin.api.sessions.revoke({ id: session.id, reason: "lost laptop" })).toEqual({ ok: true });
    expect(await admin.api.sessions.revoke({ id: session.id })).toEqual({ ok: false, error: "not_found" });
    const revoked = await admin.api.sessions.get({ id: session.id });
    expect(revoked).toMatchObject({
      status: "revoked",
      revokedBy: `user:${admin.user.id}`,
      revokeReason: "lost laptop",
    });
    const audit = await admin.api.audit.list({ action: "session.revoked" });
    expect(audit.items).toEqual([
      expect.objectContaining({
        actorType: "user",
        actor: admin.user.id,
        ip: "192.0.2.44",
        reason: "lost laptop",
        target: session.id,
      }),
    ]);
  });

  it("refuses to revoke the caller's own session, pointing at auth.logout", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const error = await expectTRPCError(admin.api.sessions.revoke({ id: admin.sessionId }), "BAD_REQUEST");
    expect(error.message).toContain("auth.logout");
    expect(await f.app.service.validateConsoleSession(admin.token)).not.toBeNull();
  });

  it("revokeForUser returns the count and keeps the caller's own session", async () => {
    const adminUser = await f.makeUser("admin");
    const admin = await f.signIn(adminUser);
    await f.app.service.createSession({ userId: adminUser.id });
    await f.app.service.createSession({ userId: adminUser.id });
    expect(await admin.api.sessions.revokeForUser({ userId: adminUser.id, reason: "cleanup" })).toEqual({
      revoked: 2,
    });
    expect(await f.app.service.validateConsoleSession(admin.token)).not.toBeNull();
    expect(await admin.api.sessions.revokeForUser({ userId: UNKNOWN_ID })).toEqual({ revoked: 0 });
    // Issue 10: an id that is not a UUID is the caller's mistake, not an unknown user.
    await expectTRPCError(admin.api.sessions.revokeForUser({ userId: "no-such-user" }), "BAD_REQUEST");
  });

  it("revokeMany previews with dryRun, then revokes the same set, never the caller's own", async () => {
    const adminUser = await f.makeUser("admin");
    const admin = await f.signIn(adminUser);
    const chrome =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const bob = await f.makeUser("user");
    await f.app.service.createSession({ userId: bob.id, userAgent: chrome });
    await f.app.service.createSession({ userId: bob.id, userAgent: chrome });
    await f.app.service.createSession({ userId: adminUser.id, userAgent: chrome });
    await f.app.service.createSession({ userId: bob.id, userAgent: "curl/8.5.0" });

    const preview = await admin.api.sessions.revokeMany({ filter: { browser: "Chrome" }, dryRun: true });
    expect(preview).toMatchObject({ matched: 3, revoked: 0 });
    expect(preview.sample).toHaveLength(3);
    expect(await admin.api.sessions.count()).toBe(5);

    const done = await admin.api.sessions.revokeMany({
      filter: { browser: "Chrome" },
      dryRun: false,
      reason: "browser exploit",
    });
    expect(done).toMatchObject({ matched: 3, revoked: 3 });
    expect(await admin.api.sessions.count()).toBe(2);

    // Everything: all but the caller's own session.
    const rest = await admin.api.sessions.revokeMany({ filter: { status: "all" }, dryRun: false });
    expect(rest.revoked).toBe(1);
    expect(await f.app.service.validateConsoleSession(admin.token)).not.toBeNull();
    await expectTRPCError(
      admin.api.sessions.revokeMany({ filter: { status: "bogus" as "all" }, dryRun: true }),
      "BAD_REQUEST",
    );
  });

  it("create / validate / end for internal services, with NOT_FOUND and FORBIDDEN from the domain", async () => {
    const key = await f.makeKey(["sessions:issue"]);
    const carol = await f.makeUser("user");
    const created = await key.api.sessions.create({
      userId: carol.id,
      ip: "198.51.100.1",
      userAgent: "curl/8.5.0",
    });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.session).toMatchObject({ user: { id: carol.id }, ip: "198.51.100.1", isCurrent: false });

    f.clock.advance(5 * MINUTE);
    const validated = await key.api.sessions.validate({ token: created.token });
    expect(validated?.user.id).toBe(carol.id);
    expect(validated?.session.lastSeenAt).toEqual(f.clock.now());
    expect(await key.api.sessions.validate({ token: "nonsense" })).toBeNull();

    expect(await key.api.sessions.end({ token: created.token })).toEqual({ ok: true });
    expect(await key.api.sessions.end({ token: created.token })).toEqual({ ok: false });
    expect(await key.api.sessions.validate({ token: created.token })).toBeNull();

    const audit = await f.app.service.listAudit({ target: created.session.id });
    expect(audit.items.map((e) => [e.action, e.actorType, e.actor])).toEqual([
      ["session.ended", "api_key", key.apiKey.id],
      ["session.created", "api_key", key.apiKey.id],
    ]);

    const notFound = await expectTRPCError(key.api.sessions.create({ userId: UNKNOWN_ID }), "NOT_FOUND");
    await expectTRPCError(key.api.sessions.create({ userId: "missing" }), "BAD_REQUEST");
    expect(notFound.message).toBe("No user with this id.");
    await f.app.service.setUserStatus(carol.id, "disabled");
    await expectTRPCError(key.api.sessions.create({ userId: carol.id }), "FORBIDDEN");
    await expectTRPCError(
      key.api.sessions.create({ userId: carol.id, userAgent: "x".repeat(1001) }),
      "BAD_REQUEST",
    );
  });
});

describe("users", () => {
  it("create (CONFLICT on a taken email), list, get (null when unknown)", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const created = await admin.api.users.create({
      email: "New@Example.com",
      name: "New",
      role: "viewer",
      password: PASSWORD,
    });
    expect(created).toMatchObject({ email: "new@example.com", role: "viewer", status: "active" });
    expect(created).not.toHaveProperty("passwordHash");
    await expectTRPCError(admin.api.users.create({ email: "new@example.com" }), "CONFLICT");
    const invalid = await expectTRPCError(
      admin.api.users.create({ email: "not an email", password: "short" }),
      "BAD_REQUEST",
    );
    expect(
      validationIssues(invalid)
        ?.map((i) => i.path)
        .sort(),
    ).toEqual(["email", "password"]);

    const list = await admin.api.users.list({ search: "new@" });
    expect(list.items).toEqual([expect.objectContaining({ id: created.id, activeSessions: 0 })]);
    expect(await admin.api.users.get({ id: admin.user.id })).toMatchObject({
      id: admin.user.id,
      activeSessions: 1,
    });
    expect(await admin.api.users.get({ id: UNKNOWN_ID })).toBeNull();
    await expectTRPCError(admin.api.users.get({ id: "missing" }), "BAD_REQUEST");
    const audit = await admin.api.audit.list({ action: "user.created" });
    expect(audit.items[0]).toMatchObject({ actor: admin.user.id, target: created.id });
  });

  it("setStatus disabled revokes the user's sessions and says how many; not_found for unknown ids", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const dave = await f.makeUser("user");
    await f.app.service.createSession({ userId: dave.id });
    await f.app.service.createSession({ userId: dave.id });
    const result = await admin.api.users.setStatus({ id: dave.id, status: "disabled", reason: "left" });
    expect(result).toMatchObject({ ok: true, revokedSessions: 2, user: { status: "disabled" } });
    expect(await admin.api.users.setStatus({ id: dave.id, status: "active" })).toMatchObject({
      ok: true,
      revokedSessions: 0,
    });
    expect(await admin.api.users.setStatus({ id: UNKNOWN_ID, status: "active" })).toEqual({
      ok: false,
      error: "not_found",
    });
    await expectTRPCError(admin.api.users.setStatus({ id: "missing", status: "active" }), "BAD_REQUEST");
    await expectTRPCError(
      admin.api.users.setStatus({ id: dave.id, status: "gone" as "active" }),
      "BAD_REQUEST",
    );
    const audit = await admin.api.audit.list({ target: dave.id, action: "user.disabled" });
    expect(audit.items[0]).toMatchObject({
      actor: admin.user.id,
      reason: "left",
      count: 2,
      ip: "203.0.113.7",
    });
  });
});

describe("audit", () => {
  it("lists newest first with filters and pagination", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    for (let i = 0; i < 3; i++) {
      f.clock.advance(MINUTE);
      await admin.api.users.create({ email: `p${i}@example.com` });
    }
    const page = await admin.api.audit.list({ action: "user.created", actor: admin.user.id, limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]!.at.getTime()).toBeGreaterThan(page.items[1]!.at.getTime());
    const next = await admin.api.audit.list({
      action: "user.created",
      actor: admin.user.id,
      limit: 2,
      cursor: page.nextCursor,
    });
    expect(next.items).toHaveLength(1);
    await expectTRPCError(admin.api.audit.list({ limit: 0 }), "BAD_REQUEST");
  });
});

describe("keys", () => {
  it("create shows the key once; list shows previews only; revoke, then not_found", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const created = await admin.api.keys.create({
      name: "billing",
      scopes: ["sessions:read", "sessions:read", "users:read"],
    });
    expect(created.key.startsWith("sk_sess_")).toBe(true);
    expect(created.apiKey.scopes).toEqual(["sessions:read", "users:read"]);
    const list = await admin.api.keys.list();
    expect(list.nextCursor).toBeNull();
    expect(list.items).toEqual([
      expect.objectContaining({ id: created.apiKey.id, name: "billing", createdBy: `user:${admin.user.id}` }),
    ]);
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(await admin.api.keys.revoke({ id: created.apiKey.id })).toEqual({ ok: true });
    expect(await admin.api.keys.revoke({ id: created.apiKey.id })).toEqual({ ok: false, error: "not_found" });
    expect(await f.app.service.verifyApiKey(created.key)).toBeNull();
    await expectTRPCError(admin.api.keys.create({ name: "x", scopes: [] }), "BAD_REQUEST");
    await expectTRPCError(
      admin.api.keys.create({ name: "x", scopes: ["root" as "keys:manage"] }),
      "BAD_REQUEST",
    );
  });

  it("a key can only grant scopes it holds", async () => {
    const manager = await f.makeKey(["keys:manage", "sessions:read"]);
    await expect(
      manager.api.keys.create({ name: "reader", scopes: ["sessions:read"] }),
    ).resolves.toBeTruthy();
    const error = await expectTRPCError(
      manager.api.keys.create({ name: "root", scopes: ["users:write"] }),
      "FORBIDDEN",
    );
    expect(error.message).toContain("users:write");
  });
});

describe("events", () => {
  async function collect(caller: Caller, count: number, act: () => Promise<unknown>): Promise<LiveEvent[]> {
    const controller = new AbortController();
    const iterable = await f.as(caller, {}, controller.signal).events();
    const events: LiveEvent[] = [];
    const before = f.app.events.subscriberCount;
    const reading = (async () => {
      for await (const event of iterable) {
        events.push(event);
        if (events.length === count) break;
      }
    })();
    await vi.waitFor(() => expect(f.app.events.subscriberCount).toBe(before + 1));
    await act();
    await reading;
    controller.abort();
    return events;
  }

  it("emits session.created, session.revoked, user.sessions_revoked and stats.changed", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const erin = await f.makeUser("user");
    const events = await collect(admin.caller, 8, async () => {
      const { session } = await admin.api.sessions.create({ userId: erin.id });
      await admin.api.sessions.revoke({ id: session.id });
      await f.app.service.createSession({ userId: erin.id });
      await admin.api.sessions.revokeForUser({ userId: erin.id });
    });
    expect(events.map((e) => e.type)).toEqual([
      "session.created",
      "stats.changed",
      "session.revoked",
      "stats.changed",
      "session.created",
      "stats.changed",
      "user.sessions_revoked",
      "stats.changed",
    ]);
    const more = await collect(admin.caller, 2, async () => {
      await f.app.service.createSession({ userId: erin.id });
    });
    expect(more.map((e) => e.type)).toEqual(["session.created", "stats.changed"]);
    expect(more[0]).toMatchObject({ userId: erin.id, at: f.clock.now() });
  });

  it("user.sessions_revoked carries the count", async () => {
    const key = await f.makeKey(["sessions:read", "sessions:revoke"]);
    const frank = await f.makeUser("user");
    await f.app.service.createSession({ userId: frank.id });
    await f.app.service.createSession({ userId: frank.id });
    const events = await collect(key.caller, 2, () => key.api.sessions.revokeForUser({ userId: frank.id }));
    expect(events[0]).toMatchObject({ type: "user.sessions_revoked", userId: frank.id, count: 2 });
  });
});

describe("validation of every other input", () => {
  it("answers BAD_REQUEST naming the field", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    const api = admin.api;
    const cases: [Promise<unknown>, string][] = [
      [api.sessions.listForUser({ userId: "" }), "userId"],
      [api.sessions.listForUser({ userId: UNKNOWN_ID, status: "gone" as "all" }), "status"],
      [api.sessions.revoke({ id: UNKNOWN_ID, reason: "x".repeat(501) }), "reason"],
      [api.sessions.revokeForUser({ userId: " " }), "userId"],
      [api.sessions.validate({ token: "t".repeat(501) }), "token"],
      [api.sessions.end({ token: "t".repeat(501) }), "token"],
      [api.sessions.create({ userId: UNKNOWN_ID, ip: "1".repeat(65) }), "ip"],
      [api.users.list({ limit: 1.5 }), "limit"],
      [api.users.get({ id: "" }), "id"],
      [api.keys.revoke({ id: "" }), "id"],
      [api.keys.create({ name: "", scopes: ["audit:read"] }), "name"],
      [api.audit.list({ action: "" }), "action"],
    ];
    for (const [call, field] of cases) {
      const error = await expectTRPCError(call, "BAD_REQUEST");
      expect(validationIssues(error)?.map((i) => i.path)).toEqual([field]);
    }
  });
});

describe("errors", () => {
  it("unexpected errors stay INTERNAL_SERVER_ERROR with a stable error id", async () => {
    const admin = await f.signIn(await f.makeUser("admin"));
    f.store.countSessions = () => Promise.reject(new Error("disk on fire"));
    const error = await expectTRPCError(admin.api.sessions.count(), "INTERNAL_SERVER_ERROR");
    expect(errorIdOf(error)).toBe(errorIdOf(error));
    expect(errorIdOf(error)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
