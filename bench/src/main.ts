// pnpm bench [--sessions N] [--dialect sqlite|postgres|both] [--json FILE] [--quick] [--no-http]
// Seeds N sessions (default 1,000,000) through the store's bulk path, times every service operation
// next to its raw-driver floor, drives sessions.validate over HTTP, prints tables and writes JSON.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createSessionsService } from "@sessions/core";
import { FULL_HTTP, loadMethod, QUICK_HTTP, runHttp, type HttpResult } from "./http.js";
import { FULL_PLAN, QUICK_PLAN } from "./measure.js";
import {
  checkTargets,
  httpTable,
  libraryVersions,
  machineInfo,
  table,
  targetsTable,
  type Report,
} from "./report.js";
import { runDialect, type OpResult, type SeedResult } from "./suite.js";
import { openPostgresTarget, openSqliteTarget, type DialectName, type Target } from "./targets.js";

const USAGE = `usage: pnpm bench [options]
  --sessions N        sessions to seed (default 1,000,000; 10 per user)
  --dialect D         sqlite | postgres | both (default sqlite; Postgres from BENCH_POSTGRES_URL)
  --json FILE         also write the results as JSON
  --quick             20,000 sessions and few iterations (the CI smoke test)
  --no-http           skip the HTTP part
  --http-fetch F      keep-alive (default: a minimal node:http fetch) | undici (Node's fetch) for the load
  --api-cpu-prof DIR  write a CPU profile of the API process into DIR
  --seed-only         seed, report the rate and stop (for profiling the bulk path)`;

export interface CliOptions {
  sessions: number;
  dialects: DialectName[];
  json: string | null;
  quick: boolean;
  http: boolean;
  seedOnly: boolean;
  httpFetch: "keep-alive" | "undici";
  apiCpuProf: string | null;
}

export function parseArgs(argv: string[]): CliOptions {
  const args = argv.filter((a) => a !== "--");
  let sessions: number | null = null;
  let dialect = "sqlite";
  let json: string | null = null;
  let quick = false;
  let http = true;
  let seedOnly = false;
  let httpFetch: "keep-alive" | "undici" = "keep-alive";
  let apiCpuProf: string | null = null;
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
  return {
    sessions: sessions ?? (quick ? 20_000 : 1_000_000),
    dialects,
    json,
    quick,
    http,
    seedOnly,
    httpFetch,
    apiCpuProf,
  };
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
  const progress = (line: string) => {
    if (interactive) {
      process.stderr.write(`\r\x1b[2K${line}`);
    } else if (line && (line.startsWith("seeding") ? Date.now() - lastProgress > 2000 : false)) {
      lastProgress = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const poolSize = options.quick ? 2_000 : 30_000;
  const versions = libraryVersions();
  const results: OpResult[] = [];
  const seeds: Record<string, SeedResult> = {};
  let http: HttpResult[] = [];
  let rssMiB: number | null = null;
  log(
    `Sessions benchmark: ${options.sessions.toLocaleString("en-US")} sessions, ${options.dialects.join(" + ")}${options.quick ? " (quick)" : ""}`,
  );

  for (const dialect of options.dialects) {
    const target: Target =
      dialect === "sqlite" ? await openSqliteTarget() : await openPostgresTarget(postgresUrl!);
    try {
      versions[dialect === "sqlite" ? "sqlite" : "postgresServer"] = await target.raw.version();
      const run = await runDialect(target, {
        sessions: options.sessions,
        plan,
        poolSize,
        log,
        progress,
        seedOnly: options.seedOnly,
      });
      results.push(...run.results);
      seeds[dialect] = run.seed;
      if (dialect === "sqlite" && options.http && target.file) {
        const service = createSessionsService({ store: target.store });
        const { key } = await service.createApiKey({ name: "bench", scopes: ["sessions:issue"] });
        await target.store.close();
        await target.close();
        const measured = await runHttp({
          databaseFile: target.file,
          apiKey: key,
          tokens: run.liveTokens,
          plan: options.quick ? QUICK_HTTP : FULL_HTTP,
          log,
          progress,
          fetch: options.httpFetch,
          apiNodeArgs: options.apiCpuProf ? ["--cpu-prof", `--cpu-prof-dir=${options.apiCpuProf}`] : [],
        });
        http = measured.http;
        rssMiB = measured.rssMiB;
      } else {
        await target.store.close();
        await target.close();
      }
    } finally {
      await target.destroy();
    }
  }

  const command = `pnpm bench ${process.argv
    .slice(2)
    .filter((a) => a !== "--")
    .join(" ")}`.trim();
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
      httpPlan: options.http ? (options.quick ? QUICK_HTTP : FULL_HTTP) : null,
    },
    results,
    http,
    httpLoadMethod: options.http ? loadMethod(options.httpFetch) : null,
    seed,
    rssMiB,
    targets: [],
  };
  report.targets = checkTargets(report);

  console.log(`\n${command}  (${report.durationSec.toFixed(0)} s)`);
  console.log(`machine: ${JSON.stringify(report.machine)}`);
  console.log(`versions: ${JSON.stringify(versions)}\n`);
  console.log(table(results));
  for (const s of Object.values(seeds)) {
    console.log(
      `\nseed ${s.dialect}: ${s.sessions} sessions + ${s.users} users in ${s.seconds.toFixed(1)} s = ${Math.round(s.rowsPerSec)} rows/s (store only ${Math.round(s.storeRowsPerSec)} rows/s${s.floorRowsPerSec ? `; raw floor ${Math.round(s.floorRowsPerSec)} rows/s, store ÷ floor ${s.ratioToFloor?.toFixed(2)}×` : ""})`,
    );
  }
  if (http.length > 0) {
    console.log(
      `\nHTTP sessions.validate (SQLite, loopback; ${loadMethod(options.httpFetch)})\n${httpTable(http)}`,
    );
    console.log(`API process peak RSS: ${rssMiB?.toFixed(1)} MiB`);
  }
  console.log(`\ntargets\n${targetsTable(report.targets)}`);
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
