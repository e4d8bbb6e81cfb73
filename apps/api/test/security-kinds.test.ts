// Security: console sign-ins and service-issued sessions are different kinds of thing (issue 10,
// finding 1). Written as the attacker of the finding: one stolen key with the scopes an ordinary
// service holds, real HTTP, on SQLite and on Postgres. Each test is named by the OWASP ASVS 5.0
// requirement it covers.
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";
import { cookieFrom, rpc } from "./http-suite.js";

const QUERIES = new Set(["users.list", "auth.me", "keys.list"]);

/** One tRPC call over HTTP (queries as GET), from the server's own origin. */
async function call(base: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await rpc(base, path, {
    method: QUERIES.has(path) ? "GET" : "POST",
    input,
    headers: { origin: base, ...headers },
  });
  return {
    status: res.status,
    data: res.body.result?.data ?? null,
    code: (res.body.error?.data.code as string | undefined) ?? null,
    cookie: cookieFrom(res.headers),
  };
}

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`security: session kinds (${kind})`, () => {
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

    it("V7.2.1 a session a service issues for an admin never authenticates the console", async () => {
      server = await startTestServer({ store: await harness.fresh() });
      const s = server;
      const { key } = await s.app.service.createApiKey({
        name: "ordinary service",
        scopes: ["sessions:issue", "users:read"],
      });
      const bearer = { authorization: `Bearer ${key}` };

      // The attack of finding 1: find an admin, issue a session for them, wear it as the cookie.
      const admins = await call(s.url, "users.list", { role: "admin" }, bearer);
      const [target] = (admins.data as { items: { id: string }[] }).items;
      expect(target?.id).toBe(s.admin.id);
      const issued = await call(s.url, "sessions.create", { userId: target!.id }, bearer);
      expect(issued.status).toBe(200);
      const { token, session } = issued.data as { token: string; session: { kind: string } };
      expect(session.kind).toBe("app");
      const stolen = { cookie: `sessions_token=${token}` };
      expect((await call(s.url, "auth.me", undefined, stolen)).code).toBe("UNAUTHORIZED");
      const escalation = await call(
        s.url,
        "keys.create",
        { name: "backdoor", scopes: ["keys:manage", "users:write"] },
        stolen,
      );
      expect(escalation.code).toBe("UNAUTHORIZED");
      expect((await s.app.service.listApiKeys()).map((k) => k.name)).toEqual(["ordinary service"]);

      // The control: the admin's real sign-in (auth.login) does authenticate the console, and that
      // console token in turn is no app session a service could validate or end.
      const login = await call(s.url, "auth.login", { email: s.adminEmail, password: s.adminPassword });
      expect(login.cookie).toMatch(/^sessions_token=/);
      const me = await call(s.url, "auth.me", undefined, { cookie: login.cookie! });
      expect(me.status).toBe(200);
      const consoleToken = login.cookie!.slice("sessions_token=".length);
      const validated = await call(s.url, "sessions.validate", { token: consoleToken }, bearer);
      expect(validated).toMatchObject({ status: 200, data: null });
      const ended = await call(s.url, "sessions.end", { token: consoleToken }, bearer);
      expect(ended.data).toEqual({ ok: false });
      expect((await call(s.url, "auth.me", undefined, { cookie: login.cookie! })).status).toBe(200);
    });
  });
}
