// Session policies (issue 13): the per-user session limit, end reasons on every path that ends a
// session, an end user's own devices through a service, and recent authentication for services.
import { describe, expect, it } from "vitest";
import { ConflictError, InvalidTokenError } from "../../domain/errors.js";
import type { SessionEndReason } from "../../vocab.js";
import type { ContractContext } from "./context.js";
import {
  allAudit,
  allSessions,
  expectRejection,
  expectValidationError,
  makeUser,
  snapshot,
  UNKNOWN_ID,
} from "./fixtures.js";

const MINUTE = 60_000;
const service = { actor: { type: "api_key", id: "svc" } } as const;

export function policiesContract(t: ContractContext) {
  describe("session limit (MAX_SESSIONS_PER_USER)", () => {
    it("evict_oldest ends the least recently seen active app session, audited, and never counts console sign-ins", async () => {
      const limited = t.withConfig({ maxSessionsPerUser: 3, touchIntervalMs: 0 });
      const user = await makeUser(limited, { role: "admin" });
      const console = await limited.createConsoleSession({ userId: user.id });
      const made = [];
      for (let i = 0; i < 3; i++) {
        made.push(await limited.createSession({ userId: user.id }, service));
        t.clock.advance(MINUTE);
      }
      // The first is seen again, so the second is now the least recently seen.
      expect(await limited.validateSession(made[0]!.token)).not.toBeNull();
      t.clock.advance(MINUTE);
      const fourth = await limited.createSession({ userId: user.id }, service);

      const live = (await allSessions(limited)).filter((s) => s.status === "active" && s.kind === "app");
      expect(live.map((s) => s.id).sort()).toEqual(
        [made[0]!.session.id, made[2]!.session.id, fourth.session.id].sort(),
      );
      const evicted = await limited.getSessionInfo(made[1]!.session.id);
      expect(evicted).toMatchObject({ status: "revoked", endReason: "limit", revokedBy: "api_key:svc" });
      expect(evicted?.endedAt).toEqual(t.clock.now());
      expect((await limited.getSessionInfo(console.session.id))?.status).toBe("active");
      const [event] = (await allAudit(limited)).filter((e) => e.action === "session.evicted");
      expect(event).toMatchObject({
        target: made[1]!.session.id,
        actorType: "api_key",
        count: 1,
        data: { endReason: "limit", userId: user.id, for: fourth.session.id },
      });
      expect(await limited.validateSession(made[1]!.token)).toBeNull();
    });

    it("deny refuses the session past the limit with CONFLICT and writes nothing", async () => {
      const limited = t.withConfig({ maxSessionsPerUser: 2, sessionLimitPolicy: "deny" });
      const user = await makeUser(limited);
      await limited.createSession({ userId: user.id });
      await limited.createSession({ userId: user.id });
      const before = await snapshot(limited);
      const error = await expectRejection(limited.createSession({ userId: user.id }), ConflictError);
      expect(error.message).toMatch(/2 active sessions/);
      expect(await snapshot(limited)).toBe(before);
      // Ended and expired sessions make room: only active ones count.
      const [first] = (await limited.listUserSessions(user.id)).items;
      await limited.revokeSession(first!.id);
      await limited.createSession({ userId: user.id });
    });

    it("50 concurrent creates for one user with a limit of 3 leave exactly 3 active, every eviction recorded", async () => {
      const limited = t.withConfig({ maxSessionsPerUser: 3 });
      const user = await makeUser(limited);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => limited.createSession({ userId: user.id }, service)),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const sessions = await allSessions(limited);
      expect(sessions.filter((s) => s.status === "active")).toHaveLength(3);
      expect(sessions.filter((s) => s.status === "revoked" && s.endReason === "limit")).toHaveLength(47);
      expect((await allAudit(limited)).filter((e) => e.action === "session.evicted")).toHaveLength(47);
      expect(await limited.countActiveSessions({ userId: user.id })).toBe(3);
    });

    it("50 concurrent creates under deny: exactly 3 made, 47 refused with CONFLICT", async () => {
      const limited = t.withConfig({ maxSessionsPerUser: 3, sessionLimitPolicy: "deny" });
      const user = await makeUser(limited);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => limited.createSession({ userId: user.id })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      const refused = results.filter((r) => r.status === "rejected");
      expect(refused).toHaveLength(47);
      for (const r of refused) expect(r.reason).toBeInstanceOf(ConflictError);
      expect(await allSessions(limited)).toHaveLength(3);
    });
  });

  describe("end reasons", () => {
    it("every path that ends a session stores its own reason, filterable", async () => {
      const limited = t.withConfig({ maxSessionsPerUser: 10 });
      const admin = await makeUser(limited, { role: "admin", password: "correct horse battery" });
      const u = await makeUser(limited);
      const make = async (userId = u.id) => limited.createSession({ userId });
      const reasonOf = async (id: string) => (await limited.getSessionInfo(id))?.endReason;

      const live = await make();
      expect(await reasonOf(live.session.id)).toBeNull();
      const loggedOut = await make();
      await limited.endSession(loggedOut.token);
      const revoked = await make();
      await limited.revokeSession(revoked.session.id);
      const own = await make();
      const current = await make();
      await limited.revokeOwn({ token: current.token, id: own.session.id });
      const other = await make();
      await limited.revokeOthers({ token: current.token });
      const forUser = await make();
      await limited.revokeUserSessions(u.id);
      const bulk = await make();
      await limited.revokeSessions({ filter: { userId: u.id }, dryRun: false });
      const disabled = await make();
      await limited.setUserStatus(u.id, "disabled");
      const adminApp = await make(admin.id);
      await limited.resetPassword(admin.email, "another long password", { actor: { type: "cli" } });

      const expected: [string, SessionEndReason][] = [
        [loggedOut.session.id, "logout"],
        [revoked.session.id, "revoked"],
        [own.session.id, "revoked"],
        [other.session.id, "others_revoked"],
        [live.session.id, "others_revoked"],
        [current.session.id, "user_revoked"],
        [forUser.session.id, "user_revoked"],
        [bulk.session.id, "bulk"],
        [disabled.session.id, "user_disabled"],
        [adminApp.session.id, "password_reset"],
      ];
      for (const [id, reason] of expected) expect([id, await reasonOf(id)]).toEqual([id, reason]);

      const listed = await limited.listActiveSessions({
        filter: { status: "all", endReason: "others_revoked" },
      });
      expect(listed.items.map((s) => s.id).sort()).toEqual([other.session.id, live.session.id].sort());
      expect(await limited.countSessions({ status: "revoked", endReason: "bulk" })).toBe(1);
      // The audit log says the same: each revocation's event carries its end reason.
      const reasons = new Set((await allAudit(limited)).map((e) => e.data?.endReason).filter(Boolean));
      expect([...reasons].sort()).toEqual(
        [
          "bulk",
          "logout",
          "others_revoked",
          "password_reset",
          "revoked",
          "user_disabled",
          "user_revoked",
        ].sort(),
      );
      await expectValidationError(
        limited.listActiveSessions({ filter: { endReason: "expired" as SessionEndReason } }),
        "filter.endReason",
      );
    });
  });

  describe("your devices (a service acting with an end user's token)", () => {
    async function twoUsers() {
      const alice = await makeUser(t.service);
      const bob = await makeUser(t.service);
      const a1 = await t.service.createSession({ userId: alice.id, userAgent: "curl/8.5.0" });
      t.clock.advance(1000);
      const a2 = await t.service.createSession({ userId: alice.id });
      const b1 = await t.service.createSession({ userId: bob.id });
      return { alice, bob, a1, a2, b1 };
    }

    it("listForToken lists only the token's user's active app sessions, the token's own marked current", async () => {
      const { alice, a1, a2 } = await twoUsers();
      const consoleAdmin = await makeUser(t.service, { role: "admin" });
      await t.service.createConsoleSession({ userId: consoleAdmin.id });
      const ended = await t.service.createSession({ userId: alice.id });
      await t.service.revokeSession(ended.session.id);
      const page = await t.service.listForToken({ token: a1.token });
      expect(page.items.map((s) => [s.id, s.isCurrent])).toEqual([
        [a2.session.id, false],
        [a1.session.id, true],
      ]);
      const first = await t.service.listForToken({ token: a1.token, limit: 1 });
      expect(first.items).toHaveLength(1);
      const rest = await t.service.listForToken({ token: a1.token, limit: 1, cursor: first.nextCursor });
      expect(rest.items.map((s) => s.id)).toEqual([a1.session.id]);
    });

    it("revokeOthers ends every other app session of that user only, never the token's own or a console sign-in", async () => {
      const { alice, a1, a2, b1 } = await twoUsers();
      const a3 = await t.service.createSession({ userId: alice.id });
      expect(await t.service.revokeOthers({ token: a1.token }, service)).toEqual({ revoked: 2 });
      expect(await t.service.validateSession(a1.token)).not.toBeNull();
      expect(await t.service.validateSession(a2.token)).toBeNull();
      expect(await t.service.validateSession(a3.token)).toBeNull();
      expect(await t.service.validateSession(b1.token)).not.toBeNull();
      expect(await t.service.revokeOthers({ token: a1.token })).toEqual({ revoked: 0 });
      const event = (await allAudit(t.service)).find(
        (e) => e.action === "user.sessions_revoked" && e.target === alice.id,
      );
      expect(event).toMatchObject({ count: 2, actorType: "api_key", data: { endReason: "others_revoked" } });
    });

    it("revokeOwn ends the user's own session by id; another user's id is not_found and stays valid", async () => {
      const { a1, a2, b1 } = await twoUsers();
      const before = await snapshot(t.service);
      expect(await t.service.revokeOwn({ token: a1.token, id: b1.session.id })).toEqual({
        ok: false,
        error: "not_found",
      });
      expect(await t.service.revokeOwn({ token: a1.token, id: UNKNOWN_ID })).toEqual({
        ok: false,
        error: "not_found",
      });
      // The validation of a1's token moved nothing (touch interval not passed): nothing changed.
      expect(await snapshot(t.service)).toBe(before);
      expect(await t.service.validateSession(b1.token)).not.toBeNull();
      expect(await t.service.revokeOwn({ token: a1.token, id: a2.session.id })).toEqual({ ok: true });
      expect(await t.service.validateSession(a2.token)).toBeNull();
      expect(await t.service.revokeOwn({ token: a1.token, id: a2.session.id })).toEqual({
        ok: false,
        error: "not_found",
      });
    });

    it("an invalid, ended or console token is InvalidTokenError for every one of them", async () => {
      const { a1 } = await twoUsers();
      const admin = await makeUser(t.service, { role: "admin" });
      const consoleSignIn = await t.service.createConsoleSession({ userId: admin.id });
      await t.service.endSession(a1.token);
      for (const token of [a1.token, consoleSignIn.token, "not-a-token", "x".repeat(64)]) {
        await expectRejection(t.service.listForToken({ token }), InvalidTokenError);
        await expectRejection(t.service.revokeOthers({ token }), InvalidTokenError);
        await expectRejection(t.service.revokeOwn({ token, id: UNKNOWN_ID }), InvalidTokenError);
        await expectRejection(t.service.reauthenticated({ token }), InvalidTokenError);
      }
      expect((await t.service.getSessionInfo(consoleSignIn.session.id))?.status).toBe("active");
    });
  });

  describe("recent authentication", () => {
    it("create takes authenticatedAt and authMethod; validate's maxAuthAge says fresh; reauthenticated renews it", async () => {
      const user = await makeUser(t.service);
      const at = new Date(t.clock.now().getTime() - 10 * MINUTE);
      const { token, session } = await t.service.createSession({
        userId: user.id,
        authenticatedAt: at,
        authMethod: "passkey",
      });
      expect(session).toMatchObject({ authenticatedAt: at, authMethod: "passkey" });
      expect((await t.service.validateSessionInput({ token }))?.fresh).toBe(true);
      expect((await t.service.validateSessionInput({ token, maxAuthAge: 600 }))?.fresh).toBe(true);
      expect((await t.service.validateSessionInput({ token, maxAuthAge: 599 }))?.fresh).toBe(false);

      t.clock.advance(MINUTE);
      const renewed = await t.service.reauthenticated({ token, method: "password" }, service);
      expect(renewed).toEqual({ authenticatedAt: t.clock.now(), authMethod: "password" });
      expect((await t.service.validateSessionInput({ token, maxAuthAge: 0 }))?.fresh).toBe(true);
      expect(await t.service.getSessionInfo(session.id)).toMatchObject({
        authenticatedAt: t.clock.now(),
        authMethod: "password",
      });
      // Without a method the last one stays.
      t.clock.advance(MINUTE);
      expect(await t.service.reauthenticated({ token })).toEqual({
        authenticatedAt: t.clock.now(),
        authMethod: "password",
      });
      const events = (await allAudit(t.service)).filter((e) => e.action === "session.reauthenticated");
      expect(events).toHaveLength(2);
      expect(events.every((e) => e.target === session.id)).toBe(true);
    });

    it("refuses an authenticatedAt in the future, a bad method and a bad maxAuthAge, writing nothing", async () => {
      const user = await makeUser(t.service);
      const { token } = await t.service.createSession({ userId: user.id });
      const before = await snapshot(t.service);
      const future = new Date(t.clock.now().getTime() + 10 * MINUTE);
      await expectValidationError(
        t.service.createSession({ userId: user.id, authenticatedAt: future }),
        "authenticatedAt",
      );
      await expectValidationError(
        t.service.createSession({ userId: user.id, authMethod: "Pass Word!" }),
        "authMethod",
      );
      await expectValidationError(t.service.reauthenticated({ token, method: "" }), "method");
      await expectValidationError(t.service.validateSessionInput({ token, maxAuthAge: -1 }), "maxAuthAge");
      await expectValidationError(t.service.validateSessionInput({ token, maxAuthAge: 1.5 }), "maxAuthAge");
      expect(await snapshot(t.service)).toBe(before);
    });
  });
}
