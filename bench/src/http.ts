// The HTTP part: the real API process, started the way production starts it (apps/api built by its
// `build` script, then `node dist/main.js`) on loopback over the seeded SQLite file, and
// sessions.validate called by 1, 8 and 32 concurrent callers, each keeping one keep-alive connection
// busy (a caller sends its next request when the previous answer is in). Two load methods, measured
// in interleaved rounds so both see the same machine:
// - "client": a measured loop of our own callers, one typed packages/client per caller (tRPC
//   httpBatchLink + superjson): what an internal service runs, so its CPU cost is part of the figure;
// - "autocannon": the maintained load generator sending the same HTTP request (the bytes
//   httpBatchLink sends for one call: POST /trpc/sessions.validate?batch=1, the same headers, a
//   superjson body with the next token), its answers checked the same way, with far less CPU of its
//   own on the two cores the API shares with it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createSessionsClient } from "@sessions/client";
import autocannon from "autocannon";
import superjson from "superjson";
import { createKeepAliveFetch } from "./keep-alive-fetch.js";
import { median, summarize } from "./measure.js";
import { freePort } from "@sessions/api/testing";

export type FetchKind = "keep-alive" | "undici";

export type LoadKind = "client" | "autocannon";

export function loadMethod(kind: LoadKind, fetchKind: FetchKind): string {
  if (kind === "autocannon") {
    return "autocannon (maintained load generator, in the bench process): one keep-alive connection per caller, no pipelining, each sending the request @sessions/client sends for one sessions.validate (POST /trpc/sessions.validate?batch=1, superjson body, Bearer key) with the next token, answers checked for a session; on the same 2 cores as the API";
  }
  return `measured loop of our own callers: one @sessions/client (tRPC httpBatchLink + superjson) per caller, each awaiting its previous sessions.validate, over ${
    fetchKind === "keep-alive"
      ? "a minimal keep-alive node:http fetch (the client's fetch option)"
      : "Node's built-in fetch (undici, keep-alive)"
  }; run in the bench process, on the same 2 cores as the API`;
}

export interface HttpResult {
  concurrency: number;
  /** Which load generator produced this row (see loadMethod). */
  load: LoadKind;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  /** CPU time per request of the API process and of the load-generating (bench) process. */
  apiCpuUsPerRequest: number;
  clientCpuUsPerRequest: number;
  rounds: {
    rps: number;
    p50Ms: number;
    p99Ms: number;
    requests: number;
    apiCpuUs: number;
    clientCpuUs: number;
  }[];
}

interface Drive {
  latencies: number[];
  wallMs: number;
  failed: number;
}

export interface HttpPlan {
  warmupMs: number;
  roundMs: number;
  rounds: number;
  concurrency: number[];
}

export const FULL_HTTP: HttpPlan = { warmupMs: 1500, roundMs: 4000, rounds: 3, concurrency: [1, 8, 32] };
export const QUICK_HTTP: HttpPlan = { warmupMs: 200, roundMs: 300, rounds: 3, concurrency: [1, 8, 32] };

export const API_DIR = fileURLToPath(new URL("../../apps/api/", import.meta.url));

/** User + system CPU time of a process so far, in µs, from /proc (Linux). */
export function cpuTimeUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of stat; here counted from field 3 (state).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return NaN;
  }
}

/** Peak and current resident set of a process, from /proc (Linux). */
export function memoryOf(pid: number): { peakMiB: number; rssMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { peakMiB: kib("VmHWM") / 1024, rssMiB: kib("VmRSS") / 1024 };
  } catch {
    return null;
  }
}

