// validateSession, the hot path: absolute expiry, idle timeout, throttled lastSeenAt writes, and
// the SQL "active" rule agreeing with the service's at every boundary.
import { describe, expect, it } from "vitest";
import { ForbiddenError } from "../../domain/errors.js";
import type { SessionsService } from "../../service/index.js";
import { DAY, MINUTE, SECOND } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, expectRejection, makeUser, snapshot } from "./fixtures.js";

/** What the store says about one session, through every read path. */
async function observed(service: SessionsService, id: string) {
  const info = await service.getSessionInfo(id);
  const active = await service.listActiveSessions({ filter: { status: "active" } });
  const expired = await service.listActiveSessions({ filter: { status: "expired" } });
  return {
    status: info?.status,
    inActiveList: active.items.some((s) => s.id === id),
    inExpiredList: expired.items.some((s) => s.id === id),
    activeCount: await service.countActiveSessions(),
  };
}

const ACTIVE = { status: "active", inActiveList: true, inExpiredList: false, activeCount: 1 };
const EXPIRED = { status: "expired", inActiveList: false, inExpiredList: true, activeCount: 0 };

export function validateContract(t: ContractContext): void {
  describe("validate", () => {
    it("returns the session and its user for a fresh token", async () => {
      const user = await makeUser(t.service, { name: "Ada" });
      const created = await t.service.createSession({ userId: user.id, ip: "203.0.113.7" });
      const result = await t.service.validateSession(created.token);
      expect(result?.user).toEqual(user);
      expect(result?.session).toMatchObject({
        id: created.session.id,
        status: "active",
        isValid: true,
        isCurrent: true,
        ip: "203.0.113.7",
        user: { id: user.id, email: user.email, name: "Ada", status: "active", role: "user" },
      });
    });

    it("returns null for unknown and malformed tokens", async () => {
      const user = await makeUser(t.service);
      const { token } = await t.service.createSession({ userId: user.id });
      const flipped = (token[0] === "A" ? "B" : "A") + token.slice(1);
      for (const bad of [flipped, token + "x", token.slice(1), "", " ", "a".repeat(43), `${token} `]) {
        expect(await t.service.validateSession(bad)).toBeNull();
      }
      expect(await t.service.validateSession(token)).not.toBeNull();
    });

    it("is valid 1 ms before expiresAt and expired at expiresAt, in the service and in SQL alike", async () => {
      const user = await makeUser(t.service);
      const { token, session } = await t.service.createSession({ userId: user.id });
      expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(60 * DAY);

      t.clock.set(new Date(session.expiresAt.getTime() - 1));
      expect(await observed(t.service, session.id)).toEqual(ACTIVE);
      expect(await t.service.validateSession(token)).not.toBeNull();

      t.clock.set(session.expiresAt);
      expect(await t.service.validateSession(token)).toBeNull();
      expect(await observed(t.service, session.id)).toEqual(EXPIRED);
      expect((await t.service.getSessionInfo(session.id))?.isValid).toBe(false);
    });

    it("uses the configured absolute lifetime", async () => {
      const service = t.withConfig({ lifetimeMs: 2 * 60 * MINUTE });
      const user = await makeUser(service);
      const { token, session } = await service.createSession({ userId: user.id });
      expect(session.expiresAt).toEqual(new Date(t.clock.now().getTime() + 2 * 60 * MINUTE));
      t.clock.advance(2 * 60 * MINUTE - 1);
      expect(await service.validateSession(token)).not.toBeNull();
      t.clock.advance(1);
      expect(await service.validateSession(token)).toBeNull();
    });

    it("expires a session idle for idleTimeoutMs, and each validation restarts the idle period", async () => {
      const idle = 30 * MINUTE;
      const service = t.withConfig({ idleTimeoutMs: idle });
      const user = await makeUser(service);
      const used = await service.createSession({ userId: user.id });
      const unused = await service.createSession({ userId: user.id });
      const start = t.clock.now().getTime();

      t.clock.set(new Date(start + idle - 1));
      expect(await service.validateSession(used.token)).not.toBeNull();
      expect((await service.getSessionInfo(unused.session.id))?.status).toBe("active");

      // The unused one idles out at exactly lastSeenAt + idle; the SQL filters agree.
      t.clock.set(new Date(start + idle));
      expect(await service.validateSession(unused.token)).toBeNull();
      expect((await service.getSessionInfo(unused.session.id))?.status).toBe("expired");
      expect(await service.countActiveSessions()).toBe(1);
      const expired = await service.listActiveSessions({ filter: { status: "expired" } });
      expect(expired.items.map((s) => s.id)).toEqual([unused.session.id]);

      // The used one was seen at start + idle - 1, so it lives until start + 2 * idle - 1.
      t.clock.set(new Date(start + 2 * idle - 2));
      expect(await service.validateSession(used.token)).not.toBeNull();
      const lastSeen = (await service.getSessionInfo(used.session.id))?.lastSeenAt.getTime();
      expect(lastSeen).toBe(start + 2 * idle - 2);
      t.clock.set(new Date(lastSeen! + idle));
      expect(await service.validateSession(used.token)).toBeNull();
      expect(await service.countActiveSessions()).toBe(0);

      // Without an idle timeout the same rows are still active: the rule is the service's config.
      expect(await t.service.countActiveSessions()).toBe(2);
    });

    it("writes lastSeenAt at most once per touch interval", async () => {
      const user = await makeUser(t.service);
      const { token, session } = await t.service.createSession({ userId: user.id });
      const created = session.createdAt.getTime();
      const stored = async () => (await t.service.getSessionInfo(session.id))!.lastSeenAt.getTime();

      // Twice within the default 1-minute interval: no write, and validate reports what is stored.
      t.clock.set(new Date(created + 10 * SECOND));
      expect((await t.service.validateSession(token))?.session.lastSeenAt.getTime()).toBe(created);
      t.clock.set(new Date(created + 59 * SECOND));
      expect((await t.service.validateSession(token))?.session.lastSeenAt.getTime()).toBe(created);
      expect(await stored()).toBe(created);

      // At exactly one interval the returned value must still match the stored one.
      t.clock.set(new Date(created + MINUTE));
      const atBoundary = await t.service.validateSession(token);
      expect(atBoundary?.session.lastSeenAt.getTime()).toBe(await stored());

      // After the interval: moved to now.
      const later = created + MINUTE + 1;
      t.clock.set(new Date(later));
      expect((await t.service.validateSession(token))?.session.lastSeenAt.getTime()).toBe(later);
      expect(await stored()).toBe(later);

      // And again only after another full interval from the new value.
      t.clock.set(new Date(later + 30 * SECOND));
      await t.service.validateSession(token);
      expect(await stored()).toBe(later);
    });

    it("honours a configured touch interval, and 0 writes on every validation", async () => {
      const every5 = t.withConfig({ touchIntervalMs: 5 * MINUTE });
      const always = t.withConfig({ touchIntervalMs: 0 });
      const user = await makeUser(t.service);
      const a = await every5.createSession({ userId: user.id });
      const b = await always.createSession({ userId: user.id });
      const created = t.clock.now().getTime();

      t.clock.set(new Date(created + 4 * MINUTE));
      await every5.validateSession(a.token);
      await always.validateSession(b.token);
      expect((await t.service.getSessionInfo(a.session.id))?.lastSeenAt.getTime()).toBe(created);
      expect((await t.service.getSessionInfo(b.session.id))?.lastSeenAt.getTime()).toBe(created + 4 * MINUTE);

      t.clock.set(new Date(created + 4 * MINUTE + 1));
      await always.validateSession(b.token);
      expect((await t.service.getSessionInfo(b.session.id))?.lastSeenAt.getTime()).toBe(
        created + 4 * MINUTE + 1,
      );

      t.clock.set(new Date(created + 6 * MINUTE));
      await every5.validateSession(a.token);
      expect((await t.service.getSessionInfo(a.session.id))?.lastSeenAt.getTime()).toBe(created + 6 * MINUTE);
    });

    it("disabling a user revokes every session; validate is null; no new sessions; re-enabling resurrects nothing", async () => {
      const user = await makeUser(t.service);
      const other = await makeUser(t.service);
      const created = [];
      for (let i = 0; i < 3; i++) created.push(await t.service.createSession({ userId: user.id }));
      const othersSession = await t.service.createSession({ userId: other.id });
      const admin = { type: "user" as const, id: other.id };

      const disabled = await t.service.setUserStatus(user.id, "disabled", { actor: admin, reason: "left" });
      expect(disabled).toMatchObject({
        ok: true,
        revokedSessions: 3,
        user: { id: user.id, status: "disabled" },
      });
      for (const c of created) {
        expect(await t.service.validateSession(c.token)).toBeNull();
        expect(await t.service.getSessionInfo(c.session.id)).toMatchObject({
          status: "revoked",
          revokedBy: `user:${other.id}`,
          revokeReason: "left",
          user: { status: "disabled" },
        });
      }
      expect(await t.service.validateSession(othersSession.token)).not.toBeNull();
      expect((await t.service.getUser(user.id))?.activeSessions).toBe(0);

      const before = await snapshot(t.service);
      await expectRejection(t.service.createSession({ userId: user.id }), ForbiddenError);
      expect(await snapshot(t.service)).toBe(before);

      const enabled = await t.service.setUserStatus(user.id, "active", { actor: admin });
      expect(enabled).toMatchObject({ ok: true, revokedSessions: 0, user: { status: "active" } });
      for (const c of created) {
        expect(await t.service.validateSession(c.token)).toBeNull();
        expect((await t.service.getSessionInfo(c.session.id))?.status).toBe("revoked");
      }
      const fresh = await t.service.createSession({ userId: user.id });
      expect(await t.service.validateSession(fresh.token)).not.toBeNull();

      const events = (await allAudit(t.service)).filter((e) => e.target === user.id);
      expect(events.map((e) => [e.action, e.count])).toEqual([
        ["user.enabled", 0],
        ["user.disabled", 3],
        ["user.created", null],
      ]);
    });

    it("disabling without a reason records 'user disabled'; an unknown user is not_found", async () => {
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      await t.service.setUserStatus(user.id, "disabled");
      expect(await t.service.getSessionInfo(session.id)).toMatchObject({
        revokedBy: "system",
        revokeReason: "user disabled",
      });
      expect(await t.service.setUserStatus("01900000-0000-7000-8000-000000000000", "disabled")).toEqual({
        ok: false,
        error: "not_found",
      });
    });
  });
}
