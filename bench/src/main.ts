// pnpm bench [--sessions N] [--dialect sqlite|postgres|both] [--json FILE] [--quick] [--no-http] [--db FILE --only http]
// Seeds N sessions (default 1,000,000) through the store's bulk path, times every service operation
// next to its raw-driver floor, drives sessions.validate over HTTP, prints tables and writes JSON.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createSessionsService } from "@sessions/core";
import { FULL_HTTP, loadMethod, QUICK_HTTP, runHttp, type HttpResult, type LoadKind } from "./http.js";
import { FULL_PLAN, QUICK_PLAN } from "./measure.js";
import {
  checkTargets,
  httpFloorTable,
  instancesTable,
  httpTable,
  libraryVersions,
  machineInfo,
  table,
  targetsTable,
  webhookDeliveryTable,
  type Report,
} from "./report.js";
import { FULL_INSTANCES, QUICK_INSTANCES, runInstances, type InstancesResult } from "./instances.js";
import { runDialect, type OpResult, type SeedResult } from "./suite.js";
import type { WebhookDeliveryResult } from "./webhooks.js";
import { openPostgresTarget, openSqliteTarget, type DialectName, type Target } from "./targets.js";

const USAGE = `usage: pnpm bench [options]
  --sessions N        sessions to seed (default 1,000,000; 10 per user)
  --dialect D         sqlite | postgres | both (default sqlite; Postgres from BENCH_POSTGRES_URL)
  --json FILE         also write the results as JSON
  --quick             20,000 sessions and few iterations (the CI smoke test)
  --no-http           skip the HTTP part
  --http-load L       client (typed @sessions/client loop) | autocannon | both (default; interleaved)
  --http-fetch F      keep-alive (default: a minimal node:http fetch) | undici (Node's fetch) for the clients
  --api-cpu-prof DIR  write a CPU profile of the API process into DIR
  --seed-only         seed, report the rate and stop (for profiling the bulk path)
  --db FILE           SQLite: seed into FILE and keep it (with FILE.bench.json: its live tokens), or,
                      with --only http, reuse FILE when it was seeded with the same --sessions
  --only http         skip timing the service operations: seed (or reuse --db) and run the HTTP part
  --http-callers LIST concurrent callers of the HTTP part (default 1,8,32)
  --api-node-flags F  extra node flags for the API process, space-separated (e.g. V8 heap settings)
  --instances N       instead of the suite: N production API processes on one Postgres (needs
                      --dialect postgres), driven round-robin: throughput over 1 and N, revocation
                      honesty, live events across instances, sign-in limits (src/instances.ts)
  --api-entry FILE    start the API from FILE (relative to apps/api) instead of building it and running
                      dist/main.js, e.g. --api-entry src/main.ts --api-node-flags "--import tsx"`;

export interface CliOptions {
  sessions: number;
  dialects: DialectName[];
  json: string | null;
  quick: boolean;
  http: boolean;
  httpLoads: LoadKind[];
  seedOnly: boolean;
  httpFetch: "keep-alive" | "undici";
  apiCpuProf: string | null;
  db: string | null;
  only: "http" | null;
  httpCallers: number[] | null;
  apiNodeFlags: string[];
  apiEntry: string | null;
  instances: number | null;
}

