// CI smoke test: `pnpm bench --quick` runs end to end (seed, every operation, the API over HTTP) and
// writes JSON of the documented shape. On Postgres too when TEST_POSTGRES_URL is set. It asserts
// nothing about speed: timings belong to the benchmark, never to tests.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const postgresUrl = process.env.TEST_POSTGRES_URL;
const dialects = postgresUrl ? ["sqlite", "postgres"] : ["sqlite"];

/** Every operation issue 5 lists (list pages appear once per filter/sort, page 1 and ~90% deep). */
const EXPECTED_OPS = [
  "validateSession (fresh)",
  "validateSession (lastSeenAt touch)",
  "validateSession (unknown token)",
  "validateSession (expired token)",
  "createSession",
  "createSession (1 webhook endpoint)",
  "revokeSession",
  "revokeUserSessions (10 sessions)",
  "listUserSessions",
  "getSessionInfo",
  "countActiveSessions",
  "getSessionStats",
];
const EXPECTED_PREFIXES = [
  "listActiveSessions [no filter] page 1",
  "listActiveSessions [no filter] page @90%",
  "listActiveSessions [browser Firefox] page 1",
  "listActiveSessions [browser Firefox] page @90%",
  "listActiveSessions [sort lastSeenAt] page 1",
  "listActiveSessions [sort lastSeenAt] page @90%",
  'listActiveSessions [email "',
  "listUsers search",
  "prune (",
];

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runQuickBench(jsonFile: string, extra?: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const args = ["--import", "tsx", "src/main.ts", "--quick", "--json", jsonFile];
    if (extra) args.push(...extra);
    else if (postgresUrl) args.push("--dialect", "both");
    const child = spawn(process.execPath, args, {
      cwd: BENCH_DIR,
      env: { ...process.env, ...(postgresUrl ? { BENCH_POSTGRES_URL: postgresUrl } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);

describe("pnpm bench --quick", () => {
  const dir = mkdtempSync(join(tmpdir(), "sessions-bench-smoke-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`runs on ${dialects.join(" and ")} and writes JSON of the documented shape`, async () => {
    const jsonFile = join(dir, "bench.json");
    const run = await runQuickBench(jsonFile);
    expect(run.code, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    // The table on stdout names every operation it measured.
    expect(run.stdout).toContain("validateSession (fresh)");

    const report = JSON.parse(readFileSync(jsonFile, "utf8")) as Record<string, unknown>;
    expect(typeof report.machine).toBe("object");
    expect(typeof report.versions).toBe("object");
    expect(Array.isArray(report.results) && report.results.length > 0).toBe(true);
    expect(Array.isArray(report.http)).toBe(true);
    expect(typeof report.seed).toBe("object");

    const results = report.results as Record<string, unknown>[];
    for (const r of results) {
      expect(typeof r.op).toBe("string");
      expect(dialects).toContain(r.dialect);
      expect(r.n).toBe(20_000);
      for (const key of ["medianUs", "p99Us", "opsPerSec"])
        expect(finite(r[key]), `${String(r.op)} ${key}`).toBe(true);
      if ("floorUs" in r) {
        expect(finite(r.floorUs)).toBe(true);
        expect(finite(r.ratioToFloor)).toBe(true);
      }
    }
    for (const dialect of dialects) {
      const ops = results.filter((r) => r.dialect === dialect).map((r) => String(r.op));
      for (const op of EXPECTED_OPS) expect(ops, `${dialect}: ${op}`).toContain(op);
      for (const prefix of EXPECTED_PREFIXES) {
        expect(
          ops.some((op) => op.startsWith(prefix)),
          `${dialect}: ${prefix}…`,
        ).toBe(true);
      }
      // The hot paths carry their raw-driver floor.
      const fresh = results.find((r) => r.dialect === dialect && r.op === "validateSession (fresh)")!;
      expect(finite(fresh.floorUs) && finite(fresh.ratioToFloor)).toBe(true);
    }

    // The typed-client loop (`http`) and autocannon sending the same requests.
    for (const field of ["http", "httpAutocannon"]) {
      const http = report[field] as Record<string, unknown>[];
      expect(http.map((h) => h.concurrency)).toEqual([1, 8, 32]);
      for (const h of http) {
        for (const key of ["rps", "p50Ms", "p99Ms", "apiCpuUsPerRequest", "clientCpuUsPerRequest"])
          expect(finite(h[key]), `${field} ${String(h.concurrency)} ${key}`).toBe(true);
        expect(h.errors).toBe(0);
      }
    }
    // The bare floor in the same rounds: every load method at every callers count, answers checked.
    const floor = report.httpFloor as Record<string, unknown>[];
    expect(floor.map((f) => `${String(f.load)} ${String(f.concurrency)}`).sort()).toEqual([
      "autocannon 1",
      "autocannon 32",
      "autocannon 8",
      "client 1",
      "client 32",
      "client 8",
    ]);
    for (const f of floor) {
      for (const key of ["rps", "p50Ms", "p99Ms"]) expect(finite(f[key]), `floor ${key}`).toBe(true);
      expect(f.errors).toBe(0);
    }
    const targets = report.targets as { target: string }[];
    expect(targets.some((t) => /API ÷ floor ≥ 0\.5×/.test(t.target))).toBe(true);
    // Issue 14: every dialect delivered its webhook backlog to the loopback receiver.
    const deliveries = report.webhookDelivery as Record<string, unknown>[];
    expect(deliveries.map((d) => d.dialect)).toEqual(dialects);
    for (const d of deliveries) {
      expect(d.delivered).toBe(d.messages);
      expect(d.failed).toBe(0);
      expect(finite(d.messagesPerSec)).toBe(true);
    }
    expect(finite((report.seed as { rowsPerSec: unknown }).rowsPerSec)).toBe(true);
    expect(finite(report.rssMiB)).toBe(true);
  });

  it.skipIf(!postgresUrl)(
    "--instances 3 on Postgres: three API processes behave as one (revocation, live events, sign-in limits)",
    async () => {
      const jsonFile = join(dir, "instances.json");
      const run = await runQuickBench(jsonFile, ["--instances", "3", "--dialect", "postgres"]);
      expect(run.code, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
      const { instances } = JSON.parse(readFileSync(jsonFile, "utf8")) as {
        instances: {
          throughput: { op: string; instances: number; rps: number; errors: number }[];
          revocation: { trials: number; validations: number; stillValid: number };
          liveEvents: { trials: number; received: number; p99Ms: number };
          signInLimits: { instances: number; evaluated: number; locked: number; other: number }[];
        };
      };
      expect(instances.throughput.map((t) => `${t.op} ${t.instances}`)).toEqual([
        "validate 1",
        "validate 3",
        "create 1",
        "create 3",
      ]);
      for (const t of instances.throughput) {
        expect(finite(t.rps)).toBe(true);
        expect(t.errors).toBe(0);
      }
      // Correctness, not speed: every validation after a revoke refused, every event arrived, and
      // the failures spread over three processes locked the pair at the count one process does.
      expect(instances.revocation.validations).toBe(2 * instances.revocation.trials);
      expect(instances.revocation.stillValid).toBe(0);
      expect(instances.liveEvents.received).toBe(instances.liveEvents.trials);
      expect(instances.signInLimits).toEqual([
        { instances: 1, attempts: 15, evaluated: 5, locked: 10, other: 0 },
        { instances: 3, attempts: 15, evaluated: 5, locked: 10, other: 0 },
      ]);
    },
  );
});
