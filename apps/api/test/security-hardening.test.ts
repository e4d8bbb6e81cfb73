// Issue 10, findings 5, 7 and 9, tried as an attacker would: over real HTTP against a real server on
// SQLite and on Postgres, with one stolen credential, from several addresses at once (TRUST_PROXY +
// X-Forwarded-For), and with the settings a careless deployment has (no NODE_ENV, a TLS proxy
// without TRUST_PROXY). Each test is named by the OWASP ASVS 5.0 requirement it covers.
import { performance } from "node:perf_hooks";
import type { SessionsStore } from "@sessions/core";
import {
  createStoreHarness,
  DAY,
  FakeClock,
  MINUTE,
  type StoreHarness,
  type StoreKind,
} from "@sessions/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from "../src/testing/index.js";
import { cookieFrom, rpc } from "./http-suite.js";

interface OpenStream {
  /** Everything the server has sent so far. */
  readonly text: string;
  /** performance.now() when the server ended the stream, or null while it is open. */
  readonly endedAt: number | null;
  /** Settles when the stream has ended (server end, or close()). */
  readonly done: Promise<void>;
  close(): void;
}

/** The events stream read raw, as any SSE client would: what the server sends, and when it stops. */
function openStream(base: string, headers: Record<string, string>): OpenStream {
  const controller = new AbortController();
  let text = "";
  let endedAt: number | null = null;
  const done = (async () => {
    try {
      const res = await fetch(`${base}/trpc/events`, {
        headers: { accept: "text/event-stream", ...headers },
        signal: controller.signal,
      });
      const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        text += decoder.decode(value, { stream: true });
      }
      endedAt = performance.now();
    } catch {
      // Aborted by close(): the client left, the server did not end it.
    }
  })();
  return {
    get text() {
      return text;
    },
    get endedAt() {
      return endedAt;
    },
    done,
    close: () => controller.abort(),
  };
}

/** Waits (up to `boundMs`) for the server to end a stream; returns how long it took from `since`. */
async function endedWithin(stream: OpenStream, since: number, boundMs: number): Promise<number> {
  await Promise.race([stream.done, new Promise((resolve) => setTimeout(resolve, boundMs + 1000))]);
  expect(stream.endedAt, "the server should have ended the stream").not.toBeNull();
  const took = stream.endedAt! - since;
  expect(took).toBeLessThan(boundMs);
  return took;
}

