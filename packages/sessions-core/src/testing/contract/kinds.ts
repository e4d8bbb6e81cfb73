// Two kinds of session that never stand in for each other (issue 10, finding 1): a service-issued
// app session must not authenticate the console, and a console sign-in must not validate for a
// service. Each kind keeps its own lifetime and idle timeout.
import { describe, expect, it } from "vitest";
import { HOUR, MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { makeUser, UA } from "./fixtures.js";

export function kindsContract(t: ContractContext): void {
  describe("session kinds", () => {
    it("an app token never validates as a console sign-in, and a console token never as an app session", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      const app = await t.service.createSession({ userId: admin.id });
      const signIn = await t.service.createConsoleSession({ userId: admin.id });
      expect(app.session.kind).toBe("app");
      expect(signIn.session.kind).toBe("console");

      expect(await t.service.validateConsoleSession(app.token)).toBeNull();
      expect(await t.service.validateSession(signIn.token)).toBeNull();
      expect((await t.service.validateSession(app.token))?.session.id).toBe(app.session.id);
      expect((await t.service.validateConsoleSession(signIn.token))?.session.id).toBe(signIn.session.id);
    });

    it("ends a token only through its own kind's end", async () => {
      const user = await makeUser(t.service, { role: "viewer" });
      const signIn = await t.service.createConsoleSession({ userId: user.id });
      const app = await t.service.createSession({ userId: user.id });
      expect(await t.service.endSession(signIn.token)).toEqual({ ok: false });
      expect(await t.service.endConsoleSession(app.token)).toEqual({ ok: false });
      expect((await t.service.getSessionInfo(signIn.session.id))?.status).toBe("active");
      expect((await t.service.getSessionInfo(app.session.id))?.status).toBe("active");

      expect(await t.service.endConsoleSession(signIn.token)).toEqual({ ok: true });
      expect(await t.service.validateConsoleSession(signIn.token)).toBeNull();
      expect(await t.service.endSession(app.token)).toEqual({ ok: true });
    });

    it("gives console sign-ins their own lifetime (12 h) and idle timeout (30 min)", async () => {
      const user = await makeUser(t.service, { role: "admin" });
      const signIn = await t.service.createConsoleSession({ userId: user.id });
      const app = await t.service.createSession({ userId: user.id });
      expect(signIn.session.expiresAt.getTime() - signIn.session.createdAt.getTime()).toBe(12 * HOUR);
      expect(app.session.expiresAt.getTime() - app.session.createdAt.getTime()).toBe(
        t.service.config.lifetimeMs,
      );

      // Used every 20 minutes, it stays valid; left 30 minutes, it idles out. The app session,
      // with no idle timeout by default, stays valid.
      for (let i = 0; i < 3; i++) {
        t.clock.advance(20 * MINUTE);
        expect(await t.service.validateConsoleSession(signIn.token)).not.toBeNull();
      }
      t.clock.advance(30 * MINUTE);
      expect(await t.service.validateConsoleSession(signIn.token)).toBeNull();
      expect(await t.service.validateSession(app.token)).not.toBeNull();
    });

    it("filters lists, counts and bulk revokes by kind", async () => {
      const user = await makeUser(t.service, { role: "admin" });
      const consoles = [
        await t.service.createConsoleSession({ userId: user.id }),
        await t.service.createConsoleSession({ userId: user.id }),
      ];
      const apps = [
        await t.service.createSession({ userId: user.id }),
        await t.service.createSession({ userId: user.id }),
        await t.service.createSession({ userId: user.id }),
      ];
      expect(await t.service.countSessions({ kind: "console" })).toBe(2);
      expect(await t.service.countSessions({ kind: "app" })).toBe(3);
      const listed = await t.service.listActiveSessions({ filter: { kind: "console" } });
      expect(listed.items.map((s) => s.id).sort()).toEqual(consoles.map((c) => c.session.id).sort());

      const result = await t.service.revokeSessions({ filter: { kind: "app" }, dryRun: false });
      expect(result).toMatchObject({ matched: 3, revoked: 3 });
      for (const app of apps) expect(await t.service.validateSession(app.token)).toBeNull();
      for (const c of consoles) expect(await t.service.validateConsoleSession(c.token)).not.toBeNull();
    });

    it("an idled-out console sign-in is expired everywhere: its info, lists, counts and statistics", async () => {
      // Two operators and an end user, all on Firefox; the viewer's only session is a console
      // sign-in that idles out, so it must leave uniqueUsers and byBrowser too.
      const admin = await makeUser(t.service, { role: "admin" });
      const viewer = await makeUser(t.service, { role: "viewer" });
      const user = await makeUser(t.service);
      const ua = UA.firefoxLinux.ua;
      const idle = await t.service.createConsoleSession({ userId: viewer.id, userAgent: ua });
      const busy = await t.service.createConsoleSession({ userId: admin.id, userAgent: ua });
      const app = await t.service.createSession({ userId: user.id, userAgent: ua });
      t.clock.advance(20 * MINUTE);
      expect(await t.service.validateConsoleSession(busy.token)).not.toBeNull();
      t.clock.advance(11 * MINUTE);

      // Both the maintained figures (no app idle timeout) and the row counts (with one) agree.
      for (const service of [t.service, t.withConfig({ idleTimeoutMs: 24 * HOUR })]) {
        expect((await service.getSessionInfo(idle.session.id))?.status).toBe("expired");
        expect((await service.getSessionInfo(busy.session.id))?.status).toBe("active");
        const active = await service.listActiveSessions({});
        expect(active.items.map((s) => s.id).sort()).toEqual([busy.session.id, app.session.id].sort());
        const expired = await service.listActiveSessions({ filter: { status: "expired" } });
        expect(expired.items.map((s) => s.id)).toEqual([idle.session.id]);
        expect(await service.countActiveSessions()).toBe(2);
        expect(await service.countSessions({ kind: "console" })).toBe(1);
        expect(await service.countSessions({ status: "expired" })).toBe(1);
        const stats = await service.getSessionStats();
        expect(stats).toMatchObject({
          totalActive: 2,
          uniqueUsers: 2,
          expiredSessions: 1,
          byBrowser: [{ name: "Firefox", count: 2 }],
        });
      }
      // Bulk revoke of "active" leaves the idled-out sign-in alone (it is already over).
      const dry = await t.service.revokeSessions({
        filter: { status: "active", kind: "console" },
        dryRun: true,
      });
      expect(dry).toMatchObject({ matched: 1 });
    });
  });
}
