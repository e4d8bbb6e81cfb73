// Security suite for sign-in (issue 10, findings 4 and 8), written as an attacker would: a real
// server over HTTP, guesses sent at once, client addresses chosen with X-Forwarded-For behind
// TRUST_PROXY, a stolen key hammering what it may not call. Run on SQLite and on Postgres (two API
// instances on one database share the limits there). Each test is named by the OWASP ASVS 5.0
// requirement it covers.
import {
  createSessionsService,
  hashParams,
  LEGACY_PASSWORD_HASHING,
  PASSWORD_HASHING,
  type SessionsStore,
} from "@sessions/core";
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { createApp, type App } from "../src/http/server.js";
import { startTestServer, testEnv, type TestServer } from "../src/testing/index.js";

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  retryAfter: string | null;
  error: { message: string; data: Json } | undefined;
}

/** auth.login as a browser would send it, from `address` (X-Forwarded-For, trusted by TRUST_PROXY). */
async function login(base: string, email: string, password: string, address: string): Promise<Answer> {
  const res = await fetch(`${base}/trpc/auth.login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": address,
      "user-agent": "attack-script/1.0",
    },
    body: JSON.stringify(superjson.serialize({ email, password })),
  });
  const raw = (await res.json()) as { error?: { json: { message: string; data: Json } } };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), error: raw.error?.json };
}

const ATTACKER = "198.51.100.66";
const ADMIN_DESK = "192.0.2.10";
const WRONG = (i: number) => `guess-number-${i}-xyz`;

const statuses = (answers: Answer[]) => answers.map((a) => a.status).sort();
/** `evaluated` 401s (passwords checked) then `limited` 429s, as statuses() sorts them. */
const cut = (evaluated: number, limited: number): number[] => [
  ...Array.from({ length: evaluated }, () => 401),
  ...Array.from({ length: limited }, () => 429),
];

function logCollector() {
  const lines: string[] = [];
  return {
    lines,
    logger: createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } }),
  };
}

function nonClosing(store: SessionsStore): SessionsStore {
  return { ...store, close: async () => {} };
}

function describeSignInSecurity(kind: StoreKind): void {
  describe(`sign-in security (${kind})`, () => {
    let harness: StoreHarness;
    const servers: { close(): Promise<void> }[] = [];
    beforeAll(async () => {
      harness = await createStoreHarness(kind);
    });
    afterEach(async () => {
      for (const s of servers.splice(0)) await s.close();
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    async function start(options: Omit<Parameters<typeof startTestServer>[0], "store" | "env"> = {}) {
      const s = await startTestServer({
        store: await harness.fresh(),
        env: { TRUST_PROXY: "true" },
        ...options,
      });
      servers.push(s);
      return s;
    }

    /** A second API instance on the same database (its own connection, as a second process has). */
    async function secondInstance(): Promise<{ app: App; url: string }> {
      const store = await harness.openSecond();
      const app = await createApp({ env: testEnv({ TRUST_PROXY: "true" }), store: nonClosing(store!) });
      servers.push(app);
      return { app, url: await app.listen(0, "127.0.0.1") };
    }

    const failures = async (s: TestServer) =>
      (await s.app.service.listAudit({ action: "auth.login_failed", limit: 200 })).items;

    it("V6.3.1 20 concurrent wrong guesses from one address: at most 5 are evaluated, the rest 429 with Retry-After", async () => {
      const s = await start();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(s.url, s.adminEmail, WRONG(i), ATTACKER)),
      );
      expect(statuses(answers)).toEqual(cut(5, 15));
      for (const limited of answers.filter((a) => a.status === 429)) {
        expect(limited.retryAfter).toBe("900");
        expect(limited.error?.data).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: 900 });
      }
      // Only five passwords were checked: the other fifteen were refused before any hashing.
      const logged = await failures(s);
      expect(logged.filter((e) => e.reason === "bad credentials")).toHaveLength(5);
      expect(logged.filter((e) => e.reason === "rate limited")).toHaveLength(15);
      // The right password does not get through from the attacking address either.
      expect((await login(s.url, s.adminEmail, s.adminPassword, ATTACKER)).status).toBe(429);
    });

    it("V6.3.1 the real admin signs in from another address while the attack goes on", async () => {
      const s = await start();
      const attack = Promise.all(
        Array.from({ length: 20 }, (_, i) => login(s.url, s.adminEmail, WRONG(i), ATTACKER)),
      );
      const admin = login(s.url, s.adminEmail, s.adminPassword, ADMIN_DESK);
      const [answers, signedIn] = await Promise.all([attack, admin]);
      expect(signedIn.status).toBe(200);
      expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
      // And again after the attacking address is blocked: the account itself is never locked.
      expect((await login(s.url, s.adminEmail, s.adminPassword, ADMIN_DESK)).status).toBe(200);
      // Other addresses each get their own five, no more.
      const other = await Promise.all(
        Array.from({ length: 8 }, (_, i) => login(s.url, s.adminEmail, WRONG(i), "198.51.100.67")),
      );
      expect(statuses(other)).toEqual(cut(5, 3));
    });

    it("V6.3.1 two API instances on one database share the limit: 20 guesses split across both, 5 evaluated", async (ctx) => {
      if (kind === "sqlite-memory") return ctx.skip(); // no second process can open it
      const a = await start();
      const b = await secondInstance();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          login(i % 2 === 0 ? a.url : b.url, a.adminEmail, WRONG(i), ATTACKER),
        ),
      );
      expect(statuses(answers)).toEqual(cut(5, 15));
      // Blocked on both, and the admin still signs in on both from elsewhere.
      expect((await login(b.url, a.adminEmail, a.adminPassword, ATTACKER)).status).toBe(429);
      expect((await login(a.url, a.adminEmail, a.adminPassword, ATTACKER)).status).toBe(429);
      expect((await login(b.url, a.adminEmail, a.adminPassword, ADMIN_DESK)).status).toBe(200);
    });

    it("V16.3.1 failed sign-ins are audit events with the target user, address and user agent, never the password", async () => {
      const s = await start();
      expect((await login(s.url, s.adminEmail, "hunter2-wrong-password", ATTACKER)).status).toBe(401);
      expect((await login(s.url, "nobody@example.com", "hunter2-wrong-password", ATTACKER)).status).toBe(401);
      const logged = await failures(s);
      expect(logged).toHaveLength(2);
      const onAdmin = logged.find((e) => e.target === s.admin.id);
      expect(onAdmin).toMatchObject({
        action: "auth.login_failed",
        targetType: "user",
        targetName: s.adminEmail,
        ip: ATTACKER,
        reason: "bad credentials",
        data: { email: s.adminEmail, userAgent: "attack-script/1.0" },
      });
      expect(logged.find((e) => e.target === null)).toMatchObject({
        ip: ATTACKER,
        data: { email: "nobody@example.com" },
      });
      expect(JSON.stringify(logged)).not.toContain("hunter2");
    });

    it("V16.3.2 authorization refusals are logged at warn, without secrets, a few lines a second per caller", async () => {
      const { lines, logger } = logCollector();
      const s = await start({ logger });
      const { key } = await s.app.service.createApiKey({ name: "stolen", scopes: ["sessions:read"] });
      const refused = await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${s.url}/trpc/users.list`, { headers: { authorization: `Bearer ${key}` } }),
        ),
      );
      expect(refused.every((r) => r.status === 403)).toBe(true);
      const warnings = lines.map((l) => JSON.parse(l) as Json).filter((l) => l.event === "authz.refused");
      // A burst of five from this caller, not thirty lines.
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(6);
      expect(warnings[0]).toMatchObject({
        level: 40,
        code: "FORBIDDEN",
        procedure: "users.list",
        reason: "This API key lacks the users:read scope.",
      });
      expect(String(warnings[0]!.caller)).toMatch(/^api_key:/);
      expect(lines.join("\n")).not.toContain(key);
      // Anonymous callers are logged too, by address.
      await fetch(`${s.url}/trpc/users.list`, { headers: { "x-forwarded-for": ATTACKER } });
      const anonymous = lines
        .map((l) => JSON.parse(l) as Json)
        .find((l) => l.event === "authz.refused" && l.code === "UNAUTHORIZED");
      expect(anonymous).toMatchObject({ caller: `anonymous:${ATTACKER}`, ip: ATTACKER });
    });

    it("V11.4.2 passwords are hashed at OWASP's minimum; an old N=2^14,r=8,p=1 hash is upgraded on sign-in", async () => {
      const s = await start();
      const stored = async (email: string) => (await s.app.store.getUserByEmail(email))!.passwordHash!;
      expect(hashParams(await stored(s.adminEmail))).toEqual(PASSWORD_HASHING);
      // An operator whose hash predates issue 10 (written as the old code wrote it).
      const legacy = createSessionsService({ store: s.app.store, passwordHashing: LEGACY_PASSWORD_HASHING });
      const old = await legacy.createUser({
        email: "old@example.com",
        role: "viewer",
        password: "an old password",
      });
      expect(hashParams(await stored(old.email))).toEqual({ N: 2 ** 14, r: 8, p: 1 });
      expect((await login(s.url, old.email, "not the old password", ADMIN_DESK)).status).toBe(401);
      expect(hashParams(await stored(old.email))).toEqual({ N: 2 ** 14, r: 8, p: 1 });
      expect((await login(s.url, old.email, "an old password", ADMIN_DESK)).status).toBe(200);
      expect(hashParams(await stored(old.email))).toEqual(PASSWORD_HASHING);
      expect((await login(s.url, old.email, "an old password", ADMIN_DESK)).status).toBe(200);
      const rehashed = await s.app.service.listAudit({ action: "user.password_rehashed" });
      expect(rehashed.items).toHaveLength(1);
      expect(rehashed.items[0]).toMatchObject({ actor: old.id, target: old.id });
    });
  });
}

describeSignInSecurity("sqlite-file");
describeSignInSecurity("postgres");
