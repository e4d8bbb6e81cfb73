// REST + OpenAPI (issue 12, part 4) over real HTTP on SQLite and Postgres. The document passes
// swagger-parser's validation; a client generated from it (openapi-typescript types in
// test/generated, openapi-fetch) drives create → validate → revoke → validate; every answer parses
// with the document's own response schemas; errors carry tRPC's codes and messages with real HTTP
// statuses; and nothing the tRPC API refuses gets through here.
import SwaggerParser from "@apidevtools/swagger-parser";
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { REST_ROUTES } from "../src/rest/routes.js";
import {
  auditPageJson,
  countJson,
  matchingCountJson,
  createdSessionJson,
  errorJson,
  sessionJson,
  sessionPageJson,
  statsJson,
  statusChangedJson,
  userJson,
  userPageJson,
  validationJson,
} from "../src/rest/schemas.js";
import { generateOpenApiTypes } from "../src/scripts/openapi-types.js";
import { startTestServer, type TestServer } from "../src/testing/index.js";
import { useFreshServers } from "./fresh-servers.js";
import type { paths } from "./generated/rest-api.js";
import { rpc } from "./http-suite.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Parses with a response schema: a field missing, extra or of the wrong type fails the test. */
const conforms = <T extends z.ZodType>(schema: T, body: unknown): z.output<T> => schema.parse(body);

