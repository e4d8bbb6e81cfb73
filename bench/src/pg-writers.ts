// pnpm --filter @sessions/bench pg-writers [--users N] [--seconds S] [--rounds R]
// Issue 15: createSession throughput on Postgres from 1, 4, 16 and 32 concurrent callers (one
// service, a pool of 32), with the maintained counters in one row per key (counterShards 1, as
// before sharding) and sharded (the default), in interleaved rounds on one database, so both
// see the same machine. Needs BENCH_POSTGRES_URL (a server; a database of its own is made and dropped).
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createSessionsService, openPostgresStore, type SessionsService } from "@sessions/core";
import postgres from "postgres";
import { median } from "./measure.js";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const USERS = Number(arg("--users") ?? 2000);
const SECONDS = Number(arg("--seconds") ?? 3);
const ROUNDS = Number(arg("--rounds") ?? 3);
const CALLERS = [1, 4, 16, 32];
const UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

const base = process.env.BENCH_POSTGRES_URL;
if (!base)
  throw new Error("set BENCH_POSTGRES_URL=postgres://user@host:port/db (a server to make a database on)");
const admin = postgres(base, { max: 1, onnotice: () => {} });
const database = `bench_writers_${Date.now()}`;
await admin.unsafe(`create database ${database}`);
const url = new URL(`/${database}`, base).toString();
try {
  const oneRow = await openPostgresStore(url, { max: 32, counterShards: 1 });
  const sharded = await openPostgresStore(url, { max: 32 });
  const variants: [string, SessionsService][] = [
    ["one row per key", createSessionsService({ store: oneRow })],
    ["sharded", createSessionsService({ store: sharded })],
  ];
  const users: string[] = [];
  for (let i = 0; i < USERS; i++)
    users.push((await variants[1]![1].createUser({ email: `w${i}@bench.test` })).id);

  /** Creates per second from `callers` loops, each awaiting its previous create, for `ms`. */
  async function drive(service: SessionsService, callers: number, ms: number): Promise<number> {
    let made = 0;
    const cpuBefore = cpuTicks();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async (_, c) => {
        for (let i = c; performance.now() - started < ms; i += callers) {
          await service.createSession({ userId: users[i % users.length]!, userAgent: UA });
          made += 1;
        }
      }),
    );
    const rate = (made / (performance.now() - started)) * 1000;
    const cpu = cpuTicks();
    if (cpu && cpuBefore) {
      // Clock ticks are 1/100 s on Linux: µs per create = ticks × 10,000 / creates.
      const per = (a: number, b: number) => `${(((a - b) * 10_000) / made).toFixed(0)} µs`;
      console.log(
        `  cpu per create: client ${per(cpu.self, cpuBefore.self)}, server ${per(cpu.server, cpuBefore.server)}`,
      );
    }
    return rate;
  }
  for (const [, service] of variants) await drive(service, 8, 1500);
  const results = new Map<string, number[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const callers of CALLERS) {
      for (const [name, service] of variants) {
        const rate = await drive(service, callers, SECONDS * 1000);
        results.set(`${name}|${callers}`, [...(results.get(`${name}|${callers}`) ?? []), rate]);
        console.log(`round ${round}: ${name}, ${callers} callers: ${rate.toFixed(0)} creates/s`);
      }
    }
  }
  console.log(`\n| callers | one row per key (creates/s) | sharded (creates/s) | sharded ÷ one row |`);
  console.log(`| ---: | ---: | ---: | ---: |`);
  for (const callers of CALLERS) {
    const one = median(results.get(`one row per key|${callers}`)!);
    const many = median(results.get(`sharded|${callers}`)!);
    console.log(`| ${callers} | ${one.toFixed(0)} | ${many.toFixed(0)} | ${(many / one).toFixed(2)}× |`);
  }
  await oneRow.close();
  await sharded.close();
} finally {
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
}

/**
 * CPU time (clock ticks) of this process and of every local `postgres` process, from /proc: where a
 * create's cost goes when client and server share the machine. Null where there is no /proc.
 */
function cpuTicks(): { self: number; server: number } | null {
  const ticksOf = (pid: string) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  };
  try {
    let server = 0;
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres")) server += ticksOf(pid);
      } catch {
        // The process ended while being read.
      }
    }
    return { self: ticksOf("self"), server };
  } catch {
    return null;
  }
}
