// The HTTP suite: a real server on a random port, called with fetch and @trpc/client. Run once per
// store kind (http.sqlite.test.ts, http.postgres.test.ts) so it passes on SQLite and on Postgres.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionsStore } from "@sessions/core";
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveEvent } from "../src/events.js";
import { createLogger } from "../src/logger.js";
import type { AppRouter } from "../src/router/index.js";
import { createApp } from "../src/http/server.js";
import { startTestServer, testEnv, type TestServer } from "../src/testing/index.js";

type Json = Record<string, unknown>;

interface RpcResult {
  status: number;
  headers: Headers;
  body: { result?: { data: unknown }; error?: { message: string; data: Json } };
}

/** One tRPC call with plain fetch, superjson-encoded, as a browser would send it. */
/** A response's raw bytes as sent: fetch would decode the body and hide which coding came. */
function rawRequest(
  base: string,
  path: string,
  options: { acceptEncoding?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.acceptEncoding !== undefined) headers["accept-encoding"] = options.acceptEncoding;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return new Promise((done, fail) => {
    const req = httpRequest(`${base}${path}`, { headers, method: options.method ?? "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", fail);
    req.end(options.body);
  });
}

export async function rpc(
  base: string,
  path: string,
  options: { method?: "GET" | "POST"; input?: unknown; headers?: Record<string, string>; body?: string } = {},
): Promise<RpcResult> {
  const method = options.method ?? "POST";
  const serialized = options.input === undefined ? undefined : superjson.serialize(options.input);
  const url =
    method === "GET" && serialized
      ? `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(serialized))}`
      : `${base}/trpc/${path}`;
  const res = await fetch(url, {
    method,
    headers: method === "POST" ? { "content-type": "application/json", ...options.headers } : options.headers,
    body:
      method === "POST" ? (options.body ?? (serialized ? JSON.stringify(serialized) : undefined)) : undefined,
  });
  const raw = (await res.json()) as {
    result?: { data: Parameters<typeof superjson.deserialize>[0] };
    error?: { json: Json };
  };
  return {
    status: res.status,
    headers: res.headers,
    body: {
      result: raw.result ? { data: superjson.deserialize(raw.result.data) } : undefined,
      error: raw.error ? (raw.error.json as RpcResult["body"]["error"]) : undefined,
    },
  };
}

export function cookieFrom(headers: Headers): string | null {
  const set = headers.getSetCookie()[0];
  return set ? set.split(";")[0]! : null;
}

export function trpcClient(url: string, headers: Record<string, string>) {
  const fetchWithHeaders = (input: string | URL, init: { headers: Record<string, string> }) =>
    fetch(input, { ...init, headers: { ...init.headers, ...headers } });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({ fetch: fetchWithHeaders }),
        }),
        false: httpBatchLink({ url: `${url}/trpc`, transformer: superjson, headers }),
      }),
    ],
  });
}

function logCollector() {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } }),
  };
}

