// Who revoked what, when and why: revocation fields, audit events, bulk revokes with a dry run,
// and the caller's own session never being revoked from under it.
import { describe, expect, it } from "vitest";
import type { Actor } from "../../domain/types.js";
import { HOUR, MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import {
  allAudit,
  allSessions,
  collectPages,
  expectValidationError,
  makeUser,
  snapshot,
  UA,
} from "./fixtures.js";

export function auditContract(t: ContractContext): void {
  describe("audit", () => {
    it("records revokedAt, revokedBy and reason on the session and writes an audit event", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      const user = await makeUser(t.service);
      const { session } = await t.service.createSession({ userId: user.id });
      t.clock.advance(HOUR);
      const actor: Actor = { type: "user", id: admin.id };
      expect(
        await t.service.revokeSession(session.id, { actor, ip: "198.51.100.4", reason: "  stolen laptop  " }),
      ).toEqual({
        ok: true,
      });
      const info = await t.service.getSessionInfo(session.id);
      expect(info).toMatchObject({
        status: "revoked",
        revokedBy: `user:${admin.id}`,
        revokeReason: "stolen laptop",
        endReason: "revoked",
        isValid: false,
      });
      expect(info?.endedAt).toEqual(t.clock.now());
      expect(info?.revokedAt).toEqual(t.clock.now());

      const [event] = await collectPages((cursor) =>
        t.service.listAudit({ action: "session.revoked", cursor }),
      );
      expect(event).toEqual({
        id: expect.any(String) as string,
        at: t.clock.now(),
        actorType: "user",
        actor: admin.id,
        action: "session.revoked",
        targetType: "session",
        target: session.id,
        ip: "198.51.100.4",
        reason: "stolen laptop",
        count: 1,
        data: { endReason: "revoked" },
        actorName: admin.email,
        targetName: null,
      });
    });

    it("names the acting user or API key and the target user in audit lists, in one query per page", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      const user = await makeUser(t.service);
      const { apiKey } = await t.service.createApiKey({
        name: "billing-service",
        scopes: ["sessions:revoke"],
      });
      await t.service.createSession({ userId: user.id });
      await t.service.revokeUserSessions(user.id, { actor: { type: "api_key", id: apiKey.id } });
      await t.service.setUserStatus(user.id, "disabled", { actor: { type: "user", id: admin.id } });
      await t.service.revokeUserSessions(admin.id, { actor: { type: "api_key", id: "deleted-key" } });
      const events = await collectPages((cursor) => t.service.listAudit({ cursor }));
      const byAction = (action: string) => events.find((e) => e.action === action);
      expect(byAction("user.sessions_revoked")).toMatchObject({
        actorName: "billing-service",
        targetName: user.email,
      });
      expect(byAction("user.disabled")).toMatchObject({ actorName: admin.email, targetName: user.email });
      expect(byAction("api_key.created")).toMatchObject({
        actorType: "system",
        actorName: null,
        targetName: null,
      });
    });

    it("labels API-key and system actors, and keeps a missing reason null", async () => {
      const user = await makeUser(t.service);
      const a = await t.service.createSession({ userId: user.id });
      const b = await t.service.createSession({ userId: user.id });
      await t.service.revokeSession(a.session.id, { actor: { type: "api_key", id: "k1" } });
      await t.service.revokeSession(b.session.id);
      expect(await t.service.getSessionInfo(a.session.id)).toMatchObject({
        revokedBy: "api_key:k1",
        revokeReason: null,
      });
      expect(await t.service.getSessionInfo(b.session.id)).toMatchObject({
        revokedBy: "system",
        revokeReason: null,
      });
      const events = await t.service.listAudit({ action: "session.revoked" });
      expect(events.items.map((e) => [e.actorType, e.actor, e.target, e.reason])).toEqual([
        ["system", "system", b.session.id, null],
        ["api_key", "k1", a.session.id, null],
      ]);
    });

    it("revokeUserSessions writes one event carrying the count", async () => {
      const user = await makeUser(t.service);
      for (let i = 0; i < 4; i++) await t.service.createSession({ userId: user.id });
      const actor: Actor = { type: "api_key", id: "ops" };
      expect(await t.service.revokeUserSessions(user.id, { actor, reason: "password reset" })).toBe(4);
      const events = (await allAudit(t.service)).filter((e) => e.action.includes("revoked"));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "user.sessions_revoked",
        actorType: "api_key",
        actor: "ops",
        targetType: "user",
        target: user.id,
        reason: "password reset",
        count: 4,
      });
      const sessions = await allSessions(t.service);
      expect(
        sessions.every((s) => s.revokedBy === "api_key:ops" && s.revokeReason === "password reset"),
      ).toBe(true);
    });

    it("records creations, logins and key changes too, filterable by action, actor and target", async () => {
      const actor: Actor = { type: "user", id: "admin-1" };
      const user = await t.service.createUser({ email: "who@example.com" }, { actor, ip: "192.0.2.9" });
      const { session } = await t.service.createSession({ userId: user.id }, { actor });
      const events = await allAudit(t.service);
      expect(events.map((e) => [e.action, e.target])).toEqual([
        ["session.created", session.id],
        ["user.created", user.id],
      ]);
      expect(events[1]).toMatchObject({
        actor: "admin-1",
        ip: "192.0.2.9",
        data: { email: "who@example.com", role: "user" },
      });
      expect((await t.service.listAudit({ actor: "admin-1" })).items).toHaveLength(2);
      expect((await t.service.listAudit({ target: user.id })).items.map((e) => e.action)).toEqual([
        "user.created",
      ]);
      expect((await t.service.listAudit({ action: "nothing.happened" })).items).toEqual([]);
    });

    it("lists a time range (from inclusive, to exclusive) with the other filters, page by page", async () => {
      const user = await makeUser(t.service);
      const start = t.clock.now();
      // One session a minute for 10 minutes: events at start+0 … start+9 min (after user.created).
      for (let i = 0; i < 10; i++) {
        await t.service.createSession({ userId: user.id });
        t.clock.advance(MINUTE);
      }
      const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE);
      const range = (from?: Date, to?: Date) =>
        collectPages((cursor) =>
          t.service.listAudit({ action: "session.created", from, to, limit: 2, cursor }),
        ).then((events) => events.map((e) => (e.at.getTime() - start.getTime()) / MINUTE));
      expect(await range(at(2), at(6))).toEqual([5, 4, 3, 2]);
      expect(await range(at(7))).toEqual([9, 8, 7]);
      expect(await range(undefined, at(2))).toEqual([1, 0]);
      expect(await range(at(2.5), at(3))).toEqual([]);
      // The user was created at `start`: from is inclusive, to exclusive. Strings (as REST sends
      // them) are read as instants.
      const targetActions = async (from?: Date | string, to?: Date) =>
        (await t.service.listAudit({ target: user.id, from: from as Date | undefined, to })).items.map(
          (e) => e.action,
        );
      expect(await targetActions(at(0).toISOString())).toEqual(["user.created"]);
      expect(await targetActions(at(0.5))).toEqual([]);
      expect(await targetActions(undefined, at(0))).toEqual([]);
      expect(await targetActions(undefined, at(0.5))).toEqual(["user.created"]);
      await expectValidationError(t.service.listAudit({ from: at(3), to: at(3) }), "from");
      await expectValidationError(t.service.listAudit({ from: "yesterday" as unknown as Date }), "from");
    });

    it("pages through audit events newest first without duplicates", async () => {
      const user = await makeUser(t.service);
      for (let i = 0; i < 9; i++) {
        await t.service.createSession({ userId: user.id });
        if (i % 3 === 0) t.clock.advance(MINUTE);
      }
      const paged = await collectPages((cursor) => t.service.listAudit({ limit: 2, cursor }));
      const whole = (await t.service.listAudit({ limit: 200 })).items;
      expect(paged).toEqual(whole);
      expect(paged).toHaveLength(10);
      for (let i = 1; i < paged.length; i++) {
        const [a, b] = [paged[i - 1]!, paged[i]!];
        expect(a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.id > b.id)).toBe(
          true,
        );
      }
    });

    describe("bulk revoke", () => {
      async function fixture() {
        const admin = await makeUser(t.service, { role: "admin", email: "admin@corp.io" });
        const user = await makeUser(t.service, { email: "user@corp.io" });
        const mine = await t.service.createSession({ userId: admin.id, userAgent: UA.chromeWindows.ua });
        const chrome = [];
        for (let i = 0; i < 12; i++) {
          chrome.push(await t.service.createSession({ userId: user.id, userAgent: UA.chromeWindows.ua }));
          t.clock.advance(MINUTE);
        }
        const firefox = await t.service.createSession({ userId: user.id, userAgent: UA.firefoxLinux.ua });
        const ctx = { actor: { type: "user", id: admin.id } as Actor, currentSessionId: mine.session.id };
        return { admin, user, mine, chrome, firefox, ctx };
      }

      it("dry run (the default) reports matched and a sample and changes nothing", async () => {
        const { chrome, ctx } = await fixture();
        const before = await snapshot(t.service);
        for (const dryRun of [true, undefined]) {
          const preview = await t.service.revokeSessions({ filter: { browser: "Chrome" }, dryRun }, ctx);
          // 12 of the user's plus none of the caller's own.
          expect(preview.matched).toBe(12);
          expect(preview.revoked).toBe(0);
          expect(preview.sample).toHaveLength(10);
          expect(preview.sample.map((s) => s.id)).toEqual(
            chrome
              .slice(2)
              .map((c) => c.session.id)
              .reverse(),
          );
          expect(
            preview.sample.every((s) => s.browser === "Chrome" && s.status === "active" && !s.isCurrent),
          ).toBe(true);
        }
        expect(await snapshot(t.service)).toBe(before);
      });

      it("for real, revokes exactly what the preview matched, never the caller's own session, in one event", async () => {
        const { chrome, firefox, mine, ctx } = await fixture();
        const preview = await t.service.revokeSessions({ filter: { browser: "Chrome" }, dryRun: true }, ctx);
        const result = await t.service.revokeSessions(
          { filter: { browser: "Chrome" }, dryRun: false, reason: "chrome zero-day" },
          ctx,
        );
        expect(result).toMatchObject({ matched: preview.matched, revoked: preview.matched });
        expect(result.revoked).toBe(12);
        for (const c of chrome) {
          expect(await t.service.getSessionInfo(c.session.id)).toMatchObject({
            status: "revoked",
            revokeReason: "chrome zero-day",
            revokedBy: `user:${ctx.actor.id}`,
          });
        }
        expect(await t.service.validateSession(mine.token)).not.toBeNull();
        expect(await t.service.validateSession(firefox.token)).not.toBeNull();
        const events = (await allAudit(t.service)).filter((e) => e.action === "sessions.revoked_many");
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          count: 12,
          reason: "chrome zero-day",
          data: { filter: { browser: "Chrome" }, endReason: "bulk" },
        });

        // Again: nothing left to match.
        expect(await t.service.revokeSessions({ filter: { browser: "Chrome" }, dryRun: false }, ctx)).toEqual(
          {
            matched: 0,
            revoked: 0,
            sample: [],
          },
        );
        expect((await allAudit(t.service)).filter((e) => e.action === "sessions.revoked_many")).toHaveLength(
          1,
        );
      });

      it("status 'all' revokes every unrevoked session but the caller's; 'revoked' matches nothing", async () => {
        const { mine, ctx } = await fixture();
        const short = t.withConfig({ lifetimeMs: MINUTE });
        const other = await makeUser(t.service);
        const expiring = await short.createSession({ userId: other.id });
        t.clock.advance(2 * MINUTE);
        expect(await t.service.revokeSessions({ filter: { status: "revoked" }, dryRun: false }, ctx)).toEqual(
          {
            matched: 0,
            revoked: 0,
            sample: [],
          },
        );
        const expiredOnly = await t.service.revokeSessions(
          { filter: { status: "expired" }, dryRun: true },
          ctx,
        );
        expect(expiredOnly.sample.map((s) => s.id)).toEqual([expiring.session.id]);
        const result = await t.service.revokeSessions({ filter: { status: "all" }, dryRun: false }, ctx);
        expect(result.revoked).toBe(14);
        const left = (await allSessions(t.service)).filter((s) => s.status !== "revoked");
        expect(left.map((s) => s.id)).toEqual([mine.session.id]);
      });

      it("filters by email in a bulk revoke too", async () => {
        const { ctx } = await fixture();
        const result = await t.service.revokeSessions({ filter: { email: "USER@" }, dryRun: false }, ctx);
        expect(result.revoked).toBe(13);
        expect(await t.service.countActiveSessions()).toBe(1);
      });
    });

    it("refuses to revoke the caller's current session with a ValidationError and changes nothing", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      const mine = await t.service.createSession({ userId: admin.id });
      const ctx = { actor: { type: "user", id: admin.id } as Actor, currentSessionId: mine.session.id };
      const before = await snapshot(t.service);
      const error = await expectValidationError(t.service.revokeSession(mine.session.id, ctx), "id");
      expect(error.message).toMatch(/session you are signed in with/);
      expect(await snapshot(t.service)).toBe(before);
      expect(await t.service.validateSession(mine.token)).not.toBeNull();
      // Without that context (e.g. another admin) it can be revoked.
      expect(await t.service.revokeSession(mine.session.id)).toEqual({ ok: true });
    });
  });
}