export async function waitForHealth(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${stderr()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the API did not become healthy within 60 s:\n${stderr()}`);
}

/** Builds apps/api as `pnpm build` does (a fresh bundle of the current source; takes about a second). */
export function buildApi(): void {
  const built = spawnSync(process.execPath, ["--import", "tsx", "build.ts"], {
    cwd: API_DIR,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`building apps/api failed:\n${built.stderr}${built.stdout}`);
}

export async function runHttp(options: {
  databaseFile: string;
  apiKey: string;
  tokens: string[];
  plan: HttpPlan;
  log: (line: string) => void;
  progress: (line: string) => void;
  /** Extra node flags for the API process, e.g. ["--cpu-prof", "--cpu-prof-dir=DIR"]. */
  apiNodeArgs?: string[];
  /**
   * The API's entry, relative to apps/api, instead of the production build (which is then not
   * built): e.g. "src/main.ts" with apiNodeArgs ["--import", "tsx"], to compare with the sources.
   */
  apiEntry?: string;
  fetch?: FetchKind;
  /** Extra environment for the API process (experiments, e.g. LOG_LEVEL). */
  apiEnv?: Record<string, string>;
  /** Load generators to measure with (default both; "client" results are `http`). */
  loads?: LoadKind[];
  /** Also drive the bare HTTP floor (http-floor.ts) in the same rounds (default true). */
  floor?: boolean;
}): Promise<{
  http: HttpResult[];
  httpAutocannon: HttpResult[];
  /** The floor's rows, per load method and callers (`load` says which). */
  httpFloor: HttpResult[];
  rssMiB: number;
  rssAfterMiB: number;
}> {
  const { plan, tokens } = options;
  if (tokens.length === 0) throw new Error("no live tokens for the HTTP part");
  if (!options.apiEntry) buildApi();
  const api = await startBenchApi({
    databaseFile: options.databaseFile,
    env: { LOG_LEVEL: "info", ...options.apiEnv },
    nodeArgs: options.apiNodeArgs,
    entry: options.apiEntry,
  });
  const { url, child } = api;
  let floor: BenchServer | null = null;
  try {
    if (options.floor !== false) {
      floor = await startHttpFloor(options.databaseFile, options.apiKey);
      options.log(`HTTP floor started (pid ${floor.child.pid}) on ${floor.url}`);
    }
    options.log(`API started (pid ${child.pid}) on ${url} over ${options.databaseFile}`);
    const loads = options.loads ?? ["client", "autocannon"];
    const key = (load: LoadKind, c: number) => `${load} ${c}`;
    const rounds = new Map<string, HttpResult["rounds"]>();
    const errors = new Map<string, number>();
    let next = 0;
    const nextToken = () => tokens[next++ % tokens.length]!;

    async function driveClients(target: string, concurrency: number, ms: number): Promise<Drive> {
      const fetchImpl = options.fetch === "undici" ? undefined : createKeepAliveFetch(concurrency);
      const clients = Array.from({ length: concurrency }, () =>
        createSessionsClient({ url: target, apiKey: options.apiKey, fetch: fetchImpl }),
      );
      const latencies: number[] = [];
      let failed = 0;
      const started = performance.now();
      const deadline = started + ms;
      await Promise.all(
        clients.map(async (client) => {
          while (performance.now() < deadline) {
            const token = nextToken();
            const t0 = performance.now();
            try {
              const result = await client.sessions.validate.mutate({ token });
              if (result === null) failed++;
            } catch {
              failed++;
            }
            latencies.push(performance.now() - t0);
          }
        }),
      );
      return { latencies, wallMs: performance.now() - started, failed };
    }

    async function driveAutocannon(target: string, concurrency: number, ms: number): Promise<Drive> {
      const latencies: number[] = [];
      let failed = 0;
      const started = performance.now();
      const loadOptions: autocannon.Options = {
        url: `${target}/trpc/sessions.validate?batch=1`,
        method: "POST",
        connections: concurrency,
        pipelining: 1,
        duration: ms / 1000,
        headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
        requests: [
          {
            // The batch body httpBatchLink sends for one call: {"0": superjson(input)}.
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({ 0: superjson.serialize({ token: nextToken() }) }),
            }),
            // A valid session comes back as {"session": …}; null or an error is a failure.
            onResponse: (status, body) => {
              if (status !== 200 || !body.includes('"session"')) failed++;
            },
          },
        ],
      };
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(loadOptions, (error: unknown, r) =>
          error
            ? reject(error instanceof Error ? error : new Error("autocannon failed", { cause: error }))
            : resolve(r),
        );
        // autocannon emits (client, statusCode, bytes, responseTime ms); @types/autocannon omits client.
        instance.on("response", (...args: unknown[]) => {
          const responseTime = args[3];
          if (typeof responseTime === "number") latencies.push(responseTime);
        });
      });
      failed += result.errors + result.timeouts;
      return { latencies, wallMs: performance.now() - started, failed };
    }

    const drive = (load: LoadKind, target: string, concurrency: number, ms: number) =>
      load === "client" ? driveClients(target, concurrency, ms) : driveAutocannon(target, concurrency, ms);

    /** One measured round of `load` at `c` callers against `target`, recorded under `name`. */
    async function measure(name: string, pid: number, load: LoadKind, target: string, c: number) {
      const cpu0 = cpuTimeUs(pid);
      const client0 = process.cpuUsage();
      const run = await drive(load, target, c, plan.roundMs);
      const clientCpu = process.cpuUsage(client0);
      const serverCpu = cpuTimeUs(pid) - cpu0;
      const s = summarize(run.latencies, run.wallMs);
      const list = rounds.get(name) ?? [];
      list.push({
        rps: s.opsPerSec,
        p50Ms: s.medianUs / 1000,
        p99Ms: s.p99Us / 1000,
        requests: s.iterations,
        apiCpuUs: serverCpu / s.iterations,
        clientCpuUs: (clientCpu.user + clientCpu.system) / s.iterations,
      });
      rounds.set(name, list);
      errors.set(name, (errors.get(name) ?? 0) + run.failed);
    }

    for (const c of plan.concurrency) {
      for (const load of loads) {
        options.progress(`HTTP warm-up, ${c} callers, ${load}`);
        await drive(load, url, c, plan.warmupMs);
        if (floor) await drive(load, floor.url, c, plan.warmupMs);
      }
    }
    // Each round measures the API and then the floor at the same callers and load, back to back,
    // so a ratio of the two compares what the machine let each do within seconds of the other.
    for (let round = 1; round <= plan.rounds; round++) {
      for (const c of plan.concurrency) {
        for (const load of loads) {
          options.progress(`HTTP round ${round}/${plan.rounds}, ${c} callers, ${load}`);
          await measure(key(load, c), child.pid!, load, url, c);
          if (floor) await measure(`floor ${key(load, c)}`, floor.child.pid!, load, floor.url, c);
        }
      }
    }
    options.progress("");
    const resultsOf = (load: LoadKind, prefix = ""): HttpResult[] =>
      loads.includes(load)
        ? plan.concurrency.map((c) => {
            const r = rounds.get(`${prefix}${key(load, c)}`)!;
            return {
              concurrency: c,
              load,
              rps: median(r.map((x) => x.rps)),
              p50Ms: median(r.map((x) => x.p50Ms)),
              p99Ms: median(r.map((x) => x.p99Ms)),
              requests: r.reduce((sum, x) => sum + x.requests, 0),
              errors: errors.get(`${prefix}${key(load, c)}`)!,
              apiCpuUsPerRequest: median(r.map((x) => x.apiCpuUs)),
              clientCpuUsPerRequest: median(r.map((x) => x.clientCpuUs)),
              rounds: r,
            };
          })
        : [];
    const memory = memoryOf(child.pid!);
    return {
      http: resultsOf("client"),
      httpAutocannon: resultsOf("autocannon"),
      httpFloor: floor ? loads.flatMap((load) => resultsOf(load, "floor ")) : [],
      rssMiB: memory?.peakMiB ?? NaN,
      rssAfterMiB: memory?.rssMiB ?? NaN,
    };
  } finally {
    await floor?.stop();
    await api.stop();
  }
}

/** The first admin every bench API process starts with (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const BENCH_ADMIN = { email: "bench-admin@example.com", password: "bench-admin-password" };

/** A server process the bench started: its URL, and stop() (SIGTERM, then SIGKILL after 10 s). */
export interface BenchServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
}

/** Starts http-floor.ts over the seeded file on a free port, and waits until it listens. */
export async function startHttpFloor(databaseFile: string, apiKey: string): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./http-floor.ts", import.meta.url))],
    {
      env: { ...process.env, FLOOR_DATABASE: databaseFile, FLOOR_API_KEY: apiKey, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-5_000)));
  const stop = stopper(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the HTTP floor did not start:\n${stderr}`)), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the HTTP floor exited with ${code}:\n${stderr}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, child, stop };
}

export interface BenchApi {
  url: string;
  child: ChildProcess;
  /** The last 20 kB the process wrote to stderr. */
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts the API as production runs it (the build in apps/api/dist unless `entry` names another
 * file) over a SQLite file, on a free port, and waits until it is healthy.
 */
export async function startBenchApi(options: {
  /** A SQLite file, or with databaseUrl unset ignored. */
  databaseFile: string;
  /** Another DATABASE_URL (Postgres) instead of the file. */
  databaseUrl?: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  entry?: string;
}): Promise<BenchApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? "dist/main.js"], {
    cwd: API_DIR,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: options.databaseUrl ?? `file:${options.databaseFile}`,
      LOG_LEVEL: "warn",
      ADMIN_EMAIL: BENCH_ADMIN.email,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      CONSOLE_DIR: join(tmpdir(), "sessions-bench-no-console"),
      ...options.env,
    },
    // Request log lines go where a supervisor would take them; only errors are kept.
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const stop = stopper(child);
  try {
    await waitForHealth(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, stderr: () => stderr, stop };
}
