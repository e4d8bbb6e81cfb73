// The API through PgBouncer in transaction pooling mode (issue 15): DATABASE_URL points at the pool
// (3 server connections for everything the instances send), DATABASE_DIRECT_URL at the server for
// what needs a connection of its own (migrations, LISTEN, job locks). The core paths over HTTP from
// two instances: creates sent at once, validate, list, revoke, bulk revoke, stats, a live event from
// one instance to the other, the cleanup job's lock, and a webhook delivered.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWebhookReceiver } from "@sessions/core/testing";
import postgres from "postgres";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp, type App } from "../src/http/server.js";
import type { LiveEvent } from "../src/router/index.js";
import { freePort, testEnv, TEST_ADMIN_PASSWORD } from "../src/testing/index.js";
import { cookieFrom, trpcClient } from "./http-suite.js";

const PGBOUNCER = "/usr/sbin/pgbouncer";
const serverUrl = process.env.TEST_POSTGRES_URL;
const available = serverUrl !== undefined && existsSync(PGBOUNCER);
if (process.env.CI && !available) {
  throw new Error("CI needs TEST_POSTGRES_URL and Debian's pgbouncer (.ci/run installs it) for this suite.");
}

describe.skipIf(!available)("the API through PgBouncer (transaction pooling)", () => {
  const database = `sessions_pgb_${randomBytes(5).toString("hex")}`;
  const dir = mkdtempSync(join(tmpdir(), "sessions-pgbouncer-"));
  let bouncer: ChildProcess;
  let pooledUrl = "";
  let directUrl = "";
  const apps: App[] = [];

  beforeAll(async () => {
    const server = new URL(serverUrl!);
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${database}`);
    await admin.end();
    const port = await freePort();
    writeFileSync(join(dir, "users.txt"), `"${server.username || "postgres"}" ""\n`);
    writeFileSync(
      join(dir, "pgbouncer.ini"),
      [
        "[databases]",
        `${database} = host=${server.hostname} port=${server.port} dbname=${database} user=${server.username || "postgres"}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `auth_file = ${join(dir, "users.txt")}`,
        "pool_mode = transaction",
        // Few server connections for two instances' pools of 12: transactions share them.
        "default_pool_size = 3",
        "max_client_conn = 200",
      ].join("\n"),
    );
    chmodSync(dir, 0o755);
    // PgBouncer refuses to run as root: as the postgres user, as .ci/run runs the server.
    const asRoot = process.getuid?.() === 0;
    bouncer = spawn(
      asRoot ? "runuser" : PGBOUNCER,
      [...(asRoot ? ["-u", "postgres", "--", PGBOUNCER] : []), join(dir, "pgbouncer.ini")],
      {
        // Its log goes to stderr: shown when the test fails to reach it.
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    pooledUrl = `postgres://${server.username || "postgres"}@127.0.0.1:${port}/${database}`;
    directUrl = new URL(`/${database}`, serverUrl).toString();
    // Up when it answers a query through the pool.
    await vi.waitFor(
      async () => {
        const probe = postgres(pooledUrl, { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 1 });
        try {
          await probe`select 1`;
        } finally {
          await probe.end({ timeout: 1 });
        }
      },
      { timeout: 10_000, interval: 200 },
    );
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    bouncer?.kill("SIGTERM");
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  async function instance() {
    const app = await createApp({
      env: testEnv({
        DATABASE_URL: pooledUrl,
        DATABASE_DIRECT_URL: directUrl,
        WEBHOOK_ALLOW_HTTP: "true",
        WEBHOOK_ALLOW_PRIVATE: "true",
        WEBHOOK_POLL_INTERVAL: "50ms",
      }),
      statsDebounceMs: 0,
      drainIdleMs: 20,
    });
    apps.push(app);
    return { app, url: await app.listen(0, "127.0.0.1") };
  }

  it("serves the core paths from two instances, sharing 3 server connections", async () => {
    const a = await instance();
    const b = await instance();
    const adminEmail = "pooled-admin@example.com";
    await a.app.service.createUser({ email: adminEmail, role: "admin", password: TEST_ADMIN_PASSWORD });
    const { key } = await a.app.service.createApiKey({
      name: "pooled",
      scopes: ["sessions:issue", "sessions:read", "sessions:revoke", "users:write", "webhooks:manage"],
    });
    const call = async (base: string, method: "GET" | "POST", path: string, body?: unknown) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const receiver = await startWebhookReceiver();
    try {
      const hook = await call(a.url, "POST", "/webhooks", { url: receiver.url, events: ["session.ended"] });
      expect(hook.status).toBe(201);
      receiver.secret = (hook.body as { secret: string }).secret;

      // A live subscriber on B (its LISTEN on the direct connection) hears what A does.
      const login = await fetch(`${b.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(superjson.serialize({ email: adminEmail, password: TEST_ADMIN_PASSWORD })),
      });
      expect(login.status).toBe(200);
      const received: LiveEvent[] = [];
      const subscription = trpcClient(b.url, { cookie: cookieFrom(login.headers)! }).events.subscribe(
        undefined,
        {
          onData: (event) => received.push(event),
        },
      );
      await vi.waitFor(() => expect(b.app.events.subscriberCount).toBe(1), { timeout: 5000 });

      const user = (await call(a.url, "POST", "/users", { email: "pooled@example.com" })).body as {
        id: string;
      };
      const made = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          call(i % 2 ? a.url : b.url, "POST", "/sessions", { userId: user.id }),
        ),
      );
      expect(made.map((m) => m.status)).toEqual(Array(40).fill(201));
      const tokens = made.map((m) => (m.body as { token: string }).token);
      const valid = await Promise.all(
        tokens.map((token) => call(b.url, "POST", "/sessions/validate", { token })),
      );
      expect(valid.every((v) => v.body.valid === true)).toBe(true);
      const listed = await call(a.url, "GET", `/sessions?userId=${user.id}&limit=100`);
      expect((listed.body.items as unknown[]).length).toBe(40);

      const first = (made[0]!.body as { session: { id: string } }).session.id;
      expect((await call(a.url, "POST", `/sessions/${first}/revoke`, {})).status).toBe(200);
      await vi.waitFor(
        () =>
          expect(received).toContainEqual(
            expect.objectContaining({ type: "session.revoked", sessionId: first }),
          ),
        { timeout: 5000 },
      );
      subscription.unsubscribe();
      expect((await call(b.url, "POST", "/sessions/validate", { token: tokens[0] })).body.valid).toBe(false);

      // A bulk revoke (in batches, each its own transaction) has no REST route: the service's own call.
      const bulk = await b.app.service.revokeSessions({ filter: { userId: user.id }, dryRun: false });
      expect(bulk.revoked).toBe(39);
      const count = await call(a.url, "GET", `/sessions/count?userId=${user.id}`);
      expect(count.body.count).toBe(0);
      expect((await call(a.url, "GET", "/sessions/stats")).status).toBe(200);

      // The job lock (a session advisory lock, on the direct connection): one instance at a time.
      expect(await a.app.service.cleanUp({ actor: { type: "system" } })).not.toBeNull();
      // The webhook for the single revoke came through the pool's claims.
      const [delivered] = await receiver.waitFor(1);
      expect(delivered!.signatureValid).toBe(true);
      expect(delivered!.data).toMatchObject({ sessionId: first, endReason: "revoked" });
    } finally {
      await receiver.close();
    }
  });
});
