// Revoking and ending sessions: the seed's revoke operations and their not-found values.
import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "../fake-clock.js";
import { ValidationError } from "../../domain/errors.js";
import type { ContractContext } from "./context.js";
import { allAudit, allSessions, makeUser, snapshot, UNKNOWN_ID } from "./fixtures.js";

export function revokeContract(t: ContractContext): void {
  describe("revoke", () => {
    it("revokes a session once, then reports not_found; the session stops validating", async () => {
      const user = await makeUser(t.service);
      const { token, session } = await t.service.createSession({ userId: user.id });
      expect(await t.service.validateSession(token)).not.toBeNull();

      expect(await t.service.revokeSession(session.id)).toEqual({ ok: true });
      expect(await t.service.revokeSession(session.id)).toEqual({ ok: false, error: "not_found" });

      expect(await t.service.validateSession(token)).toBeNull();
      const info = await t.service.getSessionInfo(session.id);
      expect(info).toMatchObject({ id: session.id, status: "revoked", isValid: false });
      expect(info?.revokedAt).toEqual(t.clock.now());
      expect(await t.service.countActiveSessions()).toBe(0);
    });

    it("reports not_found for an unknown id and changes nothing", async () => {
      const user = await makeUser(t.service);
      await t.service.createSession({ userId: user.id });
      const before = await snapshot(t.service);
      expect(await t.service.revokeSession(UNKNOWN_ID)).toEqual({ ok: false, error: "not_found" });
      // Issue 10: an id that is not a UUID is a caller's mistake (ValidationError), not "not found".
      await expect(t.service.revokeSession("not-even-a-uuid")).rejects.toBeInstanceOf(ValidationError);
      expect(await snapshot(t.service)).toBe(before);
    });

    it("getSessionInfo of an unknown id is null", async () => {
      expect(await t.service.getSessionInfo(UNKNOWN_ID)).toBeNull();
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      expect(await t.service.getSessionInfo(UNKNOWN_ID)).toBeNull();
      expect((await t.service.getSessionInfo(session.id))?.id).toBe(session.id);
    });

    it("revokeUserSessions returns the count and touches only that user's unrevoked sessions", async () => {
      const alice = await makeUser(t.service);
      const bob = await makeUser(t.service);
      const alicesLive = [];
      for (let i = 0; i < 3; i++)
        alicesLive.push((await t.service.createSession({ userId: alice.id })).session);
      const alicesOld = (await t.service.createSession({ userId: alice.id })).session;
      await t.service.revokeSession(alicesOld.id, { reason: "earlier" });
      const oldRevokedAt = t.clock.now();
      const bobs = [];
      for (let i = 0; i < 2; i++) bobs.push(await t.service.createSession({ userId: bob.id }));

      t.clock.advance(HOUR);
      const count = await t.service.revokeUserSessions(alice.id, { reason: "sign out everywhere" });
      expect(count).toBe(3);

      for (const s of alicesLive) {
        const info = await t.service.getSessionInfo(s.id);
        expect(info).toMatchObject({ status: "revoked", revokeReason: "sign out everywhere" });
        expect(info?.revokedAt).toEqual(t.clock.now());
      }
      // The session revoked earlier keeps its own revocation.
      const old = await t.service.getSessionInfo(alicesOld.id);
      expect(old).toMatchObject({ status: "revoked", revokeReason: "earlier" });
      expect(old?.revokedAt).toEqual(oldRevokedAt);
      // Bob is untouched.
      for (const b of bobs) {
        expect((await t.service.getSessionInfo(b.session.id))?.status).toBe("active");
        expect(await t.service.validateSession(b.token)).not.toBeNull();
      }
      expect(await t.service.countActiveSessions()).toBe(2);

      // Nothing left to revoke: 0, and no audit event for a change that did not happen.
      const eventsBefore = (await allAudit(t.service)).length;
      expect(await t.service.revokeUserSessions(alice.id)).toBe(0);
      expect((await allAudit(t.service)).length).toBe(eventsBefore);
      expect(await t.service.revokeUserSessions(UNKNOWN_ID)).toBe(0);
    });

    it("revokeUserSessions leaves the caller's own session alone", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      const mine = await t.service.createSession({ userId: admin.id });
      const other = await t.service.createSession({ userId: admin.id });
      const count = await t.service.revokeUserSessions(admin.id, {
        actor: { type: "user", id: admin.id },
        currentSessionId: mine.session.id,
      });
      expect(count).toBe(1);
      expect(await t.service.validateSession(mine.token)).not.toBeNull();
      expect(await t.service.validateSession(other.token)).toBeNull();
    });

    it("revoking an expired session still records the revocation once", async () => {
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      t.clock.advance(61 * DAY);
      expect((await t.service.getSessionInfo(session.id))?.status).toBe("expired");
      expect(await t.service.revokeSession(session.id)).toEqual({ ok: true });
      expect(await t.service.revokeSession(session.id)).toEqual({ ok: false, error: "not_found" });
      expect((await t.service.getSessionInfo(session.id))?.status).toBe("revoked");
    });

    it("endSession logs out by token: ok once, then not; recorded as the user's own logout", async () => {
      const user = await makeUser(t.service);
      const { token, session } = await t.service.createSession({ userId: user.id });
      const keep = await t.service.createSession({ userId: user.id });

      expect(await t.service.endSession(token)).toEqual({ ok: true });
      expect(await t.service.endSession(token)).toEqual({ ok: false });
      expect(await t.service.validateSession(token)).toBeNull();
      expect(await t.service.validateSession(keep.token)).not.toBeNull();

      const info = await t.service.getSessionInfo(session.id);
      expect(info).toMatchObject({ status: "revoked", revokedBy: `user:${user.id}`, revokeReason: "logout" });
      const events = (await allAudit(t.service)).filter((e) => e.action === "session.ended");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorType: "user", actor: user.id, target: session.id, count: 1 });

      // Unknown and malformed tokens are simply not ok.
      expect(await t.service.endSession("x".repeat(43))).toEqual({ ok: false });
      expect(await t.service.endSession("short")).toEqual({ ok: false });
      expect(await t.service.endSession("")).toEqual({ ok: false });
    });

    it("a listener that throws does not turn a committed change into an error", async () => {
      const seen: string[] = [];
      const service = t.withOptions({
        onEvent: (event) => {
          seen.push(event.type);
          throw new Error("listener failed");
        },
      });
      const user = await makeUser(service);
      const { session } = await service.createSession({ userId: user.id });
      expect(await service.revokeSession(session.id)).toEqual({ ok: true });
      expect(seen).toEqual(["session.created", "session.revoked"]);
      expect((await t.service.getSessionInfo(session.id))?.status).toBe("revoked");
    });

    it("marks the caller's own session as current in get and list", async () => {
      const user = await makeUser(t.service);
      const mine = await t.service.createSession({ userId: user.id });
      const other = await t.service.createSession({ userId: user.id });
      const ctx = { currentSessionId: mine.session.id };
      expect((await t.service.getSessionInfo(mine.session.id, ctx))?.isCurrent).toBe(true);
      expect((await t.service.getSessionInfo(other.session.id, ctx))?.isCurrent).toBe(false);
      expect((await t.service.getSessionInfo(mine.session.id))?.isCurrent).toBe(false);
      const listed = await allSessions(t.service, ctx);
      expect(listed.filter((s) => s.isCurrent).map((s) => s.id)).toEqual([mine.session.id]);
    });
  });
}