function describeSecurityHardening(kind: StoreKind): void {
  describe(`security hardening over HTTP (${kind})`, () => {
    let harness: StoreHarness;
    let server: TestServer | null = null;
    const streams: OpenStream[] = [];
    beforeAll(async () => {
      harness = await createStoreHarness(kind);
    });
    afterEach(async () => {
      for (const s of streams.splice(0)) s.close();
      await server?.close();
      server = null;
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    async function start(
      options: Omit<Parameters<typeof startTestServer>[0], "store"> & { store?: SessionsStore } = {},
    ): Promise<TestServer> {
      server = await startTestServer({ store: options.store ?? (await harness.fresh()), ...options });
      return server;
    }

    function stream(base: string, headers: Record<string, string>): OpenStream {
      const s = openStream(base, headers);
      streams.push(s);
      return s;
    }

    async function signIn(s: TestServer, email = s.adminEmail, headers: Record<string, string> = {}) {
      const res = await rpc(s.url, "auth.login", {
        input: { email, password: TEST_ADMIN_PASSWORD },
        headers,
      });
      expect(res.status).toBe(200);
      const { sessionId } = (
        await rpc(s.url, "auth.me", {
          method: "GET",
          headers: { cookie: cookieFrom(res.headers)! },
        })
      ).body.result?.data as { sessionId: string };
      return { cookie: cookieFrom(res.headers)!, sessionId };
    }

    async function makeOperator(s: TestServer, role: "admin" | "viewer", email: string) {
      return s.app.service.createUser({ email, role, password: TEST_ADMIN_PASSWORD });
    }

    const streaming = (s: TestServer, count: number) =>
      vi.waitFor(() => expect(s.app.events.subscriberCount).toBe(count), { timeout: 5000 });

    describe("finding 5: event streams end with their credential", () => {
      it("V7.4.5 a stolen console session's stream ends within 5 s of an admin revoking that session", async () => {
        const s = await start();
        await makeOperator(s, "viewer", "viewer@example.com");
        const stolen = await signIn(s, "viewer@example.com");
        const admin = await signIn(s);
        const listening = stream(s.url, { cookie: stolen.cookie });
        await streaming(s, 1);
        const revokedAt = performance.now();
        const revoked = await rpc(s.url, "sessions.revoke", {
          input: { id: stolen.sessionId, reason: "stolen" },
          headers: { cookie: admin.cookie },
        });
        expect(revoked.body.result?.data).toEqual({ ok: true });
        await endedWithin(listening, revokedAt, 5000);
        expect(listening.text).toMatch(/UNAUTHORIZED/);
        await streaming(s, 0);
        // And it cannot come back: the reconnect is refused.
        const again = stream(s.url, { cookie: stolen.cookie });
        await again.done;
        expect(again.text).toMatch(/UNAUTHORIZED/);
      });

      it("V7.4.2 every stream of an operator ends within 5 s of the account being disabled", async () => {
        const s = await start();
        const viewer = await makeOperator(s, "viewer", "leaver@example.com");
        const first = await signIn(s, "leaver@example.com");
        const second = await signIn(s, "leaver@example.com", { "user-agent": "another browser" });
        const streamsOfViewer = [
          stream(s.url, { cookie: first.cookie }),
          stream(s.url, { cookie: first.cookie }),
          stream(s.url, { cookie: second.cookie }),
        ];
        await streaming(s, 3);
        const disabledAt = performance.now();
        await s.app.service.setUserStatus(viewer.id, "disabled", { reason: "left the company" });
        for (const listening of streamsOfViewer) {
          await endedWithin(listening, disabledAt, 5000);
          expect(listening.text).toMatch(/UNAUTHORIZED/);
        }
        await streaming(s, 0);
      });

      it("V7.4.1 a stream ends within 5 s of its console session being ended by logout", async () => {
        const s = await start();
        const me = await signIn(s);
        const listening = stream(s.url, { cookie: me.cookie });
        await streaming(s, 1);
        const loggedOutAt = performance.now();
        expect((await rpc(s.url, "auth.logout", { headers: { cookie: me.cookie } })).status).toBe(200);
        await endedWithin(listening, loggedOutAt, 5000);
        expect(listening.text).toMatch(/UNAUTHORIZED/);
      });

      it("V7.4.1 a stream ends once its console session expires, though no event announces it", async () => {
        const clock = new FakeClock();
        // A short re-check so the test need not wait 5 s: expiry is only ever found by re-checking.
        const s = await start({ clock, streams: { recheckMs: 200 } });
        const me = await signIn(s);
        const listening = stream(s.url, { cookie: me.cookie });
        await streaming(s, 1);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(listening.endedAt, "still valid: the stream stays open").toBeNull();
        clock.advance(61 * DAY); // past every session lifetime
        const expiredAt = performance.now();
        await endedWithin(listening, expiredAt, 5000);
        expect(listening.text).toMatch(/UNAUTHORIZED/);
      });

      it("V7.3.1 an open stream does not keep an idle console session alive: it ends at the idle timeout", async () => {
        const clock = new FakeClock();
        const s = await start({ clock, env: { IDLE_TIMEOUT: "30m" }, streams: { recheckMs: 100 } });
        const me = await signIn(s);
        const listening = stream(s.url, { cookie: me.cookie });
        await streaming(s, 1);
        // 40 minutes pass with the stream re-checking all along, and nobody using the console.
        for (let step = 0; step < 4; step++) {
          clock.advance(10 * MINUTE);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        const idleAt = performance.now();
        await endedWithin(listening, idleAt, 5000);
        expect(listening.text).toMatch(/UNAUTHORIZED/);
        const me2 = await rpc(s.url, "auth.me", { method: "GET", headers: { cookie: me.cookie } });
        expect(me2.status).toBe(401);
      });

      it("V7.4.1 streams on a stolen API key, from several addresses, all end within 5 s of its revocation", async () => {
        // The production re-check interval: nothing announces a key's revocation to its streams.
        const s = await start({ env: { TRUST_PROXY: "true" } });
        const { key, apiKey } = await s.app.service.createApiKey({
          name: "leaked",
          scopes: ["sessions:read"],
        });
        const fromEverywhere = ["203.0.113.7", "198.51.100.23", "192.0.2.99"].map((ip) =>
          stream(s.url, { authorization: `Bearer ${key}`, "x-forwarded-for": ip }),
        );
        await streaming(s, 3);
        const revokedAt = performance.now();
        expect(await s.app.service.revokeApiKey(apiKey.id)).toEqual({ ok: true });
        for (const listening of fromEverywhere) {
          await endedWithin(listening, revokedAt, 10_000);
          expect(listening.text).toMatch(/UNAUTHORIZED/);
        }
        await streaming(s, 0);
      }, 20_000);

      it("V2.4.1 one stolen key opens at most 8 streams, from any number of addresses at once; the 9th is TOO_MANY_REQUESTS", async () => {
        const s = await start({ env: { TRUST_PROXY: "true" } });
        const { key } = await s.app.service.createApiKey({ name: "leaked", scopes: ["sessions:read"] });
        const { key: other } = await s.app.service.createApiKey({
          name: "honest",
          scopes: ["sessions:read"],
        });
        const attack = Array.from({ length: 9 }, (_, i) =>
          stream(s.url, { authorization: `Bearer ${key}`, "x-forwarded-for": `203.0.113.${i + 1}` }),
        );
        await streaming(s, 8);
        await vi.waitFor(() => expect(attack.filter((a) => a.endedAt !== null)).toHaveLength(1), {
          timeout: 5000,
        });
        const refused = attack.find((a) => a.endedAt !== null)!;
        expect(refused.text).toMatch(/TOO_MANY_REQUESTS/);
        expect(refused.text).toMatch(/At most 8 event streams/);
        // The cap is per credential: another key is not starved by the attacker's.
        const honest = stream(s.url, { authorization: `Bearer ${other}` });
        await streaming(s, 9);
        // A slot is released when a stream ends, so the attacker's next one is admitted again.
        attack.find((a) => a.endedAt === null)!.close();
        await streaming(s, 8);
        const next = stream(s.url, { authorization: `Bearer ${key}`, "x-forwarded-for": "198.51.100.1" });
        await streaming(s, 9);
        expect(next.endedAt).toBeNull();
        expect(honest.endedAt).toBeNull();
      });
    });

    describe("finding 7: production defaults", () => {
      it("V13.4.2 with NODE_ENV unset, error responses carry no stack and no internal message", async () => {
        const failing = async (env: Record<string, string>) => {
          const base = await harness.fresh();
          const store: SessionsStore = {
            ...base,
            countSessions: () => Promise.reject(new Error("connection to db-internal.corp:5432 lost")),
          };
          const s = await start({ store, env });
          const { key } = await s.app.service.createApiKey({ name: "svc", scopes: ["sessions:read"] });
          const internal = await rpc(s.url, "sessions.count", {
            method: "GET",
            headers: { authorization: `Bearer ${key}` },
          });
          const refused = await rpc(s.url, "sessions.count", { method: "GET" });
          await s.close();
          server = null;
          return { internal, refused, exposes: s.app.exposeErrorDetails };
        };
        // Empty is unset (as in `NODE_ENV= node …`): the settings loader drops it, so the default applies.
        const prod = await failing({ NODE_ENV: "" });
        expect(prod.exposes).toBe(false);
        expect(prod.internal.status).toBe(500);
        expect(prod.internal.body.error?.message).toMatch(/^Internal server error \(error id /);
        expect(JSON.stringify(prod.internal.body.error)).not.toMatch(/db-internal|stack|at .*\.ts:\d+/);
        expect(prod.refused.status).toBe(401);
        expect(prod.refused.body.error?.data).not.toHaveProperty("stack");
        // The control: development does expose them, so the assertions above can see a leak.
        const dev = await failing({ NODE_ENV: "development" });
        expect(dev.internal.body.error?.data).toHaveProperty("stack");
        expect(dev.internal.body.error?.message).toMatch(/db-internal/);
      });

      it("V3.4.2 with NODE_ENV unset, the Vite dev origins get no CORS and cannot sign in with credentials", async () => {
        for (const devOrigin of ["http://localhost:5173", "http://127.0.0.1:5173"]) {
          const s = await start({ env: { NODE_ENV: "" } });
          const preflight = await fetch(`${s.url}/trpc/auth.login`, {
            method: "OPTIONS",
            headers: { origin: devOrigin, "access-control-request-method": "POST" },
          });
          expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
          expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
          const login = await rpc(s.url, "auth.login", {
            input: { email: s.adminEmail, password: s.adminPassword },
            headers: { origin: devOrigin },
          });
          expect(login.status).toBe(403);
          expect(login.body.error?.message).toMatch(/CSRF check failed/);
          expect(login.headers.getSetCookie()).toEqual([]);
          await s.close();
          server = null;
        }
        // In development (what `pnpm dev` sets) the console's dev server works as before.
        const dev = await start({ env: { NODE_ENV: "development" } });
        const login = await rpc(dev.url, "auth.login", {
          input: { email: dev.adminEmail, password: dev.adminPassword },
          headers: { origin: "http://localhost:5173" },
        });
        expect(login.status).toBe(200);
        expect(login.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      });

      it("V3.3.1 with PUBLIC_URL=https://…, behind a TLS proxy without TRUST_PROXY, the cookie is __Host- and Secure", async () => {
        const s = await start({ env: { PUBLIC_URL: "https://sessions.example.com" } });
        // Plain HTTP on the wire, and a proxy header claiming http that is not trusted anyway.
        const proxy = { origin: "https://sessions.example.com", "x-forwarded-proto": "http" };
        const login = await rpc(s.url, "auth.login", {
          input: { email: s.adminEmail, password: s.adminPassword },
          headers: proxy,
        });
        expect(login.status).toBe(200);
        const setCookie = login.headers.getSetCookie()[0]!;
        expect(setCookie).toMatch(/^__Host-sessions_token=/);
        expect(setCookie).toMatch(/; Secure/i);
        expect(setCookie).toMatch(/; Path=\//i);
        expect(setCookie).not.toMatch(/Domain=/i);
        // The __Host- cookie is the one that signs in; the plain-named one is not read at all.
        const cookie = cookieFrom(login.headers)!;
        const me = await rpc(s.url, "auth.me", { method: "GET", headers: { cookie } });
        expect(me.status).toBe(200);
        const plain = await rpc(s.url, "auth.me", {
          method: "GET",
          headers: { cookie: cookie.replace(/^__Host-/, "") },
        });
        expect(plain.status).toBe(401);
        // PUBLIC_URL is the server's own origin: a page on the raw host:port is cross-site.
        const fromRawHost = await rpc(s.url, "auth.login", {
          input: { email: s.adminEmail, password: s.adminPassword },
          headers: { origin: s.url },
        });
        expect(fromRawHost.status).toBe(403);
      });

      it("V3.4.1 with PUBLIC_URL=https://…, every response carries HSTS whatever the proxy headers say", async () => {
        const s = await start({ env: { PUBLIC_URL: "https://sessions.example.com" } });
        const hsts = "max-age=31536000; includeSubDomains";
        const cases: Record<string, string>[] = [{}, { "x-forwarded-proto": "http" }];
        for (const headers of cases) {
          expect(
            (await fetch(`${s.url}/healthz`, { headers })).headers.get("strict-transport-security"),
          ).toBe(hsts);
          const res = await rpc(s.url, "sessions.count", { method: "GET", headers });
          expect(res.headers.get("strict-transport-security")).toBe(hsts);
        }
        await s.close();
        server = null;
        // Without PUBLIC_URL, plain HTTP gets no HSTS (browsers ignore it there) and a plain cookie.
        const plain = await start();
        expect((await fetch(`${plain.url}/healthz`)).headers.get("strict-transport-security")).toBeNull();
      });
    });

    describe("finding 9: ids are UUIDs", () => {
      it("V2.2.1 sessions.get with an id that is not a UUID, or with a raw token, is BAD_REQUEST saying an id is a UUID", async () => {
        const s = await start();
        const { key } = await s.app.service.createApiKey({
          name: "svc",
          scopes: ["sessions:read", "sessions:issue", "users:read"],
        });
        const auth = { authorization: `Bearer ${key}` };
        const issued = await rpc(s.url, "sessions.create", { input: { userId: s.admin.id }, headers: auth });
        expect(issued.status).toBe(200);
        const { token, session } = issued.body.result?.data as { token: string; session: { id: string } };
        for (const id of ["not-a-uuid", token]) {
          const res = await rpc(s.url, "sessions.get", { method: "GET", input: { id }, headers: auth });
          expect(res.status).toBe(400);
          expect(res.body.error?.data.code).toBe("BAD_REQUEST");
          expect(res.body.error?.message).toMatch(/\bid:? must be a UUID/);
          expect(JSON.stringify(res.body.error)).not.toContain(token);
        }
        const users = await rpc(s.url, "users.get", {
          method: "GET",
          input: { id: "1 OR 1=1" },
          headers: auth,
        });
        expect(users.status).toBe(400);
        // A real id still answers.
        const found = await rpc(s.url, "sessions.get", {
          method: "GET",
          input: { id: session.id },
          headers: auth,
        });
        expect((found.body.result?.data as { id: string }).id).toBe(session.id);
      });
    });
  });
}

describeSecurityHardening("sqlite-file");
describeSecurityHardening("postgres");