describe("the OpenAPI document", () => {
  let server: TestServer;
  let harness: StoreHarness;
  beforeAll(async () => {
    harness = await createStoreHarness("sqlite-memory");
    server = await startTestServer({ store: await harness.fresh() });
  });
  afterAll(async () => {
    await server?.close();
    await harness?.dispose();
  });

  it("is valid OpenAPI 3.1 with one operation per procedure and Bearer security", async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { securitySchemes: Record<string, unknown> };
      security: unknown;
    };
    expect(doc.openapi).toBe("3.1.0");
    // swagger-parser validates against the OpenAPI 3.1 schema and resolves every $ref.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    const operationIds = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((o) => o.operationId),
    );
    expect(operationIds.sort()).toEqual(
      [
        "audit.export",
        "audit.list",
        "sessions.count",
        "sessions.countMatching",
        "sessions.create",
        "sessions.end",
        "sessions.export",
        "sessions.get",
        "sessions.listActive",
        "sessions.listForToken",
        "sessions.listForUser",
        "sessions.reauthenticated",
        "sessions.revoke",
        "sessions.revokeForUser",
        "sessions.revokeOthers",
        "sessions.revokeOwn",
        "sessions.stats",
        "sessions.validate",
        "users.create",
        "users.get",
        "users.list",
        "users.setStatus",
        "webhooks.create",
        "webhooks.delete",
        "webhooks.deliveries",
        "webhooks.get",
        "webhooks.list",
        "webhooks.redeliver",
        "webhooks.test",
        "webhooks.update",
      ].sort(),
    );
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: "http", scheme: "bearer" } });
    expect(Object.keys(doc.components.securitySchemes)).toEqual(["bearer"]);
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it("test/generated/rest-api.ts is what openapi-typescript makes of it today", async () => {
    const onDisk = readFileSync(fileURLToPath(new URL("./generated/rest-api.ts", import.meta.url)), "utf8");
    // Regenerate with `pnpm --filter @sessions/api gen:openapi` when this fails.
    expect(onDisk).toBe(await generateOpenApiTypes());
  });

  it("serves an interactive reference whose scripts are same-origin", async () => {
    const page = await fetch(`${server.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/api/docs/scalar.js">');
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script: the CSP would refuse it
    const bundle = await fetch(`${server.url}/api/docs/scalar.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await (await fetch(`${server.url}/api/docs/init.js`)).text();
    expect(init).toContain('"/api/openapi.json"');
    const unknown = await fetch(`${server.url}/api/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`REST /api/v1 (${kind})`, () => {
    const servers = useFreshServers(kind);

    async function start() {
      const server = await servers.start();
      const { service } = server.app;
      const service_ = await service.createApiKey({
        name: "svc",
        scopes: [
          "sessions:issue",
          "sessions:revoke",
          "sessions:read",
          "users:read",
          "users:write",
          "audit:read",
        ],
      });
      const readOnly = await service.createApiKey({ name: "reader", scopes: ["sessions:read"] });
      return { s: server, key: service_.key, readOnlyKey: readOnly.key };
    }

    it("a generated client: create a user and a session, validate, revoke, validate again", async () => {
      const { s, key } = await start();
      const api = createClient<paths>({ baseUrl: s.url, headers: { authorization: `Bearer ${key}` } });

      const user = await api.POST("/api/v1/users", { body: { email: "Ada@Example.com", name: "Ada" } });
      expect(user.response.status).toBe(201);
      const created = conforms(userJson, user.data);
      expect(created.email).toBe("ada@example.com");

      const session = await api.POST("/api/v1/sessions", {
        body: { userId: created.id, ip: "203.0.113.9", userAgent: "Go-http-client/2.0" },
      });
      expect(session.response.status).toBe(201);
      const { token, session: info } = conforms(createdSessionJson, session.data);
      expect(info.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/); // ISO-8601, not superjson

      const valid = await api.POST("/api/v1/sessions/validate", { body: { token } });
      expect(valid.response.status).toBe(200);
      const validated = conforms(validationJson, valid.data);
      expect(validated.valid && validated.session.id).toBe(info.id);
      expect(validated.valid && validated.user.id).toBe(created.id);

      const revoked = await api.POST("/api/v1/sessions/{id}/revoke", {
        params: { path: { id: info.id } },
        body: { reason: "stolen laptop" },
      });
      expect(revoked.response.status).toBe(200);
      expect(revoked.data).toEqual({ ok: true });

      const after = await api.POST("/api/v1/sessions/validate", { body: { token } });
      expect(conforms(validationJson, after.data)).toEqual({ valid: false });

      const again = await api.POST("/api/v1/sessions/{id}/revoke", {
        params: { path: { id: info.id } },
        body: {},
      });
      expect(again.response.status).toBe(404);
      expect(conforms(errorJson, again.error).error.code).toBe("NOT_FOUND");

      const got = await api.GET("/api/v1/sessions/{id}", { params: { path: { id: info.id } } });
      const shown = conforms(sessionJson, got.data);
      expect([shown.status, shown.revokeReason, shown.revokedBy]).toEqual([
        "revoked",
        "stolen laptop",
        expect.stringMatching(/^api_key:/),
      ]);

      // The audit log says who did it, the same as for a tRPC call.
      const audit = await api.GET("/api/v1/audit", { params: { query: { action: "session.revoked" } } });
      const events = conforms(auditPageJson, audit.data).items;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorType: "api_key", target: info.id, reason: "stolen laptop" });
    });

    it("reads: lists with flat query parameters and keyset cursors, counts, stats, users", async () => {
      const { s, key } = await start();
      const api = createClient<paths>({ baseUrl: s.url, headers: { authorization: `Bearer ${key}` } });
      const { service } = s.app;
      const a = await service.createUser({ email: "a@example.com" });
      const b = await service.createUser({ email: "b@example.com" });
      for (const userId of [a.id, a.id, a.id, b.id]) await service.createSession({ userId });

      const seen: string[] = [];
      const pageAfter = async (cursor: string | null) => {
        const res = await api.GET("/api/v1/sessions", {
          params: {
            query: {
              email: "a@",
              limit: 2,
              sortBy: "createdAt",
              sortDir: "asc",
              ...(cursor ? { cursor } : {}),
            },
          },
        });
        expect(res.response.status).toBe(200);
        return conforms(sessionPageJson, res.data);
      };
      let cursor: string | null = null;
      do {
        const page = await pageAfter(cursor);
        seen.push(...page.items.map((i) => i.user.email));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(["a@example.com", "a@example.com", "a@example.com"]);

      const count = await api.GET("/api/v1/sessions/count", { params: { query: { email: "b@" } } });
      expect(conforms(countJson, count.data)).toEqual({ count: 1 });
      const all = await api.GET("/api/v1/sessions/count");
      expect(conforms(countJson, all.data)).toEqual({ count: 4 });
      const matching = await api.GET("/api/v1/sessions/count-matching", {
        params: { query: { email: "a@" } },
      });
      expect(conforms(matchingCountJson, matching.data)).toEqual({ count: 3, exact: true });
      const stats = await api.GET("/api/v1/sessions/stats");
      expect(conforms(statsJson, stats.data).totalActive).toBe(4);

      const forUser = await api.GET("/api/v1/users/{userId}/sessions", {
        params: { path: { userId: b.id }, query: { status: "active" } },
      });
      expect(conforms(sessionPageJson, forUser.data).items).toHaveLength(1);
      const users = await api.GET("/api/v1/users", { params: { query: { search: "a@" } } });
      expect(conforms(userPageJson, users.data).items.map((u) => [u.email, u.activeSessions])).toEqual([
        ["a@example.com", 3],
      ]);
      const byEmail = await api.GET("/api/v1/users", {
        params: { query: { search: "@example.com", sortBy: "email", sortDir: "desc", limit: 1 } },
      });
      const firstByEmail = conforms(userPageJson, byEmail.data);
      expect(firstByEmail.items.map((u) => u.email)).toEqual(["b@example.com"]);
      const nextByEmail = await api.GET("/api/v1/users", {
        params: {
          query: {
            search: "@example.com",
            sortBy: "email",
            sortDir: "desc",
            limit: 1,
            cursor: firstByEmail.nextCursor!,
          },
        },
      });
      // The console's admin (admin@example.com) sorts between them.
      expect(conforms(userPageJson, nextByEmail.data).items.map((u) => u.email)).toEqual([
        "admin@example.com",
      ]);
      const badSort = await api.GET("/api/v1/users", {
        params: { query: { sortBy: "name" as "email" } },
      });
      expect(badSort.response.status).toBe(400);
      // A time range on the audit log: before a was created (to is exclusive) there were only the
      // console admin and this key.
      const before = await api.GET("/api/v1/audit", {
        params: { query: { to: a.createdAt.toISOString() } },
      });
      const earlier = conforms(auditPageJson, before.data).items;
      expect(earlier.length).toBeGreaterThan(0);
      expect(earlier.every((e) => new Date(e.at) < a.createdAt)).toBe(true);
      expect(earlier.map((e) => e.target)).not.toContain(a.id);
      const since = await api.GET("/api/v1/audit", {
        params: { query: { action: "user.created", from: a.createdAt.toISOString() } },
      });
      expect(conforms(auditPageJson, since.data).items.map((e) => e.target)).toEqual([b.id, a.id]);
      const backwards = await api.GET("/api/v1/audit", {
        params: { query: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" } },
      });
      expect(backwards.response.status).toBe(400);
      const one = await api.GET("/api/v1/users/{id}", { params: { path: { id: b.id } } });
      expect(one.data).toMatchObject({ id: b.id, activeSessions: 1 });

      const revokedForUser = await api.POST("/api/v1/users/{userId}/sessions/revoke", {
        params: { path: { userId: a.id } },
        body: {},
      });
      expect(revokedForUser.data).toEqual({ revoked: 3 });
      const disabled = await api.POST("/api/v1/users/{id}/status", {
        params: { path: { id: b.id } },
        body: { status: "disabled", reason: "left" },
      });
      expect(conforms(statusChangedJson, disabled.data)).toMatchObject({
        revokedSessions: 1,
        user: { status: "disabled" },
      });
      const ended = await api.POST("/api/v1/sessions/end", { body: { token: "sess_unknown" } });
      expect(ended.data).toEqual({ ok: false });
    });

    it("errors: the API's codes and messages with real statuses, and nothing changes", async () => {
      const { s, key, readOnlyKey } = await start();
      const auth = { authorization: `Bearer ${key}` };
      const call = async (
        method: string,
        path: string,
        init: { body?: string; headers?: Record<string, string> } = {},
      ) => {
        const res = await fetch(`${s.url}${path}`, {
          method,
          body: init.body,
          headers: {
            ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
            ...init.headers,
          },
        });
        return {
          status: res.status,
          retryAfter: res.headers.get("retry-after"),
          body: conforms(errorJson, await res.json()).error,
        };
      };

      const anonymous = await call("GET", "/api/v1/sessions");
      expect([anonymous.status, anonymous.body.code]).toEqual([401, "UNAUTHORIZED"]);
      const lacking = await call("POST", "/api/v1/sessions/validate", {
        body: JSON.stringify({ token: "sess_x" }),
        headers: { authorization: `Bearer ${readOnlyKey}` },
      });
      expect([lacking.status, lacking.body.message]).toEqual([
        403,
        "This API key lacks the sessions:issue scope.",
      ]);
      // The same refusal, word for word, as the tRPC API gives.
      const viaTrpc = await rpc(s.url, "sessions.validate", {
        input: { token: "sess_x" },
        headers: { authorization: `Bearer ${readOnlyKey}` },
      });
      expect(viaTrpc.body.error?.message).toBe(lacking.body.message);

      const badLimit = await call("GET", "/api/v1/sessions?limit=abc", { headers: auth });
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.issues?.map((i) => i.path)).toEqual(["limit"]);
      const tooBig = await call("GET", "/api/v1/sessions?limit=1000", { headers: auth });
      expect([tooBig.status, tooBig.body.issues]).toEqual([
        400,
        [{ path: "limit", message: "must be at most 200" }],
      ]);
      const unknownParam = await call("GET", "/api/v1/sessions?emial=x", { headers: auth });
      expect([unknownParam.status, unknownParam.body.message]).toEqual([
        400,
        expect.stringContaining('Unknown query parameter "emial"'),
      ]);
      const twice = await call("GET", "/api/v1/sessions?email=a&email=b", { headers: auth });
      expect(twice.status).toBe(400);
      const badId = await call("GET", "/api/v1/sessions/not-a-uuid", { headers: auth });
      expect([badId.status, badId.body.issues?.[0]?.path]).toEqual([400, "id"]);
      const missing = await call("GET", "/api/v1/sessions/01900000-0000-7000-8000-000000000000", {
        headers: auth,
      });
      expect([missing.status, missing.body.message]).toEqual([404, "No session with this id."]);
      const badJson = await call("POST", "/api/v1/users", { body: "{nope", headers: auth });
      expect([badJson.status, badJson.body.message]).toEqual([400, "The body is not valid JSON."]);
      const badEmail = await call("POST", "/api/v1/users", {
        body: JSON.stringify({ email: "nope" }),
        headers: auth,
      });
      expect([badEmail.status, badEmail.body.issues]).toEqual([
        400,
        [{ path: "email", message: "must be an email address" }],
      ]);
      const notJson = await fetch(`${s.url}/api/v1/sessions/validate`, {
        method: "POST",
        body: "token=x",
        headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
      });
      expect(notJson.status).toBe(415);
      const otherPath = await call("POST", "/api/v1/sessions/01900000-0000-7000-8000-000000000000/revoke", {
        body: JSON.stringify({ id: "01900000-0000-7000-8000-000000000001" }),
        headers: auth,
      });
      expect(otherPath.status).toBe(400);
      const wrongMethod = await call("DELETE", "/api/v1/sessions", { headers: auth });
      expect([wrongMethod.status, wrongMethod.body.code]).toEqual([405, "METHOD_NOT_SUPPORTED"]);
      const noRoute = await call("GET", "/api/v1/nothing", { headers: auth });
      expect([noRoute.status, noRoute.body.code]).toEqual([404, "NOT_FOUND"]);
      // A page from another site cannot use a signed-in admin's cookie to change anything.
      const crossSite = await call("POST", "/api/v1/users", {
        body: JSON.stringify({ email: "x@example.com" }),
        headers: { origin: "https://evil.example" },
      });
      expect([crossSite.status, crossSite.body.message]).toEqual([403, expect.stringContaining("CSRF")]);

      // None of it changed anything.
      expect((await s.app.service.listUsers({})).items.map((u) => u.email)).toEqual([s.adminEmail]);
    });

    it("every route is in the document with the method and path it is served at", async () => {
      const { s } = await start();
      const doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { operationId: string }>>;
      };
      for (const route of REST_ROUTES) {
        expect(doc.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()]?.operationId).toBe(
          route.operationId,
        );
      }
    });
  });
}
