// Two kinds of session that never stand in for each other (issue 10, finding 1): a service-issued
// app session must not authenticate the console, and a console sign-in must not validate for a
// service. Each kind keeps its own lifetime and idle timeout.
import { describe, expect, it } from "vitest";
import { HOUR, MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { makeUser } from "./fixtures.js";

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
  });
}
