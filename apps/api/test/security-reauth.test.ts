// Security: a console sign-in left open, or a stolen console cookie, is not enough on its own to mint
// a key or make an operator (issue 10, "recent sign-in"), and the console cookie forgets the sign-in
// with the browser unless CONSOLE_REMEMBER says otherwise. Real HTTP, on SQLite and on Postgres;
// each test is named by the OWASP ASVS 5.0 requirement it covers.
import {
  createStoreHarness,
  FakeClock,
  MINUTE,
  type StoreHarness,
  type StoreKind,
} from "@sessions/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";
import { cookieFrom, rpc } from "./http-suite.js";

const QUERIES = new Set(["users.list", "auth.me", "keys.list", "sessions.listActive"]);

/** One tRPC call over HTTP (queries as GET), from the server's own origin and one client address. */
async function call(base: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await rpc(base, path, {
    method: QUERIES.has(path) ? "GET" : "POST",
    input,
    headers: { origin: base, ...headers },
  });
  const data = res.body.error?.data as { code?: string; reauthRequired?: boolean } | undefined;
  return {
    status: res.status,
    data: res.body.result?.data ?? null,
    code: data?.code ?? null,
    reauthRequired: data?.reauthRequired ?? null,
    message: res.body.error?.message ?? null,
    headers: res.headers,
  };
}

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`security: recent sign-in and the console cookie (${kind})`, () => {
    let harness: StoreHarness;
    let server: TestServer | null = null;
    beforeAll(async () => {
      harness = await createStoreHarness(kind);
    });
    afterEach(async () => {
      await server?.close();
      server = null;
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    async function signIn(s: TestServer): Promise<Record<string, string>> {
      const login = await rpc(s.url, "auth.login", {
        input: { email: s.adminEmail, password: s.adminPassword },
        headers: { origin: s.url },
      });
      expect(login.status).toBe(200);
      return { cookie: cookieFrom(login.headers)! };
    }

    it("V7.5.3 keys and operator changes need the password confirmed within CONSOLE_REAUTH_WINDOW; reauthenticate renews it", async () => {
      const clock = new FakeClock(new Date());
      server = await startTestServer({ store: await harness.fresh(), clock });
      const s = server;
      const viewer = await s.app.service.createUser({ email: "viewer@example.com", role: "viewer" });
      const endUser = await s.app.service.createUser({ email: "end@example.com" });
      const cookie = await signIn(s);

      // Just signed in: a key can be made.
      expect(
        (await call(s.url, "keys.create", { name: "fresh", scopes: ["sessions:read"] }, cookie)).status,
      ).toBe(200);

      // The operator walks away; 11 minutes later someone at the desk (or with the cookie) tries.
      // Activity keeps the sign-in alive (idle timeout 30 min) but does not renew the password check.
      clock.advance(5 * MINUTE);
      expect((await call(s.url, "auth.me", undefined, cookie)).status).toBe(200);
      clock.advance(6 * MINUTE);
      const attempts = [
        ["keys.create", { name: "backdoor", scopes: ["keys:manage"] }],
        ["users.create", { email: "mallory@example.com", role: "admin", password: "a long password" }],
        ["users.setRole", { id: endUser.id, role: "admin" }],
        ["users.setStatus", { id: viewer.id, status: "disabled" }],
      ] as const;
      for (const [path, input] of attempts) {
        const refused = await call(s.url, path, input, cookie);
        expect(refused, path).toMatchObject({ status: 403, code: "FORBIDDEN", reauthRequired: true });
        expect(refused.message, path).toMatch(/password/);
      }
      expect((await s.app.service.listApiKeys()).map((k) => k.name)).toEqual(["fresh"]);
      expect(await s.app.service.findUserByEmail("mallory@example.com")).toBeNull();
      expect((await s.app.service.getUser(endUser.id))?.role).toBe("user");
      expect((await s.app.service.getUser(viewer.id))?.status).toBe("active");
      // What is not operator power still works without a fresh password.
      expect((await call(s.url, "sessions.listActive", {}, cookie)).status).toBe(200);

      // A wrong password keeps the prompt open (FORBIDDEN + reauthRequired), not a sign-out.
      const wrong = await call(s.url, "auth.reauthenticate", { password: "not it at all" }, cookie);
      expect(wrong).toMatchObject({ status: 403, reauthRequired: true, message: "Wrong password." });
      expect((await call(s.url, "auth.me", undefined, cookie)).status).toBe(200);

      const renewed = await call(s.url, "auth.reauthenticate", { password: s.adminPassword }, cookie);
      expect(renewed.status).toBe(200);
      expect(renewed.data).toEqual({ authenticatedAt: clock.now() });
      for (const [path, input] of attempts) {
        expect((await call(s.url, path, input, cookie)).status, path).toBe(200);
      }
      const actions = (await s.app.service.listAudit({})).items.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["auth.reauth_failed", "auth.reauthenticated"]));
    });

    it("V6.3.1 a stolen console cookie cannot use reauthenticate to guess the password: concurrent guesses stop at the limit", async () => {
      server = await startTestServer({ store: await harness.fresh() });
      const s = server;
      const cookie = await signIn(s);
      const guesses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call(s.url, "auth.reauthenticate", { password: `guess number ${i}` }, cookie),
        ),
      );
      const statuses = guesses.map((g) => g.status).sort();
      // Five evaluated (wrong password), the rest refused before any hashing, with Retry-After.
      expect(statuses.filter((x) => x === 403)).toHaveLength(5);
      expect(statuses.filter((x) => x === 429)).toHaveLength(7);
      const limited = guesses.find((g) => g.status === 429)!;
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      // Now even the right password waits out the block.
      expect((await call(s.url, "auth.reauthenticate", { password: s.adminPassword }, cookie)).status).toBe(
        429,
      );
      const failed = (await s.app.service.listAudit({ action: "auth.reauth_failed" })).items;
      expect(failed.length).toBeGreaterThanOrEqual(12);
    });

    it("V7.3.1 the console cookie is a browser-session cookie (no Max-Age, no Expires) unless CONSOLE_REMEMBER=true", async () => {
      server = await startTestServer({ store: await harness.fresh() });
      const plain = await rpc(server.url, "auth.login", {
        input: { email: server.adminEmail, password: server.adminPassword },
        headers: { origin: server.url },
      });
      const set = plain.headers.getSetCookie()[0]!;
      expect(set).toMatch(/^sessions_token=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      await server.close();

      server = await startTestServer({ store: await harness.fresh(), env: { CONSOLE_REMEMBER: "true" } });
      const remembered = await rpc(server.url, "auth.login", {
        input: { email: server.adminEmail, password: server.adminPassword },
        headers: { origin: server.url },
      });
      // As long as the console session: CONSOLE_SESSION_LIFETIME's 12 hours (less the instant since).
      const set2 = remembered.headers.getSetCookie()[0]!;
      expect(set2).toMatch(/; Expires=/);
      const maxAge = Number(/; Max-Age=(\d+);/.exec(set2)?.[1]);
      expect(maxAge).toBeGreaterThan(43_100);
      expect(maxAge).toBeLessThanOrEqual(43_200);
    });
  });
}
