// Recent sign-in for dangerous changes (issue 10): making an API key, creating an operator, changing
// a role and changing an operator's status need the console user's password checked within the
// reauth window; reauthenticate renews it on the caller's console session, under the sign-in limits.
import { describe, expect, it } from "vitest";
import { ReauthRequiredError } from "../../domain/errors.js";
import { SIGN_IN_LIMITS } from "../../domain/sign-in.js";
import type { CallContext } from "../../domain/types.js";
import { MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { allAudit, expectRejection, makeUser, snapshot } from "./fixtures.js";

const PASSWORD = "correct horse battery";
const WINDOW = 10 * MINUTE;

export function reauthContract(t: ContractContext): void {
  describe("recent sign-in", () => {
    /** An admin signed in to the console now, and the call context the API builds from that sign-in. */
    async function signedInAdmin() {
      const admin = await makeUser(t.service, { role: "admin", password: PASSWORD });
      const { token, session } = await t.service.createConsoleSession(
        { userId: admin.id, ip: "192.0.2.10" },
        { actor: { type: "user", id: admin.id } },
      );
      const ctx = async (): Promise<CallContext> => {
        const validated = await t.service.validateConsoleSession(token);
        return {
          actor: { type: "user", id: admin.id },
          currentSessionId: session.id,
          authenticatedAt: validated?.session.authenticatedAt ?? null,
        };
      };
      return { admin, token, session, ctx };
    }

    it("a console sign-in records when its password was checked; an app session when its service says", async () => {
      const { session } = await signedInAdmin();
      expect(session.authenticatedAt).toEqual(t.clock.now());
      const user = await makeUser(t.service);
      const app = await t.service.createSession({ userId: user.id });
      expect(app.session.authenticatedAt).toEqual(t.clock.now());
      expect(app.session.authMethod).toBeNull();
    });

    it("within the window the dangerous changes go ahead; past it each is refused and changes nothing", async () => {
      const { ctx } = await signedInAdmin();
      const viewer = await makeUser(t.service, { role: "viewer" });
      const endUser = await makeUser(t.service);
      t.clock.advance(WINDOW);
      // Exactly at the window's edge: still recent.
      expect(
        (await t.service.createApiKey({ name: "edge", scopes: ["sessions:read"] }, await ctx())).key,
      ).toBeTruthy();

      t.clock.advance(1);
      const stale = await ctx();
      const before = await snapshot(t.service);
      const refusals: [string, Promise<unknown>][] = [
        ["key", t.service.createApiKey({ name: "late", scopes: ["sessions:read"] }, stale)],
        ["admin", t.service.createUser({ email: "new-admin@example.com", role: "admin" }, stale)],
        ["viewer", t.service.createUser({ email: "new-viewer@example.com", role: "viewer" }, stale)],
        ["promote", t.service.setUserRole(endUser.id, "viewer", stale)],
        ["demote", t.service.setUserRole(viewer.id, "user", stale)],
        ["disable", t.service.setUserStatus(viewer.id, "disabled", stale)],
      ];
      for (const [what, call] of refusals) {
        const error = await expectRejection(call, ReauthRequiredError);
        expect(error.reauthRequired, what).toBe(true);
        expect(error.message, what).toMatch(/password/);
      }
      expect(await snapshot(t.service)).toBe(before);

      // What is not operator power needs no fresh password: end users and their sessions.
      expect(await t.service.createUser({ email: "end@example.com" }, stale)).toMatchObject({ role: "user" });
      expect(await t.service.setUserStatus(endUser.id, "disabled", stale)).toMatchObject({ ok: true });
    });

    it("a user actor with no password check at all is refused (fail closed); keys and the system are not asked", async () => {
      const admin = await makeUser(t.service, { role: "admin" });
      await expectRejection(
        t.service.createApiKey(
          { name: "x", scopes: ["sessions:read"] },
          { actor: { type: "user", id: admin.id } },
        ),
        ReauthRequiredError,
      );
      const root = await t.service.createApiKey({ name: "root", scopes: ["keys:manage"] });
      const child = await t.service.createApiKey(
        { name: "child", scopes: ["keys:manage"] },
        { actor: { type: "api_key", id: root.apiKey.id } },
      );
      expect(child.apiKey.parentKeyId).toBe(root.apiKey.id);
    });

    it("reauthenticate with the right password renews the window on that session, audited", async () => {
      const { admin, session, ctx } = await signedInAdmin();
      t.clock.advance(WINDOW + MINUTE);
      await expectRejection(
        t.service.createApiKey({ name: "k", scopes: ["sessions:read"] }, await ctx()),
        ReauthRequiredError,
      );
      const result = await t.service.reauthenticate({
        sessionId: session.id,
        userId: admin.id,
        password: PASSWORD,
        ip: "192.0.2.10",
        userAgent: "contract",
      });
      expect(result).toEqual({ ok: true, authenticatedAt: t.clock.now() });
      expect((await t.service.getSessionInfo(session.id))?.authenticatedAt).toEqual(t.clock.now());
      expect(
        (await t.service.createApiKey({ name: "k", scopes: ["sessions:read"] }, await ctx())).key,
      ).toBeTruthy();
      const audit = (await allAudit(t.service)).filter((e) => e.action === "auth.reauthenticated");
      expect(audit).toMatchObject([
        { actorType: "user", actor: admin.id, target: session.id, ip: "192.0.2.10" },
      ]);
    });

    it("a wrong password renews nothing and is audited as auth.reauth_failed, never with the password", async () => {
      const { admin, session } = await signedInAdmin();
      t.clock.advance(MINUTE);
      const result = await t.service.reauthenticate({
        sessionId: session.id,
        userId: admin.id,
        password: "not the password",
        ip: "192.0.2.10",
        userAgent: "contract",
      });
      expect(result).toEqual({ ok: false, reason: "bad_credentials" });
      expect((await t.service.getSessionInfo(session.id))?.authenticatedAt).toEqual(session.authenticatedAt);
      const failed = (await allAudit(t.service)).filter((e) => e.action === "auth.reauth_failed");
      expect(failed).toMatchObject([{ actor: admin.id, target: session.id, reason: "bad credentials" }]);
      expect(JSON.stringify(failed)).not.toContain("not the password");
    });

    it("reauthentication counts against the sign-in limits: a stolen cookie cannot guess passwords freely", async () => {
      const { admin, session } = await signedInAdmin();
      const attempt = (password: string) =>
        t.service.reauthenticate({
          sessionId: session.id,
          userId: admin.id,
          password,
          ip: "192.0.2.66",
          userAgent: null,
        });
      const results = await Promise.all(
        Array.from({ length: SIGN_IN_LIMITS.perAddress + 3 }, (_, i) => attempt(`guess ${i}`)),
      );
      const limited = results.filter((r) => !r.ok && r.reason === "rate_limited");
      expect(limited).toHaveLength(3);
      // Blocked even with the right password until the window passes.
      expect(await attempt(PASSWORD)).toMatchObject({ ok: false, reason: "rate_limited" });
    });

    it("only a live console sign-in can be renewed: an app session or a revoked sign-in says session_ended", async () => {
      const { admin, session } = await signedInAdmin();
      const app = await t.service.createSession({ userId: admin.id });
      const renew = (sessionId: string) =>
        t.service.reauthenticate({
          sessionId,
          userId: admin.id,
          password: PASSWORD,
          ip: null,
          userAgent: null,
        });
      t.clock.advance(1000);
      expect(await renew(app.session.id)).toEqual({ ok: false, reason: "session_ended" });
      expect((await t.service.getSessionInfo(app.session.id))?.authenticatedAt).toEqual(
        app.session.createdAt,
      );
      await t.service.revokeSession(session.id);
      expect(await renew(session.id)).toEqual({ ok: false, reason: "session_ended" });
    });
  });
}
