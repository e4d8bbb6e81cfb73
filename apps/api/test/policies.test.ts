// Session policies (issue 13) over real HTTP, as a service calls them (REST with an API key): the
// per-user limit under 50 requests sent at once, "your devices" with an end user's token (another
// user's session id, invalid tokens), and recent authentication (maxAuthAge, reauthenticated).
import type { StoreKind } from "@sessions/core/testing";
import { describe, expect, it } from "vitest";
import { sessionJson, sessionPageJson, validationJson } from "../src/rest/schemas.js";
import { useFreshServers } from "./fresh-servers.js";

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`session policies over HTTP (${kind})`, () => {
    const servers = useFreshServers(kind);

    async function start(env?: Record<string, string>) {
      const s = await servers.start(env);
      const { key } = await s.app.service.createApiKey({
        name: "accounts",
        scopes: ["sessions:issue", "sessions:read", "users:read"],
      });
      const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
        const res = await fetch(`${s.url}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      return { s, call };
    }

    it("50 creates sent at once with MAX_SESSIONS_PER_USER=3 leave exactly 3 active, each eviction audited", async () => {
      const { s, call } = await start({ MAX_SESSIONS_PER_USER: "3" });
      const user = await s.app.service.createUser({ email: "many@example.com" });
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => call("POST", "/sessions", { userId: user.id })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
      const valid = await Promise.all(
        answers.map(async (a) => {
          const v = await call("POST", "/sessions/validate", { token: a.body.token });
          return validationJson.parse(v.body).valid;
        }),
      );
      expect(valid.filter(Boolean)).toHaveLength(3);
      const detail = await call("GET", `/users/${user.id}`);
      expect(detail.body.sessionLimit).toEqual({ max: 3, appSessions: 3, policy: "evict_oldest" });
      const evicted = await call("GET", `/sessions?status=revoked&endReason=limit&limit=100`);
      expect(sessionPageJson.parse(evicted.body).items).toHaveLength(47);
      const audit = await s.app.service.listAudit({ action: "session.evicted", limit: 100 });
      expect(audit.items).toHaveLength(47);
    });

    it("with SESSION_LIMIT_POLICY=deny, 50 at once: 3 created, 47 answered 409 naming the limit", async () => {
      const { s, call } = await start({ MAX_SESSIONS_PER_USER: "3", SESSION_LIMIT_POLICY: "deny" });
      const user = await s.app.service.createUser({ email: "deny@example.com" });
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => call("POST", "/sessions", { userId: user.id })),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      const refused = answers.filter((a) => a.status === 409);
      expect(refused).toHaveLength(47);
      expect(JSON.stringify(refused[0]!.body)).toMatch(/3 active sessions/);
      expect(await s.app.service.countActiveSessions({ userId: user.id })).toBe(3);
    });

    it("your devices: list, sign out everywhere else, revoke one's own; another user's id is 404; a bad token 401", async () => {
      const { s, call } = await start();
      const alice = await s.app.service.createUser({ email: "alice@example.com" });
      const bob = await s.app.service.createUser({ email: "bob@example.com" });
      const mk = async (userId: string) =>
        (await call("POST", "/sessions", { userId, authMethod: "password" })).body;
      const [a1, a2, a3, b1] = [await mk(alice.id), await mk(alice.id), await mk(alice.id), await mk(bob.id)];
      const idOf = (c: Record<string, unknown>) => sessionJson.parse(c.session).id;

      const listed = sessionPageJson.parse(
        (await call("POST", "/sessions/devices", { token: a1.token })).body,
      );
      expect(listed.items.map((i) => [i.id, i.isCurrent]).sort()).toEqual(
        [
          [idOf(a1), true],
          [idOf(a2), false],
          [idOf(a3), false],
        ].sort(),
      );

      const cross = await call("POST", "/sessions/revoke-own", { token: a1.token, id: idOf(b1) });
      expect(cross.status).toBe(404);
      expect(
        validationJson.parse((await call("POST", "/sessions/validate", { token: b1.token })).body).valid,
      ).toBe(true);
      expect((await call("POST", "/sessions/revoke-own", { token: a1.token, id: idOf(a2) })).body).toEqual({
        ok: true,
      });
      expect((await call("POST", "/sessions/revoke-others", { token: a1.token })).body).toEqual({
        revoked: 1,
      });
      const ended = sessionJson.parse((await call("GET", `/sessions/${idOf(a3)}`)).body);
      expect([ended.status, ended.endReason]).toEqual(["revoked", "others_revoked"]);
      expect(sessionJson.parse((await call("GET", `/sessions/${idOf(a2)}`)).body).endReason).toBe("revoked");

      for (const token of ["", "nope", a2.token as string, "x".repeat(600)]) {
        const res = await call("POST", "/sessions/devices", { token });
        expect([token.slice(0, 8), res.status]).toEqual([token.slice(0, 8), token.length > 500 ? 400 : 401]);
      }
      const unknown = await call("POST", "/sessions/revoke-others", { token: "s".repeat(43) });
      expect(unknown.status).toBe(401);
    });

    it("recent authentication: maxAuthAge says fresh, reauthenticated renews it", async () => {
      const { s, call } = await start();
      const user = await s.app.service.createUser({ email: "fresh@example.com" });
      const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
      const created = await call("POST", "/sessions", {
        userId: user.id,
        authenticatedAt: tenMinutesAgo,
        authMethod: "passkey",
      });
      expect(created.status).toBe(201);
      const token = created.body.token as string;
      const check = async (maxAuthAge: number) => {
        const v = validationJson.parse(
          (await call("POST", "/sessions/validate", { token, maxAuthAge })).body,
        );
        return v.valid && v.fresh;
      };
      expect(await check(3600)).toBe(true);
      expect(await check(300)).toBe(false);
      const renewed = await call("POST", "/sessions/reauthenticated", { token, method: "password" });
      expect(renewed.status).toBe(200);
      expect(renewed.body.authMethod).toBe("password");
      expect(await check(300)).toBe(true);
      const bad = await call("POST", "/sessions/validate", { token, maxAuthAge: -5 });
      expect(bad.status).toBe(400);
      const future = await call("POST", "/sessions", {
        userId: user.id,
        authenticatedAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect(future.status).toBe(400);
    });
  });
}