export function parseArgs(argv: string[]): CliOptions {
  const args = argv.filter((a) => a !== "--");
  let sessions: number | null = null;
  let dialect = "sqlite";
  let json: string | null = null;
  let quick = false;
  let http = true;
  let httpLoads: LoadKind[] = ["client", "autocannon"];
  let seedOnly = false;
  let httpFetch: "keep-alive" | "undici" = "keep-alive";
  let apiCpuProf: string | null = null;
  let db: string | null = null;
  let only: "http" | null = null;
  let httpCallers: number[] | null = null;
  let apiNodeFlags: string[] = [];
  let apiEntry: string | null = null;
  let instances: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--sessions": {
        const n = Number(value().replace(/[_,]/g, ""));
        if (!Number.isInteger(n) || n < 1000)
          throw new Error(`--sessions must be a whole number ≥ 1000\n${USAGE}`);
        sessions = n;
        break;
      }
      case "--dialect":
        dialect = value();
        if (!["sqlite", "postgres", "both"].includes(dialect))
          throw new Error(`--dialect must be sqlite, postgres or both\n${USAGE}`);
        break;
      case "--json":
        json = resolve(process.env.INIT_CWD ?? process.cwd(), value());
        break;
      case "--quick":
        quick = true;
        break;
      case "--no-http":
        http = false;
        break;
      case "--http-load": {
        const v = value();
        if (v !== "client" && v !== "autocannon" && v !== "both")
          throw new Error(`--http-load must be client, autocannon or both\n${USAGE}`);
        httpLoads = v === "both" ? ["client", "autocannon"] : [v];
        break;
      }
      case "--http-fetch": {
        const v = value();
        if (v !== "keep-alive" && v !== "undici")
          throw new Error(`--http-fetch must be keep-alive or undici\n${USAGE}`);
        httpFetch = v;
        break;
      }
      case "--api-cpu-prof":
        apiCpuProf = resolve(process.env.INIT_CWD ?? process.cwd(), value());
        break;
      case "--db":
        db = resolve(process.env.INIT_CWD ?? process.cwd(), value());
        break;
      case "--only":
        if (value() !== "http") throw new Error(`--only takes http\n${USAGE}`);
        only = "http";
        break;
      case "--http-callers": {
        const list = value()
          .split(",")
          .map((x) => Number(x.trim()));
        if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1))
          throw new Error(`--http-callers takes whole numbers, e.g. 1,8,32\n${USAGE}`);
        httpCallers = list;
        break;
      }
      case "--instances": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 8)
          throw new Error(`--instances takes a whole number from 1 to 8\n${USAGE}`);
        instances = n;
        break;
      }
      case "--api-entry":
        apiEntry = value();
        break;
      case "--api-node-flags":
        apiNodeFlags = value().split(/\s+/).filter(Boolean);
        break;
      case "--seed-only":
        seedOnly = true;
        http = false;
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  const dialects: DialectName[] = dialect === "both" ? ["sqlite", "postgres"] : [dialect as DialectName];
  if (instances !== null && dialect !== "postgres")
    throw new Error(`--instances runs API processes on one Postgres: add --dialect postgres\n${USAGE}`);
  return {
    sessions: sessions ?? (quick ? 20_000 : 1_000_000),
    dialects,
    json,
    quick,
    http,
    httpLoads,
    seedOnly,
    httpFetch,
    apiCpuProf,
    db,
    only,
    httpCallers,
    apiNodeFlags,
    apiEntry,
    instances,
  };
}

/** What `--db FILE` keeps next to the database, so `--only http` can reuse it without seeding. */
interface KeptDatabase {
  sessions: number;
  seed: SeedResult;
  liveTokens: string[];
}

const keptFile = (db: string) => `${db}.bench.json`;

function readKeptDatabase(db: string, sessions: number): KeptDatabase | null {
  if (!existsSync(db) || !existsSync(keptFile(db))) return null;
  const kept = JSON.parse(readFileSync(keptFile(db), "utf8")) as KeptDatabase;
  return kept.sessions === sessions && kept.liveTokens.length > 0 ? kept : null;
}