export function describeHttpSuite(kind: StoreKind): void {
  describe(`over HTTP (${kind})`, () => {
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

    async function start(
      options: Omit<Parameters<typeof startTestServer>[0], "store"> & { store?: SessionsStore } = {},
    ) {
      server = await startTestServer({ store: options.store ?? (await harness.fresh()), ...options });
      return server;
    }

    async function signIn(s: TestServer, headers: Record<string, string> = {}) {
      const res = await rpc(s.url, "auth.login", {
        input: { email: s.adminEmail, password: s.adminPassword },
        headers,
      });
      expect(res.status).toBe(200);
      return { res, cookie: cookieFrom(res.headers)! };
    }

    it("/healthz answers while the process is up; /readyz checks the database", async () => {
      const base = await harness.fresh();
      let reachable = true;
      // Wrapped, never patched: on Postgres the harness hands every test the same store object.
      const store: SessionsStore = {
        ...base,
        ping: () => (reachable ? base.ping() : Promise.reject(new Error("connection refused"))),
      };
      const s = await start({ store });
      const health = await fetch(`${s.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const ready = await fetch(`${s.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready" });
      reachable = false;
      const down = await fetch(`${s.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "database unreachable" });
    });

    it("cookie sign-in: login sets an HttpOnly SameSite=Lax cookie; me, isCurrent and logout follow it", async () => {
      const s = await start();
      const { res, cookie } = await signIn(s);
      const setCookie = res.headers.getSetCookie()[0]!;
      expect(setCookie).toMatch(/^sessions_token=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Secure/i);
      expect(res.body.result?.data).toMatchObject({ email: s.adminEmail, role: "admin" });

      const me = await rpc(s.url, "auth.me", { method: "GET", headers: { cookie } });
      const { sessionId } = me.body.result?.data as { sessionId: string };
      const list = await rpc(s.url, "sessions.listActive", { method: "GET", input: {}, headers: { cookie } });
      const items = (
        list.body.result?.data as { items: { id: string; isCurrent: boolean; createdAt: Date }[] }
      ).items;
      expect(items.find((i) => i.isCurrent)?.id).toBe(sessionId);
      expect(items[0]!.createdAt).toBeInstanceOf(Date);

      const logout = await rpc(s.url, "auth.logout", { headers: { cookie } });
      expect(logout.status).toBe(200);
      expect(logout.headers.getSetCookie()[0]).toMatch(/^sessions_token=;.*Max-Age=0/i);
      const after = await rpc(s.url, "auth.me", { method: "GET", headers: { cookie } });
      expect(after.status).toBe(401);
      expect(after.body.error?.data.code).toBe("UNAUTHORIZED");
    });

    it("over HTTPS (behind a trusted proxy) the cookie is Secure with a __Host- name, and HSTS is sent", async () => {
      const s = await start({ env: { TRUST_PROXY: "true" } });
      const { res, cookie } = await signIn(s, { "x-forwarded-proto": "https" });
      expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-sessions_token=.*; Secure/i);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      const me = await rpc(s.url, "auth.me", {
        method: "GET",
        headers: { cookie, "x-forwarded-proto": "https" },
      });
      expect(me.status).toBe(200);
      // The plain-HTTP name is not read over HTTPS, and the other way round.
      const plain = await rpc(s.url, "auth.me", { method: "GET", headers: { cookie } });
      expect(plain.status).toBe(401);
    });

    it("wrong credentials: 401 with one message; the password never reaches the logs", async () => {
      const { lines, logger } = logCollector();
      const s = await start({ logger });
      const res = await rpc(s.url, "auth.login", {
        input: { email: s.adminEmail, password: "not-the-password-123" },
      });
      expect(res.status).toBe(401);
      expect(res.body.error?.message).toBe("Wrong email or password.");
      await signIn(s);
      expect(lines.join("\n")).not.toContain("not-the-password-123");
      expect(lines.join("\n")).not.toContain(s.adminPassword);
    });

    it("rate limits sign-in: 429 TOO_MANY_REQUESTS with Retry-After", async () => {
      const s = await start();
      for (let i = 0; i < 5; i++) {
        const res = await rpc(s.url, "auth.login", {
          input: { email: s.adminEmail, password: `wrong-password-${i}` },
        });
        expect(res.status).toBe(401);
      }
      const limited = await rpc(s.url, "auth.login", {
        input: { email: s.adminEmail, password: s.adminPassword },
      });
      expect(limited.status).toBe(429);
      expect(limited.body.error?.data).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: 900 });
      expect(limited.headers.get("retry-after")).toBe("900");
    });

    it("CSRF: cross-site and non-JSON state changes are rejected; allowed origins pass with CORS", async () => {
      const s = await start({ env: { ALLOWED_ORIGINS: "http://console.example.test" } });
      const { cookie } = await signIn(s);
      const input = { email: "victim@example.com" };

      const evil = await rpc(s.url, "users.create", {
        input,
        headers: { cookie, origin: "https://evil.example" },
      });
      expect(evil.status).toBe(403);
      expect(evil.body.error?.data.code).toBe("FORBIDDEN");
      expect(evil.body.error?.message).toMatch(/cross-site/i);

      const fetchSite = await rpc(s.url, "users.create", {
        input,
        headers: { cookie, "sec-fetch-site": "cross-site" },
      });
      expect(fetchSite.status).toBe(403);

      const form = await fetch(`${s.url}/trpc/users.create`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: "email=victim%40example.com",
      });
      expect(form.status).toBe(415);
      const multipart = new FormData();
      multipart.set("email", "victim@example.com");
      const formData = await fetch(`${s.url}/trpc/users.create`, {
        method: "POST",
        headers: { cookie },
        body: multipart,
      });
      expect(formData.status).toBe(415);

      const viaGet = await rpc(s.url, "users.create", { method: "GET", input, headers: { cookie } });
      expect(viaGet.status).toBe(405);
      expect(await s.app.service.findUserByEmail("victim@example.com")).toBeNull();

      const sameOrigin = await rpc(s.url, "users.create", {
        input: { email: "same@example.com" },
        headers: { cookie, origin: s.url, "sec-fetch-site": "same-origin" },
      });
      expect(sameOrigin.status).toBe(200);

      const allowed = await rpc(s.url, "users.create", {
        input: { email: "allowed@example.com" },
        headers: { cookie, origin: "http://console.example.test", "sec-fetch-site": "cross-site" },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("http://console.example.test");
      expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
      const preflight = await fetch(`${s.url}/trpc/users.create`, {
        method: "OPTIONS",
        headers: { origin: "http://console.example.test", "access-control-request-method": "POST" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");
    });

    it("validation errors: BAD_REQUEST with field paths and messages, no stack trace", async () => {
      const s = await start();
      const { cookie } = await signIn(s);
      const res = await rpc(s.url, "users.create", {
        input: { email: "nope", password: "short" },
        headers: { cookie },
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.data).toMatchObject({
        code: "BAD_REQUEST",
        issues: expect.arrayContaining([
          { path: "email", message: "must be an email address" },
          { path: "password", message: "must be at least 8 characters" },
        ]) as unknown,
      });
      expect(res.body.error?.message).toContain("email: must be an email address");
      expect(res.body.error?.data).not.toHaveProperty("stack");
      const own = await rpc(s.url, "auth.me", { method: "GET", headers: { cookie } });
      const { sessionId } = own.body.result?.data as { sessionId: string };
      const self = await rpc(s.url, "sessions.revoke", { input: { id: sessionId }, headers: { cookie } });
      expect(self.status).toBe(400);
      expect(self.body.error?.message).toContain("auth.logout");
    });

    it("an unexpected error is logged with an id that the response repeats, without internals", async () => {
      const { lines, logger } = logCollector();
      const base = await harness.fresh();
      const store: SessionsStore = {
        ...base,
        sessionStats: () => Promise.reject(new Error("relation sessions is corrupted at 0xdeadbeef")),
      };
      const s = await start({ logger, store });
      const { cookie } = await signIn(s);
      const res = await rpc(s.url, "sessions.stats", { method: "GET", headers: { cookie } });
      expect(res.status).toBe(500);
      const errorId = res.body.error?.data.errorId as string;
      expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.error?.message).toBe(`Internal server error (error id ${errorId}).`);
      expect(JSON.stringify(res.body)).not.toContain("0xdeadbeef");
      const logged = lines.map((l) => JSON.parse(l) as Json).find((l) => l.errorId === errorId);
      expect(logged).toMatchObject({ level: 50, procedure: "sessions.stats" });
      expect(JSON.stringify(logged)).toContain("0xdeadbeef");
    });

    it("logs one line per request with procedures, status and ms, and never a token, key or cookie", async () => {
      const { lines, logger } = logCollector();
      const s = await start({ logger });
      const { cookie } = await signIn(s);
      const key = await rpc(s.url, "keys.create", {
        input: { name: "svc", scopes: ["sessions:issue", "sessions:read"] },
        headers: { cookie },
      });
      const rawKey = (key.body.result?.data as { key: string }).key;
      const created = await rpc(s.url, "sessions.create", {
        input: { userId: s.admin.id },
        headers: { authorization: `Bearer ${rawKey}` },
      });
      const token = (created.body.result?.data as { token: string }).token;
      await rpc(s.url, "sessions.validate", {
        input: { token },
        headers: { authorization: `Bearer ${rawKey}` },
      });
      const all = lines.join("\n");
      for (const secret of [rawKey, token, cookie.split("=")[1]!, s.adminPassword])
        expect(all).not.toContain(secret);
      const requestLines = lines.map((l) => JSON.parse(l) as Json).filter((l) => l.msg === "request");
      expect(requestLines.map((l) => l.procedures)).toEqual([
        ["auth.login"],
        ["keys.create"],
        ["sessions.create"],
        ["sessions.validate"],
      ]);
      expect(requestLines[0]).toMatchObject({
        method: "POST",
        status: 200,
        ms: expect.any(Number) as unknown,
      });
    });

    it("API keys: Bearer auth with scopes; bad keys are UNAUTHORIZED; keys cannot sign in", async () => {
      const s = await start();
      const { key } = await s.app.service.createApiKey({ name: "reader", scopes: ["sessions:read"] });
      const auth = { authorization: `Bearer ${key}` };
      expect((await rpc(s.url, "sessions.count", { method: "GET", headers: auth })).status).toBe(200);
      expect((await rpc(s.url, "users.list", { method: "GET", input: {}, headers: auth })).status).toBe(403);
      expect((await rpc(s.url, "auth.me", { method: "GET", headers: auth })).status).toBe(403);
      const login = await rpc(s.url, "auth.login", {
        input: { email: s.adminEmail, password: s.adminPassword },
        headers: auth,
      });
      expect(login.status).toBe(403);
      expect(login.headers.getSetCookie()).toEqual([]);
      const bad = await rpc(s.url, "sessions.count", {
        method: "GET",
        headers: { authorization: "Bearer sk_sess_nope" },
      });
      expect(bad.status).toBe(401);
      expect(
        (await rpc(s.url, "sessions.count", { method: "GET", headers: { authorization: "Basic abc" } }))
          .status,
      ).toBe(401);
    });

    it("@trpc/client: batched calls in one request, Dates as Dates, typed errors", async () => {
      const s = await start();
      const { key } = await s.app.service.createApiKey({
        name: "svc",
        scopes: ["sessions:read", "sessions:issue"],
      });
      let requests = 0;
      const counting: typeof fetch = (input, init) => {
        requests++;
        return fetch(input, init);
      };
      const client = createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${s.url}/trpc`,
            transformer: superjson,
            fetch: counting,
            headers: { authorization: `Bearer ${key}` },
          }),
        ],
      });
      const [count, stats, list] = await Promise.all([
        client.sessions.count.query(),
        client.sessions.stats.query(),
        client.sessions.listActive.query({ limit: 5 }),
      ]);
      expect(requests).toBe(1);
      expect(count).toBe(0);
      expect(stats.generatedAt).toBeInstanceOf(Date);
      expect(list).toEqual({ items: [], nextCursor: null });
      const created = await client.sessions.create.mutate({ userId: s.admin.id, ip: "192.0.2.10" });
      expect(created.session.expiresAt).toBeInstanceOf(Date);
      await expect(client.users.list.query({})).rejects.toMatchObject({
        data: { code: "FORBIDDEN", httpStatus: 403 },
      });
    });

    it("SSE subscription: receives session.created and session.revoked after a revoke", async () => {
      const s = await start();
      const { cookie } = await signIn(s);
      const { key } = await s.app.service.createApiKey({
        name: "ops",
        scopes: ["sessions:revoke", "sessions:issue"],
      });
      const received: LiveEvent[] = [];
      const errors: unknown[] = [];
      // The console's way: the sign-in cookie on the EventSource request.
      const consoleClient = trpcClient(s.url, { cookie });
      const subscription = consoleClient.events.subscribe(undefined, {
        onData: (event) => received.push(event),
        onError: (error) => errors.push(error),
      });
      try {
        await vi.waitFor(() => expect(s.app.events.subscriberCount).toBe(1), { timeout: 5000 });
        const ops = trpcClient(s.url, { authorization: `Bearer ${key}` });
        const created = await ops.sessions.create.mutate({ userId: s.admin.id });
        expect(await ops.sessions.revoke.mutate({ id: created.session.id, reason: "sse test" })).toEqual({
          ok: true,
        });
        await vi.waitFor(
          () =>
            expect(received).toEqual(
              expect.arrayContaining([
                expect.objectContaining({ type: "session.created", sessionId: created.session.id }),
                expect.objectContaining({ type: "session.revoked", sessionId: created.session.id }),
                expect.objectContaining({ type: "stats.changed" }),
              ]),
            ),
          { timeout: 5000 },
        );
        const revoked = received.find((e) => e.type === "session.revoked")!;
        expect(revoked.at).toBeInstanceOf(Date);
        expect(errors).toEqual([]);
      } finally {
        subscription.unsubscribe();
      }
      await vi.waitFor(() => expect(s.app.events.subscriberCount).toBe(0), { timeout: 5000 });
    });

    it("two API instances on one database: a revoke on one reaches the other's live subscribers", async (ctx) => {
      if (kind === "sqlite-memory") return ctx.skip(); // no other process can open it
      const a = await start();
      const secondStore = await harness.openSecond();
      const b = await createApp({ env: testEnv(), store: nonClosing(secondStore!), statsDebounceMs: 0 });
      try {
        const bUrl = await b.listen(0, "127.0.0.1");
        const { cookie } = await signIn(a);
        const received: LiveEvent[] = [];
        // Subscribed on B with the sign-in made on A: the same store, so the same session.
        const subscription = trpcClient(bUrl, { cookie }).events.subscribe(undefined, {
          onData: (event) => received.push(event),
        });
        try {
          await vi.waitFor(() => expect(b.events.subscriberCount).toBe(1), { timeout: 5000 });
          const created = await a.app.service.createSession({ userId: a.admin.id });
          await a.app.service.revokeSession(created.session.id, { reason: "from instance A" });
          await vi.waitFor(
            () =>
              expect(received).toEqual(
                expect.arrayContaining([
                  expect.objectContaining({ type: "session.created", sessionId: created.session.id }),
                  expect.objectContaining({ type: "session.revoked", sessionId: created.session.id }),
                ]),
              ),
            { timeout: 5000 },
          );
          // Each change arrives once: B relays A's notifications but not echoes of its own.
          expect(received.filter((e) => e.type === "session.revoked")).toHaveLength(1);
        } finally {
          subscription.unsubscribe();
        }
      } finally {
        await b.close();
      }
    });

    it("SSE subscription requires credentials", async () => {
      const s = await start();
      const res = await fetch(`${s.url}/trpc/events`, { headers: { accept: "text/event-stream" } });
      // The SSE stream opens, then carries the UNAUTHORIZED error as its first event.
      const text = await res.text();
      expect(text).toMatch(/UNAUTHORIZED/);
      expect(s.app.events.subscriberCount).toBe(0);
    });

    it("graceful shutdown: stops accepting, finishes the request in flight, then closes the store", async () => {
      const base = await harness.fresh();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      let storeClosed = false;
      const store: SessionsStore = {
        ...base,
        countSessions: async (...args) => {
          entered();
          await gate;
          return base.countSessions(...args);
        },
        close: async () => {
          storeClosed = true;
          await base.close();
        },
      };
      const s = await start({ store });
      const { key } = await s.app.service.createApiKey({ name: "svc", scopes: ["sessions:read"] });
      const inFlight = rpc(s.url, "sessions.count", {
        method: "GET",
        headers: { authorization: `Bearer ${key}` },
      });
      await inside;
      const closing = s.app.close();
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
      expect(storeClosed).toBe(false);
      release();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(res.body.result?.data).toBe(0);
      await closing;
      expect(storeClosed).toBe(true);
      server = null;
    });

    it("graceful shutdown ends open SSE streams instead of waiting for them", async () => {
      const s = await start();
      const { key } = await s.app.service.createApiKey({ name: "watcher", scopes: ["sessions:read"] });
      const client = trpcClient(s.url, { authorization: `Bearer ${key}` });
      const subscription = client.events.subscribe(undefined, { onData: () => {}, onError: () => {} });
      try {
        await vi.waitFor(() => expect(s.app.events.subscriberCount).toBe(1), { timeout: 5000 });
        const started = performance.now();
        await s.app.close();
        // Well inside SHUTDOWN_TIMEOUT (5 s in tests): nothing had to be cut.
        expect(performance.now() - started).toBeLessThan(2000);
        expect(s.app.events.subscriberCount).toBe(0);
      } finally {
        subscription.unsubscribe();
      }
      server = null;
    });

    it("compresses larger query answers by Accept-Encoding; never mutations (BREACH), streams or small bodies", async () => {
      const s = await start();
      const { key } = await s.app.service.createApiKey({
        name: "svc",
        scopes: ["sessions:read", "sessions:issue"],
      });
      const auth = { authorization: `Bearer ${key}` };
      for (let i = 0; i < 20; i++)
        await s.app.service.createSession({
          userId: s.admin.id,
          userAgent: `agent ${i}`,
          ip: "192.0.2.7",
        });
      const list = `/trpc/sessions.listActive?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`;
      const plain = await rawRequest(s.url, list, { headers: auth });
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(4096);

      const br = await rawRequest(s.url, list, { headers: auth, acceptEncoding: "gzip, deflate, br" });
      expect(br.status).toBe(200);
      expect(br.headers["content-encoding"]).toBe("br");
      expect(br.headers.vary).toContain("Accept-Encoding");
      expect(br.headers["cache-control"]).toBe("no-store");
      expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString());
      expect(br.body.length).toBeLessThan(plain.body.length / 3);

      const rest = await rawRequest(s.url, "/api/v1/sessions", { headers: auth, acceptEncoding: "gzip" });
      expect(rest.status).toBe(200);
      expect(rest.headers["content-encoding"]).toBe("gzip");
      expect((JSON.parse(gunzipSync(rest.body).toString()) as { items: unknown[] }).items).toHaveLength(20);

      // Under 1 KiB: sent as it is.
      const count = await rawRequest(s.url, "/trpc/sessions.count", { headers: auth, acceptEncoding: "br" });
      expect(count.status).toBe(200);
      expect(count.headers["content-encoding"]).toBeUndefined();

      // A mutation's answer holds a secret (the new token) beside the caller's own text: never compressed.
      const created = await rawRequest(s.url, "/trpc/sessions.create", {
        method: "POST",
        headers: auth,
        acceptEncoding: "br, gzip",
        body: JSON.stringify(superjson.serialize({ userId: s.admin.id, userAgent: "x".repeat(1000) })),
      });
      expect(created.status).toBe(200);
      expect(created.body.length).toBeGreaterThan(1024);
      expect(created.headers["content-encoding"]).toBeUndefined();
      expect(created.body.toString()).toContain("token");

      // A live stream is never buffered by a compressor: its headers arrive with no coding.
      const { cookie } = await signIn(s);
      const stream = await new Promise<IncomingHttpHeaders>((done, fail) => {
        const req = httpRequest(
          `${s.url}/trpc/events`,
          { headers: { cookie, "accept-encoding": "br, gzip" } },
          (res) => {
            done(res.headers);
            req.destroy();
          },
        );
        req.on("error", (error) => (req.destroyed ? undefined : fail(error)));
        req.end();
      });
      expect(stream["content-type"]).toContain("text/event-stream");
      expect(stream["content-encoding"]).toBeUndefined();
    });

    it("serves the build's brotli and gzip copies by Accept-Encoding, with Vary, keeping the caching", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sessions-console-"));
      try {
        mkdirSync(join(dir, "assets"));
        const js = `export const text = ${JSON.stringify("sessions ".repeat(500))};`;
        writeFileSync(join(dir, "index.html"), "<!doctype html><div id=root></div>");
        writeFileSync(join(dir, "assets", "app-1234.js"), js);
        writeFileSync(join(dir, "assets", "app-1234.js.br"), brotliCompressSync(js));
        writeFileSync(join(dir, "assets", "app-1234.js.gz"), gzipSync(js));
        // Only a gzip copy: the build skips copies that would not be smaller.
        writeFileSync(join(dir, "assets", "gz-only-1234.js"), js);
        writeFileSync(join(dir, "assets", "gz-only-1234.js.gz"), gzipSync(js));
        const base = (await start({ env: { CONSOLE_DIR: dir } })).url;
        const raw = (path: string, acceptEncoding?: string, method = "GET") =>
          rawRequest(base, path, { acceptEncoding, method });

        const br = await raw("/assets/app-1234.js", "gzip, deflate, br");
        expect(br.status).toBe(200);
        expect(br.headers["content-encoding"]).toBe("br"); // a tie (all q=1) goes to the smaller brotli
        expect(br.headers.vary).toContain("Accept-Encoding");
        expect(br.headers["cache-control"]).toContain("immutable");
        expect(br.headers["content-type"]).toContain("javascript");
        expect(Number(br.headers["content-length"])).toBe(br.body.length);
        expect(br.body.length).toBeLessThan(js.length / 10);
        expect(brotliDecompressSync(br.body).toString()).toBe(js);

        const gz = await raw("/assets/app-1234.js", "gzip;q=1, br;q=0.5");
        expect(gz.headers["content-encoding"]).toBe("gzip");
        expect(gunzipSync(gz.body).toString()).toBe(js);

        for (const none of [undefined, "identity", "deflate", "br;q=0, gzip;q=0"]) {
          const plain = await raw("/assets/app-1234.js", none);
          expect(plain.status, String(none)).toBe(200);
          expect(plain.headers["content-encoding"], String(none)).toBeUndefined();
          expect(plain.body.toString(), String(none)).toBe(js);
          expect(plain.headers.vary).toContain("Accept-Encoding");
        }
        expect((await raw("/assets/gz-only-1234.js", "br")).headers["content-encoding"]).toBeUndefined();
        expect((await raw("/assets/gz-only-1234.js", "br, gzip")).headers["content-encoding"]).toBe("gzip");
        // A client that refuses every coding the file exists in is told so, not sent something else.
        const refused = await raw("/assets/app-1234.js", "br;q=0, gzip;q=0, identity;q=0");
        expect(refused.status).toBe(406);
        const head = await raw("/assets/app-1234.js", "br", "HEAD");
        expect(head.headers["content-encoding"]).toBe("br");
        expect(head.body.length).toBe(0);
        // Page routes get index.html the same way (no copy of it here: sent as it is).
        const page = await raw("/sessions/0190-abc", "br");
        expect(page.headers["content-encoding"]).toBeUndefined();
        expect(page.headers["cache-control"]).toBe("no-cache");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("serves the built console with SPA fallback and security headers", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sessions-console-"));
      try {
        mkdirSync(join(dir, "assets"));
        writeFileSync(join(dir, "index.html"), "<!doctype html><div id=root></div>");
        writeFileSync(join(dir, "assets", "app-1234.js"), "console.log(1)");
        writeFileSync(join(tmpdir(), "sessions-secret.txt"), "secret");
        const s = await start({ env: { CONSOLE_DIR: dir } });
        const index = await fetch(`${s.url}/`);
        expect(index.status).toBe(200);
        expect(index.headers.get("content-type")).toContain("text/html");
        expect(await index.text()).toContain("id=root");
        expect(index.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(index.headers.get("x-content-type-options")).toBe("nosniff");
        expect(index.headers.get("strict-transport-security")).toBeNull();

        const route = await fetch(`${s.url}/sessions/0190-abc`);
        expect(route.status).toBe(200);
        expect(await route.text()).toContain("id=root");
        const asset = await fetch(`${s.url}/assets/app-1234.js`);
        expect(asset.headers.get("content-type")).toContain("javascript");
        expect(asset.headers.get("cache-control")).toContain("immutable");
        expect((await fetch(`${s.url}/assets/missing.js`)).status).toBe(404);
        expect((await fetch(`${s.url}/%2e%2e/sessions-secret.txt`)).status).toBe(404);
        expect((await fetch(`${s.url}/..%2fsessions-secret.txt`)).status).toBe(404);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(join(tmpdir(), "sessions-secret.txt"), { force: true });
      }
    });
  });
}

/** B's app closes its store on shutdown; the harness owns that store and closes it itself. */
function nonClosing(store: SessionsStore): SessionsStore {
  return { ...store, close: async () => {} };
}
