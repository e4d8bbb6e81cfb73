// pnpm --filter @sessions/bench operate [--sessions N] [--callers C] [--bulk-writes worker|inline] [--json FILE]
// The operator's figures (issue 12), on SQLite over real HTTP against the production build:
// 1. sessions.validate p99 while the cleanup job runs in the API process (the data set's 10% of
//    sessions that ended long ago are due: 100k of 1M), next to its p99 with no job, same load;
// 2. GET /api/v1/sessions/export of every session: rows/s, and the API's RSS growth over idle.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createSessionsClient } from "@sessions/client";
import { BENCH_ADMIN, buildApi, startBenchApi } from "./http.js";
import { createKeepAliveFetch } from "./keep-alive-fetch.js";
import { summarize } from "./measure.js";
import { seedSqliteFile } from "./seed-file.js";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SESSIONS = Number(arg("--sessions") ?? 1_000_000);
const JSON_OUT = arg("--json");
const CALLERS = Number(arg("--callers") ?? 8);
/** The API's SQLITE_BULK_WRITES for the cleanup run: its batches on the writer thread or inline. */
const BULK_WRITES = arg("--bulk-writes") ?? "worker";
const log = (line: string) => console.log(line);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** validate calls from CALLERS keep-alive clients until `until()` is true; every latency in ms. */
async function validateUntil(url: string, key: string, tokens: string[], until: () => boolean) {
  const fetchImpl = createKeepAliveFetch(CALLERS);
  const clients = Array.from({ length: CALLERS }, () =>
    createSessionsClient({ url, apiKey: key, fetch: fetchImpl }),
  );
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (!until()) {
        const t0 = performance.now();
        const result = await client.sessions.validate.mutate({ token: tokens[next++ % tokens.length]! });
        if (result === null) failed++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const s = summarize(latencies, performance.now() - started);
  return {
    requests: s.iterations,
    p50Ms: s.medianUs / 1000,
    p99Ms: s.p99Us / 1000,
    rps: s.opsPerSec,
    failed,
  };
}

const dir = mkdtempSync(join(tmpdir(), "sessions-operate-"));
const file = join(dir, "bench.sqlite");
try {
  log(`operate bench: ${SESSIONS.toLocaleString("en-US")} sessions on SQLite (${file})`);
  let due = 0;
  const { key, tokens: liveTokens } = await seedSqliteFile({
    file,
    sessions: SESSIONS,
    scopes: ["sessions:issue", "sessions:read", "audit:read"],
    log,
    async beforeClose(service) {
      due = (await service.cleanupPreview()).sessions;
    },
  });
  log(`seeded; ${due.toLocaleString("en-US")} sessions due for cleanup`);
  buildApi();

  // 1. No job: the floor this run's machine gives, for as long as the job will take below.
  const calm = await startBenchApi({
    databaseFile: file,
    env: {
      PRUNE_INTERVAL: "off",
    },
  });
  await validateUntil(
    calm.url,
    key,
    liveTokens,
    (
      (end) => () =>
        performance.now() > end
    )(performance.now() + 2_000),
  );
  const noJob = await validateUntil(
    calm.url,
    key,
    liveTokens,
    (
      (end) => () =>
        performance.now() > end
    )(performance.now() + 15_000),
  );
  const idleRss = rssMiB(calm.child.pid!);
  // 2. Export every session while nothing else runs (after the no-job figure: its garbage must not
  // land in that window): rows/s and RSS growth over idle.
  let peak = idleRss;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(calm.child.pid!))), 50);
  const t0 = performance.now();
  const res = await fetch(`${calm.url}/api/v1/sessions/export?format=csv&status=all`, {
    headers: { authorization: `Bearer ${key}` },
  });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body!) {
    const buf = chunk as Uint8Array;
    bytes += buf.byteLength;
    for (const b of buf) if (b === 10) lines++;
  }
  const exportSeconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const exported = lines - 1;
  log(
    `export: ${exported.toLocaleString("en-US")} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${exportSeconds.toFixed(1)} s = ${Math.round(exported / exportSeconds).toLocaleString("en-US")} rows/s; API RSS ${idleRss.toFixed(0)} MiB idle, peak ${peak.toFixed(0)} MiB (+${(peak - idleRss).toFixed(0)} MiB, target ≤ 50)`,
  );

  await calm.stop();

  // 3. The cleanup job's run (cleanUp, what PRUNE_INTERVAL runs), started as "Clean up now" once the
  // API is warm, measured from its start until it answers.
  const busy = await startBenchApi({
    databaseFile: file,
    env: {
      PRUNE_INTERVAL: "off",
      SQLITE_BULK_WRITES: BULK_WRITES,
    },
  });
  await validateUntil(
    busy.url,
    key,
    liveTokens,
    (
      (end) => () =>
        performance.now() > end
    )(performance.now() + 2_000),
  );
  const login = await fetch(`${busy.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: busy.url },
    body: JSON.stringify({ json: BENCH_ADMIN }),
  });
  const cookie = login.headers.getSetCookie()[0]?.split(";")[0];
  if (!login.ok || !cookie) throw new Error(`admin sign-in failed: ${login.status} ${await login.text()}`);
  let done = false;
  let pruned: number | null = null;
  const jobStarted = performance.now();
  const job = fetch(`${busy.url}/trpc/maintenance.cleanUp`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: busy.url, cookie },
    body: "{}",
  })
    .then(async (r) => {
      const body = (await r.json()) as { result?: { data: { json: { sessions: number } } } };
      pruned = body.result?.data.json.sessions ?? null;
    })
    .finally(() => (done = true));
  const duringJob = await validateUntil(busy.url, key, liveTokens, () => done);
  const jobSeconds = (performance.now() - jobStarted) / 1000;
  await job;
  await busy.stop();
  const prunedCount = pruned as number | null;
  log(
    `validate p99, ${CALLERS} callers, bulk writes ${BULK_WRITES}: no job ${noJob.p99Ms.toFixed(2)} ms (${noJob.requests} calls); during the cleanup job ${duringJob.p99Ms.toFixed(2)} ms (${duringJob.requests} calls over ${jobSeconds.toFixed(1)} s, ${prunedCount} pruned); ratio ${(duringJob.p99Ms / noJob.p99Ms).toFixed(2)}× (target ≤ 2× and < 10 ms)`,
  );
  const result = {
    sessions: SESSIONS,
    due,
    export: {
      rows: exported,
      bytes,
      seconds: exportSeconds,
      rowsPerSec: exported / exportSeconds,
      idleRssMiB: idleRss,
      peakRssMiB: peak,
      growthMiB: peak - idleRss,
    },
    validate: {
      callers: CALLERS,
      bulkWrites: BULK_WRITES,
      noJob,
      duringJob,
      jobSeconds,
      pruned: prunedCount,
      ratio: duringJob.p99Ms / noJob.p99Ms,
    },
  };
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