function removeDatabase(db: string): void {
  for (const suffix of ["", "-wal", "-shm", ".bench.json"]) rmSync(`${db}${suffix}`, { force: true });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const postgresUrl = process.env.BENCH_POSTGRES_URL;
  if (options.dialects.includes("postgres") && !postgresUrl) {
    throw new Error(
      "--dialect postgres|both needs BENCH_POSTGRES_URL (a server where the bench may create a scratch database)",
    );
  }
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const interactive = process.stderr.isTTY === true;
  let lastProgress = 0;
  let lastLine = "";
  // Off a terminal (a log file, CI) every new step is a line with the time since the start, so a
  // long run shows which step it is in and how long each took; seeding's counter every 2 s.
  const progress = (line: string) => {
    if (interactive) {
      process.stderr.write(`\r\x1b[2K${line}`);
      return;
    }
    if (!line || line === lastLine) return;
    const seeding = line.startsWith("seeding") && !line.endsWith("building indexes");
    if (seeding && Date.now() - lastProgress < 2000) return;
    lastProgress = Date.now();
    lastLine = line;
    process.stderr.write(`[+${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
  };
  if (options.instances !== null) {
    await instancesMain(options, postgresUrl!, started, log, progress);
    return;
  }
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const poolSize = options.quick ? 2_000 : 30_000;
  const versions = libraryVersions();
  const results: OpResult[] = [];
  const seeds: Record<string, SeedResult> = {};
  const webhookDelivery: WebhookDeliveryResult[] = [];
  let http: HttpResult[] = [];
  let httpAutocannon: HttpResult[] = [];
  let httpFloor: HttpResult[] = [];
  let rssMiB: number | null = null;
  log(
    `Sessions benchmark: ${options.sessions.toLocaleString("en-US")} sessions, ${options.dialects.join(" + ")}${options.quick ? " (quick)" : ""}`,
  );

  const basePlan = options.quick ? QUICK_HTTP : FULL_HTTP;
  const httpPlan = options.httpCallers ? { ...basePlan, concurrency: options.httpCallers } : basePlan;

  const command = `pnpm bench ${process.argv
    .slice(2)
    .filter((a) => a !== "--")
    .join(" ")}`.trim();
  /** The report as far as the run has got; `partial` while parts of it are still to run. */
  const buildReport = (partial: boolean): Report & { partial?: true } => {
    const seed = { rowsPerSec: (seeds.sqlite ?? seeds.postgres)?.rowsPerSec ?? NaN, byDialect: seeds };
    const report: Report = {
      command,
      startedAt: new Date(started).toISOString(),
      durationSec: (Date.now() - started) / 1000,
      machine: machineInfo(),
      versions,
      options: {
        ...options,
        timing: plan,
        httpPlan: options.http ? httpPlan : null,
      },
      results,
      http,
      httpLoadMethod: options.http && http.length > 0 ? loadMethod("client", options.httpFetch) : null,
      httpAutocannon,
      httpFloor,
      httpAutocannonLoadMethod:
        options.http && httpAutocannon.length > 0 ? loadMethod("autocannon", options.httpFetch) : null,
      seed,
      rssMiB,
      webhookDelivery,
      targets: [],
    };
    report.targets = checkTargets(report);
    return partial ? { ...report, partial: true } : report;
  };
  /**
   * Writes what is measured so far: after each dialect's timed rounds and at the end, so a long run
   * stopped later (a 10M run's HTTP part, a killed process) keeps the figures it already has.
   */
  const writeJson = (partial: boolean) => {
    if (!options.json) return;
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(buildReport(partial), null, 2)}\n`);
    log(`${partial ? "wrote (partial) " : "\nwrote "}${options.json}`);
  };

  for (const dialect of options.dialects) {
    const keepDb = dialect === "sqlite" ? options.db : null;
    const kept = keepDb && options.only === "http" ? readKeptDatabase(keepDb, options.sessions) : null;
    if (keepDb && !kept) removeDatabase(keepDb);
    const target: Target =
      dialect === "sqlite"
        ? await openSqliteTarget({ file: keepDb ?? undefined })
        : await openPostgresTarget(postgresUrl!);
    try {
      versions[dialect === "sqlite" ? "sqlite" : "postgresServer"] = await target.raw.version();
      let run: {
        results: OpResult[];
        seed: SeedResult;
        liveTokens: string[];
        webhookDelivery?: WebhookDeliveryResult;
      };
      if (kept) {
        // Some "fresh" sessions were created nearly a lifetime before the seed and expire as the
        // kept database ages: keep the tokens that stay valid for the run.
        const service = createSessionsService({ store: target.store });
        const validUntil = Date.now() + 3_600_000;
        const liveTokens: string[] = [];
        for (const token of kept.liveTokens) {
          const validated = await service.validateSession(token);
          if (validated && validated.session.expiresAt.getTime() > validUntil) liveTokens.push(token);
        }
        log(
          `reusing ${keepDb} (${kept.sessions.toLocaleString("en-US")} sessions, seeded earlier; ${liveTokens.length} of ${kept.liveTokens.length} tokens still live)`,
        );
        run = { results: [], seed: kept.seed, liveTokens };
      } else {
        run = await runDialect(target, {
          sessions: options.sessions,
          plan,
          poolSize,
          log,
          progress,
          seedOnly: options.seedOnly,
          skipOperations: options.only === "http",
          webhookMessages: options.quick ? 1_000 : 5_000,
        });
        if (keepDb && !options.seedOnly) {
          const record: KeptDatabase = {
            sessions: options.sessions,
            seed: run.seed,
            liveTokens: run.liveTokens,
          };
          writeFileSync(keptFile(keepDb), JSON.stringify(record));
        }
      }
      results.push(...run.results);
      if (run.webhookDelivery) webhookDelivery.push(run.webhookDelivery);
      seeds[dialect] = run.seed;
      writeJson(true);
      if (dialect === "sqlite" && options.http && target.file) {
        const service = createSessionsService({ store: target.store });
        const { key } = await service.createApiKey({ name: "bench", scopes: ["sessions:issue"] });
        await target.store.close();
        await target.close();
        const measured = await runHttp({
          databaseFile: target.file,
          apiKey: key,
          tokens: run.liveTokens,
          plan: httpPlan,
          log,
          progress,
          fetch: options.httpFetch,
          loads: options.httpLoads,
          apiEntry: options.apiEntry ?? undefined,
          apiNodeArgs: [
            ...options.apiNodeFlags,
            ...(options.apiCpuProf ? ["--cpu-prof", `--cpu-prof-dir=${options.apiCpuProf}`] : []),
          ],
        });
        http = measured.http;
        httpAutocannon = measured.httpAutocannon;
        httpFloor = measured.httpFloor;
        rssMiB = measured.rssMiB;
      } else {
        await target.store.close();
        await target.close();
      }
    } finally {
      await target.destroy();
    }
  }

  const report = buildReport(false);

  console.log(`\n${command}  (${report.durationSec.toFixed(0)} s)`);
  console.log(`machine: ${JSON.stringify(report.machine)}`);
  console.log(`versions: ${JSON.stringify(versions)}\n`);
  console.log(table(results));
  for (const s of Object.values(seeds)) {
    console.log(
      `\nseed ${s.dialect}: ${s.sessions} sessions + ${s.users} users in ${s.seconds.toFixed(1)} s = ${Math.round(s.rowsPerSec)} rows/s (store only ${Math.round(s.storeRowsPerSec)} rows/s${s.floorRowsPerSec ? `; raw floor ${Math.round(s.floorRowsPerSec)} rows/s, store ÷ floor ${s.ratioToFloor?.toFixed(2)}×` : ""})`,
    );
  }
  for (const [load, rows] of [
    ["client", http],
    ["autocannon", httpAutocannon],
  ] as const) {
    if (rows.length === 0) continue;
    console.log(
      `\nHTTP sessions.validate (SQLite, loopback; ${loadMethod(load, options.httpFetch)})\n${httpTable(rows)}`,
    );
  }
  if (httpFloor.length > 0)
    console.log(
      `\nHTTP floor (bare node:http + one prepared statement, same rounds; see src/http-floor.ts)\n${httpFloorTable(httpFloor, [...http, ...httpAutocannon])}`,
    );
  if (http.length + httpAutocannon.length > 0)
    console.log(`\nAPI process peak RSS: ${rssMiB?.toFixed(1)} MiB`);
  if (webhookDelivery.length > 0) console.log(`\n${webhookDeliveryTable(webhookDelivery)}`);
  console.log(`\ntargets\n${targetsTable(report.targets)}`);
  writeJson(false);
}

