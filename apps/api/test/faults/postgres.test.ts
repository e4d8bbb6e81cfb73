// Issue 11, finding 1, reproduced and fixed over real HTTP against a Postgres server of this file's
// own: stopped (fast shutdown, connections cut) and frozen (SIGSTOP: connections open, nothing
// answers). Every call answers 503 with Retry-After within DATABASE_TIMEOUT (never 500, never a
// hang), /readyz answers 503 within a second, the log names the fault without SQL or parameters
// (the API key's hash was among them), and calls work again once the server is back, without a
// restart. Needs root and the server binaries (as .ci/run has); elsewhere it skips with a notice.
import { hashToken, openStore, type SessionsStore } from "@sessions/core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { startTestServer, type TestServer } from "../../src/testing/index.js";
import { rpc } from "../http-suite.js";
import { clusterUnavailableReason, startCluster, type Cluster } from "./cluster.js";

const TIMEOUT_MS = 1_000;
const missing = clusterUnavailableReason();
if (missing) {
  if (process.env.CI) {
    it("runs the Postgres fault tests in CI", () => {
      throw new Error(`The Postgres fault tests cannot run: ${missing}.`);
    });
  } else {
    console.warn(`faults/postgres: skipped, ${missing}`);
  }
}

describe.runIf(!missing)("Postgres stopped or frozen under load (real server, real HTTP)", () => {
  let cluster: Cluster;
  let store: SessionsStore;
  let server: TestServer;
  let key = "";
  let token = "";
  const lines: string[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
    store = await openStore(cluster.url, { timeoutMs: TIMEOUT_MS });
    server = await startTestServer({
      store,
      env: { DATABASE_TIMEOUT: `${TIMEOUT_MS}ms` },
      logger: createLogger({ level: "info", destination: { write: (l: string) => void lines.push(l) } }),
    });
    key = (
      await server.app.service.createApiKey({ name: "svc", scopes: ["sessions:issue", "sessions:read"] })
    ).key;
    const user = await server.app.service.createUser({ email: "someone@example.com" });
    token = (await server.app.service.createSession({ userId: user.id })).token;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    cluster?.destroy();
  });

  const auth = () => ({ authorization: `Bearer ${key}` });
  /** A burst as a busy service sends it: validations, creates and counts at once, each timed. */
  async function burst() {
    const calls = Array.from({ length: 24 }, async (_, i) => {
      const started = performance.now();
      const res =
        i % 3 === 0
          ? await rpc(server.url, "sessions.validate", { input: { token }, headers: auth() })
          : i % 3 === 1
            ? await rpc(server.url, "sessions.create", {
                input: { userId: "00000000-0000-4000-8000-000000000000" },
                headers: auth(),
              })
            : await rpc(server.url, "sessions.count", { method: "GET", headers: auth() });
      return { res, ms: performance.now() - started };
    });
    return Promise.all(calls);
  }

  async function readyz() {
    const started = performance.now();
    const res = await fetch(`${server.url}/readyz`);
    return { status: res.status, ms: performance.now() - started };
  }

  async function expectHonest503s() {
    const results = await burst();
    for (const { res, ms } of results) {
      expect(res.status).toBe(503);
      expect(res.body.error?.data?.code).toBe("SERVICE_UNAVAILABLE");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // DATABASE_TIMEOUT plus the time to answer, never the 10-20 s hang found in the issue.
      expect(ms).toBeLessThan(TIMEOUT_MS * 2 + 500);
    }
    const probe = await readyz();
    expect(probe.status).toBe(503);
    expect(probe.ms).toBeLessThan(1_000);
  }

  async function expectHealed() {
    const deadline = Date.now() + 20_000;
    let last = 0;
    while (Date.now() < deadline) {
      last = (await rpc(server.url, "sessions.validate", { input: { token }, headers: auth() })).status;
      if (last === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(last).toBe(200);
    const results = await burst();
    // Creates for an unknown user answer NOT_FOUND: a real answer from a working database.
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(16);
    expect(statuses.filter((s) => s === 404)).toHaveLength(8);
    expect((await readyz()).status).toBe(200);
  }

  it("works before the fault", async () => {
    expect((await rpc(server.url, "sessions.validate", { input: { token }, headers: auth() })).status).toBe(
      200,
    );
    expect((await readyz()).status).toBe(200);
  });

  it("read-only (a standby behind a stale address): writes 503, reads work, readyz 503 until it is a primary again", async () => {
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    const readyzBody = async () => {
      const res = await fetch(`${server.url}/readyz`);
      return `${res.status} ${((await res.json()) as { status: string }).status}`;
    };
    const currentDb = async () => {
      const rows = await admin<{ db: string }[]>`select current_database() as db`;
      return rows[0]?.db ?? "";
    };
    /** New connections pick the setting up: cut the API's, then wait for /readyz to say `expected`. */
    const switchTo = async (readOnly: boolean, expected: string) => {
      await admin.unsafe(
        `alter database "${await currentDb()}" ${readOnly ? "set default_transaction_read_only = on" : "reset default_transaction_read_only"}`,
      );
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
      const deadline = Date.now() + 10_000;
      let last = "";
      while (Date.now() < deadline && last !== expected) {
        last = await readyzBody();
        if (last !== expected) await new Promise((r) => setTimeout(r, 100));
      }
      expect(last).toBe(expected);
    };
    try {
      const user = await server.app.service.createUser({ email: "standby@example.com" });
      await switchTo(true, "503 database read-only");
      const create = await rpc(server.url, "sessions.create", {
        input: { userId: user.id },
        headers: auth(),
      });
      expect(create.status).toBe(503);
      expect(create.body.error?.data?.code).toBe("SERVICE_UNAVAILABLE");
      expect(create.body.error?.message).toMatch(/only reads/);
      expect(Number(create.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Validation needs no write (its last-seen touch is best-effort).
      expect((await rpc(server.url, "sessions.validate", { input: { token }, headers: auth() })).status).toBe(
        200,
      );
      expect(await server.app.service.countActiveSessions({ userId: user.id })).toBe(0);

      await switchTo(false, "200 ready");
      const again = await rpc(server.url, "sessions.create", { input: { userId: user.id }, headers: auth() });
      expect(again.status).toBe(200);
    } finally {
      await admin.unsafe(`alter database "${await currentDb()}" reset default_transaction_read_only`);
      await admin.end();
    }
  });

  it("stopped: 503 with Retry-After in time, readyz 503; healed once it is back", async () => {
    cluster.stop();
    try {
      await expectHonest503s();
    } finally {
      cluster.start();
    }
    await expectHealed();
  }, 60_000);

  it("frozen: 503 within the deadline instead of a hang; healed once it answers again", async () => {
    cluster.freeze();
    try {
      await expectHonest503s();
    } finally {
      cluster.thaw();
    }
    await expectHealed();
  }, 60_000);

  it("logged the fault, rate-limited, without SQL or parameters", () => {
    const log = lines.join("\n");
    expect(log).toContain("database unavailable: answered 503");
    expect(log).not.toContain(hashToken(key));
    expect(log).not.toContain(hashToken(token));
    expect(log).not.toMatch(/Failed query: (select|insert|update)/i);
    // Two bursts of 24 calls plus probes: a handful of lines, not one per call.
    const unavailableLines = lines.filter((l) => l.includes("database unavailable: answered 503"));
    expect(unavailableLines.length).toBeLessThan(20);
  });
});
