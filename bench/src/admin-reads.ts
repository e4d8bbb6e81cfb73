// pnpm --filter @sessions/bench admin-reads [--sessions N] [--json FILE] [--keep DIR]
// What an admin's reads cost everyone else (issue 16), on SQLite over real HTTP against the
// production build: for every filter the console offers, the "N matching" count and a bulk revoke's
// dry run as the admin sees them, and sessions.validate p99 while one admin repeats that count,
// next to validate p99 with no admin at all (the floor, same run).
//
// Validations are open-loop: one is due every ARRIVAL_MS whatever happens, and each latency counts
// from when it was due. Calls timed back to back would hide a stall: a caller blocked for 3 s sends
// one slow call instead of the thousand the services behind it would have sent.
//
// Last, the same open-loop validations while an admin revokes ~10% of the sessions with one
// revokeMany (issue 11: validate p99 during a 100k revocation), on a copy of the file so a kept
// data set stays as seeded; --no-revoke skips it.
//
// --keep DIR seeds once into DIR and reuses it on later runs (the data set, its tokens and key).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { SessionFilter } from "@sessions/core";
import { createSessionsClient } from "@sessions/client";
import { buildApi, startBenchApi } from "./http.js";
import { createKeepAliveFetch } from "./keep-alive-fetch.js";
import { median, summarize } from "./measure.js";
import { seedSqliteFile } from "./seed-file.js";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SESSIONS = Number(arg("--sessions") ?? 1_000_000);
const JSON_OUT = arg("--json");
const KEEP = arg("--keep");
/** The API's SQLITE_READ_WORKERS: 0 measures the admin reads on the main connection. */
const READ_WORKERS = arg("--read-workers");
/**
 * The API's SQLITE_BULK_WRITES for the revokeMany phase: "inline,worker" runs it once with each,
 * in this order, on fresh copies of the file (the same run's figure without the bulk writer).
 */
const BULK_WRITES = (arg("--bulk-writes") ?? "worker").split(",");
/** Another build of the API to run (e.g. one of an earlier commit, for a before figure). */
const ENTRY = arg("--entry");
const WINDOW_MS = Number(arg("--window-ms") ?? 6_000);
const ARRIVAL_MS = 4;
/** --filters "gmail,status all": only the filters whose names contain one of these. */
const ONLY = arg("--filters")?.split(",");
const log = (line: string) => console.log(line);
const DAY = 86_400_000;

type Admin = ReturnType<typeof createSessionsClient>;

/** One streamed dry run to its "done": how long, how many events, the longest wait between two. */
function streamedPreview(admin: Admin, filter: SessionFilter) {
  return new Promise<{ ms: number; events: number; maxGapMs: number; matched: number }>((resolve, reject) => {
    const t0 = performance.now();
    let last = t0;
    let maxGapMs = 0;
    let events = 0;
    const subscription = admin.sessions.previewRevoke.subscribe(
      { filter },
      {
        onData: (event) => {
          const at = performance.now();
          maxGapMs = Math.max(maxGapMs, at - last);
          last = at;
          events++;
          if (event.type !== "done") return;
          subscription.unsubscribe();
          resolve({ ms: at - t0, events, maxGapMs, matched: event.matched });
        },
        onError: reject,
      },
    );
  });
}

/** Every filter the console's sessions page offers, at the selectivities an admin meets. */
const FILTERS: { name: string; filter: SessionFilter }[] = [
  { name: "email, one person", filter: { email: "olivia.smith" } },
  { name: "email, a domain (gmail)", filter: { email: "gmail" } },
  { name: "email, mid (acme.io)", filter: { email: "acme.io" } },
  { name: "browser Chrome", filter: { browser: "Chrome" } },
  { name: "browser Firefox", filter: { browser: "Firefox" } },
  { name: "os Windows", filter: { os: "Windows" } },
  { name: "browser Chrome + os Windows", filter: { browser: "Chrome", os: "Windows" } },
  { name: "status all", filter: { status: "all" } },
  { name: "status expired", filter: { status: "expired" } },
  { name: "status revoked", filter: { status: "revoked" } },
  { name: "created in the last 7 days", filter: { createdFrom: new Date(Date.now() - 7 * DAY) } },
];

interface Prepared {
  file: string;
  key: string;
  tokens: string[];
  /** When the data set was generated (its sessions were created over the 60 days before). */
  seededAt?: number;
}

