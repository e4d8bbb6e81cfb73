// Validations while a long write runs (issue 11, finding 4). Requests arrive on a schedule, one
// every ARRIVAL_MS, whatever the server is doing, and each one's latency counts from when it was
// due, not from when the event loop got round to it: a write that holds the loop for 450 ms makes
// every validation due meanwhile wait up to 450 ms, and that is what this reports (an open-loop
// measurement; timing calls back to back would hide the stall entirely). Three runs of the same
// length over the same tokens: idle (the floor), during one revocation of ~10% of the sessions in a
// single transaction (the store's one-shot call: how revokeMany ran before), and during the same
// size of revocation through the service's revokeMany (batches that yield between them).
import { performance, PerformanceObserver } from "node:perf_hooks";
import type { SessionsService, SessionsStore } from "@sessions/core";
import { summarize, type Sample } from "./measure.js";

const ARRIVAL_MS = 1;
const DAY = 86_400_000;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Validations due every ARRIVAL_MS until `job` settles (or for `idleMs` with no job). */
async function arrivals(
  service: SessionsService,
  token: () => string,
  startJob: (() => Promise<unknown>) | null,
  idleMs = 0,
): Promise<{ sample: Sample; jobMs: number; gcPausesMs: number[] }> {
  const latencies: number[] = [];
  // Garbage-collection pauses hold the event loop too: reported beside the latencies, so a stall
  // can be told from one of the job's batches.
  const gcPausesMs: number[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPausesMs.push(entry.duration);
  });
  gc.observe({ entryTypes: ["gc"] });
  let done = false;
  const started = performance.now();
  let jobMs = 0;
  // Started from the event loop, not here: a store call on SQLite does its work synchronously,
  // and the validations due meanwhile must be seen waiting for it.
  const finished = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => (startJob ? startJob() : new Promise((r) => setTimeout(r, idleMs))))
    .finally(() => {
      jobMs = performance.now() - started;
      done = true;
    });
  let i = 0;
  // Until the job is over, and then the validations that fell due while it ran (a job that holds
  // the event loop from start to end is seen only here).
  for (let over = false; !over;) {
    await nextTick();
    over = done;
    const now = performance.now();
    while (started + i * ARRIVAL_MS <= now) {
      const due = started + i * ARRIVAL_MS;
      i++;
      await service.validateSession(token());
      latencies.push(performance.now() - due);
    }
  }
  await finished;
  gc.disconnect();
  return { sample: summarize(latencies, performance.now() - started), jobMs, gcPausesMs };
}

export interface LongWriteResults {
  idle: Sample;
  oneTransaction: Sample & { revoked: number; jobMs: number };
  batched: Sample & { revoked: number; jobMs: number; gcMaxMs: number; gcOver5Ms: number };
}

export async function validateDuringRevokeMany(options: {
  service: SessionsService;
  store: SessionsStore;
  token: () => string;
  nowMs: number;
  sessions: number;
}): Promise<LongWriteResults> {
  const { service, store, token, nowMs } = options;
  // Two disjoint windows of the oldest active sessions, each ~10% of all sessions, at most 100,000:
  // the one-transaction "before" cannot checkpoint until it commits, and at 10M sessions its 1M
  // revocations grew the WAL past 10 GB and ran for over 80 minutes without finishing (every page
  // read then searches a WAL index of millions of frames). 100,000 is the 1M run's window.
  const active = await service.countActiveSessions();
  const windowSessions = Math.min(options.sessions / 10, 100_000);
  const windowMs = Math.max(DAY / 24, Math.round((60 * DAY * windowSessions) / Math.max(1, active)));
  const oldest = nowMs - 60 * DAY;
  const windowA = {
    status: "active" as const,
    createdFrom: new Date(oldest),
    createdTo: new Date(oldest + windowMs),
  };
  const windowB = {
    status: "active" as const,
    createdFrom: new Date(oldest + windowMs),
    createdTo: new Date(oldest + 2 * windowMs),
  };

  const idle = (await arrivals(service, token, null, 1_000)).sample;

  // Before: the whole revocation in one transaction, as revokeMany ran until batching.
  let oneShot = 0;
  const scope = { now: new Date(nowMs), idleCutoff: null, consoleIdleCutoff: null };
  const before = await arrivals(service, token, () =>
    store
      .revokeSessions(
        { kind: "filter", filter: windowA, scope },
        { at: new Date(nowMs), by: "system", endReason: "bulk", reason: "bench" },
        {
          id: crypto.randomUUID(),
          at: new Date(nowMs),
          actorType: "system",
          actor: "system",
          action: "sessions.revoked_many",
          targetType: null,
          target: null,
          ip: null,
          reason: "bench",
          count: null,
          data: null,
        },
      )
      .then((n) => (oneShot = n)),
  );

  let batchedCount = 0;
  const after = await arrivals(service, token, () =>
    service
      .revokeSessions({ filter: windowB, dryRun: false, reason: "bench" })
      .then((r) => (batchedCount = r.revoked)),
  );
  return {
    idle,
    oneTransaction: { ...before.sample, revoked: oneShot, jobMs: before.jobMs },
    batched: {
      ...after.sample,
      revoked: batchedCount,
      jobMs: after.jobMs,
      gcMaxMs: Math.max(0, ...after.gcPausesMs),
      gcOver5Ms: after.gcPausesMs.filter((ms) => ms > 5).length,
    },
  };
}