/** --instances: the multi-instance harness on a Postgres scratch database, its tables and JSON. */
async function instancesMain(
  options: CliOptions,
  postgresUrl: string,
  started: number,
  log: (line: string) => void,
  progress: (line: string) => void,
): Promise<void> {
  const sessions = options.sessions;
  log(
    `Sessions multi-instance benchmark: ${options.instances} instances, ${sessions.toLocaleString("en-US")} sessions, Postgres`,
  );
  const target = await openPostgresTarget(postgresUrl);
  let result: InstancesResult;
  const postgresServer = await target.raw.version();
  try {
    result = await runInstances(target, {
      instances: options.instances!,
      sessions,
      plan: options.quick ? QUICK_INSTANCES : FULL_INSTANCES,
      log,
      progress,
    });
  } finally {
    await target.store.close();
    await target.close();
    await target.destroy();
  }
  const command = `pnpm bench ${process.argv
    .slice(2)
    .filter((a) => a !== "--")
    .join(" ")}`.trim();
  const report = {
    command,
    startedAt: new Date(started).toISOString(),
    durationSec: (Date.now() - started) / 1000,
    machine: machineInfo(),
    versions: { ...libraryVersions(), postgresServer },
    instances: result,
  };
  console.log(`\n${command}  (${report.durationSec.toFixed(0)} s)`);
  console.log(`machine: ${JSON.stringify(report.machine)}\n`);
  console.log(instancesTable(result));
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`\nwrote ${options.json}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