async function prepare(dir: string): Promise<Prepared> {
  const file = join(dir, "bench.sqlite");
  const meta = join(dir, "bench.json");
  if (existsSync(meta) && existsSync(file)) {
    const kept = JSON.parse(readFileSync(meta, "utf8")) as Prepared & { sessions: number };
    if (kept.sessions === SESSIONS) {
      log(`reusing ${file}`);
      return kept;
    }
  }
  rmSync(file, { force: true });
  const seededAt = Date.now();
  const { key, tokens } = await seedSqliteFile({
    file,
    sessions: SESSIONS,
    scopes: ["sessions:issue", "sessions:read", "sessions:revoke"],
    log,
  });
  const prepared = { file, key, tokens, seededAt };
  writeFileSync(meta, JSON.stringify({ ...prepared, sessions: SESSIONS }));
  return prepared;
}

/**
 * Open-loop validations until `until()`: latencies in ms from each call's due time. Through the REST
 * route, one call per request: the typed client would batch the calls a stall piles up.
 */
async function validations(url: string, p: Prepared, until: () => boolean) {
  const fetchImpl = createKeepAliveFetch(64);
  const headers = { authorization: `Bearer ${p.key}`, "content-type": "application/json" };
  const latencies: number[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let next = 0;
  let due = started;
  while (!until()) {
    const now = performance.now();
    while (due <= now) {
      const dueAt = due;
      const body = JSON.stringify({ token: p.tokens[next++ % p.tokens.length]! });
      const call: Promise<void> = fetchImpl(`${url}/api/v1/sessions/validate`, {
        method: "POST",
        headers,
        body,
      })
        .then(
          (res) => {
            if (!res.ok) failed++;
            latencies.push(performance.now() - dueAt);
          },
          // Refused or reset (a server overwhelmed drops requests that waited too long): a failure,
          // counted, its latency the time until it failed.
          () => {
            failed++;
            latencies.push(performance.now() - dueAt);
          },
        )
        .finally(() => inFlight.delete(call));
      inFlight.add(call);
      due += ARRIVAL_MS;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  const s = summarize(latencies, performance.now() - started);
  return {
    failed,
    requests: s.iterations,
    p50Ms: s.medianUs / 1000,
    p99Ms: s.p99Us / 1000,
    maxMs: Math.max(...latencies),
  };
}

/**
 * validate p99 while one revokeMany ends the oldest ~10% of the sessions (8 of the data set's 60
 * days of creations, ~100k of 1M), next to the same API's p99 just before; on a copy of the file.
 */
async function revokeMany(p: Prepared, timeFor: (ms: number) => () => boolean, bulkWrites: string) {
  const copy = join(dir, "revoke.sqlite");
  copyFileSync(p.file, copy);
  const api = await startBenchApi({
    databaseFile: copy,
    entry: ENTRY,
    env: {
      PRUNE_INTERVAL: "off",
      SQLITE_BULK_WRITES: bulkWrites,
      ...(READ_WORKERS === undefined ? {} : { SQLITE_READ_WORKERS: READ_WORKERS }),
    },
  });
  try {
    const admin = createSessionsClient({ url: api.url, apiKey: p.key, fetch: createKeepAliveFetch(2) });
    const oldest = (p.seededAt ?? Date.now()) - 60 * DAY;
    const filter: SessionFilter = { status: "active", createdTo: new Date(oldest + 8 * DAY) };
    const { matched } = await admin.sessions.revokeMany.mutate({ filter, dryRun: true });
    await validations(api.url, p, timeFor(2_000));
    const before = await validations(api.url, p, timeFor(WINDOW_MS));
    let done = false;
    const started = performance.now();
    const job = admin.sessions.revokeMany
      .mutate({ filter, dryRun: false, reason: "bench" })
      .finally(() => (done = true));
    const during = await validations(api.url, p, () => done);
    const { revoked } = await job;
    const seconds = (performance.now() - started) / 1000;
    log(
      `[bulk writes ${bulkWrites}] revokeMany of ${revoked.toLocaleString("en-US")} (${matched.toLocaleString("en-US")} matched) in ${seconds.toFixed(1)} s: validate p99 ${during.p99Ms.toFixed(2)} ms, max ${during.maxMs.toFixed(0)} ms, ${during.failed} failed; just before ${before.p99Ms.toFixed(2)} ms (${(during.p99Ms / before.p99Ms).toFixed(2)}×; target < 10 ms)`,
    );
    return {
      bulkWrites,
      filter,
      matched,
      revoked,
      seconds,
      before,
      during,
      ratio: during.p99Ms / before.p99Ms,
    };
  } finally {
    await api.stop();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(copy + suffix, { force: true });
  }
}

const dir = KEEP ?? mkdtempSync(join(tmpdir(), "sessions-admin-reads-"));
mkdirSync(dir, { recursive: true });
try {
  log(`admin-reads bench: ${SESSIONS.toLocaleString("en-US")} sessions on SQLite (${dir})`);
  const p = await prepare(dir);
  if (!ENTRY) buildApi();
  const api = await startBenchApi({
    databaseFile: p.file,
    entry: ENTRY,
    env: {
      PRUNE_INTERVAL: "off",
      ...(READ_WORKERS === undefined ? {} : { SQLITE_READ_WORKERS: READ_WORKERS }),
    },
  });
  api.child.once("exit", (code, signal) => {
    if (!stopping) log(`the API exited (${code ?? signal}) during the run:\n${api.stderr()}`);
  });
  let stopping = false;
  try {
    const admin = createSessionsClient({ url: api.url, apiKey: p.key, fetch: createKeepAliveFetch(4) });
    // Streams need a fetch that streams (the keep-alive one above hands over whole bodies): Node's.
    const streaming = createSessionsClient({ url: api.url, apiKey: p.key });
    const timeFor = (ms: number) => {
      const end = performance.now() + ms;
      return () => performance.now() > end;
    };
    await validations(api.url, p, timeFor(2_000));
    const idle = await validations(api.url, p, timeFor(WINDOW_MS));
    log(
      `validate, no admin: p50 ${idle.p50Ms.toFixed(2)} ms, p99 ${idle.p99Ms.toFixed(2)} ms (${idle.requests})`,
    );
    const rows = [];
    for (const { name, filter } of FILTERS.filter((f) => !ONLY || ONLY.some((o) => f.name.includes(o)))) {
      const counts: number[] = [];
      let matching = 0;
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        matching = await admin.sessions.count.query({ filter });
        if (i > 0) counts.push(performance.now() - t0);
      }
      // What the console asks as the admin types (this build's bounded "N matching"; an older
      // build has no such procedure: null).
      const matchings: number[] = [];
      let matchingAnswer: unknown = null;
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        matchingAnswer = await admin.sessions.countMatching.query({ filter }).catch(() => null);
        if (matchingAnswer === null) break;
        if (i > 0) matchings.push(performance.now() - t0);
      }
      const dryRuns: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await admin.sessions.revokeMany.mutate({ filter, dryRun: true });
        if (i > 0) dryRuns.push(performance.now() - t0);
      }
      // The console's dry run: the same count streamed window by window (sessions.previewRevoke).
      // The longest wait between two of its events (from the subscribe to the first, …, the last
      // progress to "done") is what "progress at least every second" is about.
      const streamed = [];
      for (let i = 0; i < 2; i++) streamed.push(await streamedPreview(streaming, filter));
      let stop = false;
      let adminCounts = 0;
      const adminLoop = (async () => {
        while (!stop) {
          await admin.sessions.count.query({ filter });
          adminCounts++;
        }
      })();
      // The admin stops when the window ends, not when the validations sent in it have all been
      // answered: an admin still counting would keep them from ever being answered.
      const windowOver = timeFor(WINDOW_MS);
      const during = await validations(api.url, p, () => (stop ||= windowOver()));
      stop = true;
      await adminLoop;
      const row = {
        name,
        filter,
        count: matching,
        countMs: median(counts),
        matching: matchingAnswer,
        matchingMs: matchings.length > 0 ? median(matchings) : null,
        dryRunMs: median(dryRuns),
        streamedMs: median(streamed.map((x) => x.ms)),
        streamedEvents: streamed[0]!.events,
        streamedMaxGapMs: Math.max(...streamed.map((x) => x.maxGapMs)),
        adminCounts,
        validateDuring: during,
        ratio: during.p99Ms / idle.p99Ms,
      };
      rows.push(row);
      log(
        `${name}: ${JSON.stringify(matching)} matching; count ${row.countMs.toFixed(1)} ms, "N matching" ${row.matchingMs === null ? "n/a" : `${JSON.stringify(matchingAnswer)} in ${row.matchingMs.toFixed(1)} ms`}, dry run ${row.dryRunMs.toFixed(1)} ms, streamed ${row.streamedMs.toFixed(1)} ms (${row.streamedEvents} events, longest gap ${row.streamedMaxGapMs.toFixed(0)} ms); validate during counts p99 ${during.p99Ms.toFixed(2)} ms, max ${during.maxMs.toFixed(0)} ms, ${during.failed} failed (${row.ratio.toFixed(2)}× idle; ${adminCounts} counts)`,
      );
    }
    stopping = true;
    await api.stop();
    const revokes = [];
    if (!args.includes("--no-revoke")) {
      for (const mode of BULK_WRITES) revokes.push(await revokeMany(p, timeFor, mode));
    }
    if (JSON_OUT) {
      const readWorkers = READ_WORKERS ?? "default";
      const build = ENTRY ?? "this checkout";
      const result = {
        sessions: SESSIONS,
        at: new Date().toISOString(),
        build,
        readWorkers,
        idle,
        filters: rows,
        // The last mode's (the default's, "worker", when several ran), and every mode's.
        revokeMany: revokes.at(-1) ?? null,
        revokeManyByMode: revokes,
      };
      writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
    }
  } finally {
    stopping = true;
    await api.stop();
  }
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
