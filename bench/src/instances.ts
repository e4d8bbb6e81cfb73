// pnpm bench --instances N --dialect postgres (issue 15): N production API processes (apps/api
// built, `node dist/main.js`) on one Postgres scratch database, driven round-robin over real HTTP
// with the typed client, as the services behind a load balancer would.
//
// It reports:
// - throughput of sessions.validate and sessions.create with 32 callers spread over 1 instance
//   and over N, in interleaved rounds (same machine, same minute);
// - revocation honesty: trials of "revoke through A, then validate through B and C at once"; a
//   validation that still answers a session after A's revoke returned is a broken promise (0);
// - live events: the delay from sending a revoke to A until an events subscriber on C has it;
// - sign-in limits: 15 wrong passwords sent at once, spread over 1 instance and then over N, from
//   one address for one account: how many were evaluated before the pair locked (the same count).
// Periodic jobs running on one instance at a time is asserted by apps/api/test/multi-instance.test.ts.
//
// On this machine the N processes, Postgres and the load generator share two cores, so the N-
// instance throughput shows what a second process costs or buys here, not what N machines would.
import { performance } from "node:perf_hooks";
import superjson from "superjson";
import { createSessionsService } from "@sessions/core";
import { createSessionsClient, type LiveEvent, type SessionsClient } from "@sessions/client";
import { createDataSet } from "./data.js";
import { buildApi, startBenchApi, type BenchApi } from "./http.js";
import { createKeepAliveFetch } from "./keep-alive-fetch.js";
import { median, summarize } from "./measure.js";
import type { Target } from "./targets.js";

export interface InstancesPlan {
  roundMs: number;
  rounds: number;
  callers: number;
  honestyTrials: number;
  eventTrials: number;
}

export const FULL_INSTANCES: InstancesPlan = {
  roundMs: 4000,
  rounds: 3,
  callers: 32,
  honestyTrials: 1000,
  eventTrials: 200,
};
export const QUICK_INSTANCES: InstancesPlan = {
  roundMs: 500,
  rounds: 2,
  callers: 8,
  honestyTrials: 30,
  eventTrials: 20,
};

export interface InstanceThroughput {
  op: "validate" | "create";
  instances: number;
  callers: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

export interface InstancesResult {
  instances: number;
  sessions: number;
  plan: InstancesPlan;
  throughput: InstanceThroughput[];
  revocation: { trials: number; validations: number; stillValid: number };
  liveEvents: { trials: number; received: number; p50Ms: number; p99Ms: number; maxMs: number };
  signInLimits: { instances: number; attempts: number; evaluated: number; locked: number; other: number }[];
}

export async function runInstances(
  target: Target,
  options: {
    instances: number;
    sessions: number;
    plan: InstancesPlan;
    log: (line: string) => void;
    progress: (line: string) => void;
  },
): Promise<InstancesResult> {
  const { plan, log } = options;
  if (!target.url) throw new Error("--instances needs a Postgres target");
  const now = Date.now();
  const data = createDataSet({ sessions: options.sessions, now, poolSize: 5_000 });
  function* batches() {
    for (let from = 0; from < data.userCount; from += 1000)
      yield data.chunk(from, Math.min(data.userCount, from + 1000));
  }
  options.progress(`seeding ${options.sessions.toLocaleString("en-US")} sessions`);
  await target.store.insertSessionsBulk(batches());
  options.progress("");
  const service = createSessionsService({ store: target.store });
  const tokens = data.pools.freshTokens.slice(0, 5_000);
  const userIds = data.pools.userIds.slice(0, 1_000);
  const { key } = await service.createApiKey({
    name: "bench instances",
    scopes: ["sessions:issue", "sessions:revoke", "sessions:read"],
  });

  buildApi();
  const apis: BenchApi[] = [];
  try {
    // One after another: each bootstraps (migrations, the first admin) against what the last left.
    for (let i = 0; i < options.instances; i++) {
      apis.push(
        await startBenchApi({
          databaseFile: "",
          databaseUrl: target.url,
          env: { TRUST_PROXY: "true", LOG_LEVEL: "warn" },
        }),
      );
    }
    log(
      `${apis.length} API instances on ${new URL(target.url).pathname.slice(1)}: ${apis.map((a) => a.url).join(", ")}`,
    );
    const fetchImpl = createKeepAliveFetch(plan.callers * 2);
    const clientOf = (api: BenchApi) => createSessionsClient({ url: api.url, apiKey: key, fetch: fetchImpl });
    const clients = apis.map(clientOf);

    // ---- throughput, 1 instance and N, interleaved rounds ----
    let nextToken = 0;
    let nextUser = 0;
    const calls = {
      validate: async (client: SessionsClient) =>
        (await client.sessions.validate.mutate({ token: tokens[nextToken++ % tokens.length]! })) !== null,
      create: async (client: SessionsClient) =>
        (await client.sessions.create.mutate({ userId: userIds[nextUser++ % userIds.length]! })).token
          .length > 0,
    };
    async function drive(op: keyof typeof calls, over: number) {
      // Caller i talks to instance i mod `over`: round-robin, as a balancer spreads connections.
      const callers = Array.from({ length: plan.callers }, (_, i) => clientOf(apis[i % over]!));
      const latencies: number[] = [];
      let errors = 0;
      const started = performance.now();
      const deadline = started + plan.roundMs;
      await Promise.all(
        callers.map(async (client) => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            try {
              if (!(await calls[op](client))) errors++;
            } catch {
              errors++;
            }
            latencies.push(performance.now() - t0);
          }
        }),
      );
      return { sample: summarize(latencies, performance.now() - started), errors };
    }
    const counts = [...new Set([1, options.instances])];
    log("throughput: validate and create over 1 and N instances");
    const rounds = new Map<string, { rps: number; p50: number; p99: number; n: number; errors: number }[]>();
    for (const op of ["validate", "create"] as const) for (const k of counts) await drive(op, k); // warm-up
    for (let round = 1; round <= plan.rounds; round++) {
      for (const op of ["validate", "create"] as const) {
        for (const k of counts) {
          options.progress(`round ${round}/${plan.rounds}: ${op} over ${k} instance(s)`);
          const { sample, errors } = await drive(op, k);
          const list = rounds.get(`${op} ${k}`) ?? [];
          list.push({
            rps: sample.opsPerSec,
            p50: sample.medianUs / 1000,
            p99: sample.p99Us / 1000,
            n: sample.iterations,
            errors,
          });
          rounds.set(`${op} ${k}`, list);
        }
      }
    }
    options.progress("");
    const throughput: InstanceThroughput[] = [];
    for (const op of ["validate", "create"] as const) {
      for (const k of counts) {
        const list = rounds.get(`${op} ${k}`)!;
        throughput.push({
          op,
          instances: k,
          callers: plan.callers,
          rps: median(list.map((x) => x.rps)),
          p50Ms: median(list.map((x) => x.p50)),
          p99Ms: median(list.map((x) => x.p99)),
          requests: list.reduce((sum, x) => sum + x.n, 0),
          errors: list.reduce((sum, x) => sum + x.errors, 0),
        });
      }
    }

    // ---- revocation honesty ----
    log(`revocation honesty: ${plan.honestyTrials} trials`);
    const [a, b, c] = [clients[0]!, clients[1 % clients.length]!, clients[2 % clients.length]!];
    let stillValid = 0;
    let validations = 0;
    for (let i = 0; i < plan.honestyTrials; i++) {
      if (i % 50 === 0) options.progress(`revocation honesty: trial ${i + 1}/${plan.honestyTrials}`);
      const created = await a.sessions.create.mutate({ userId: userIds[i % userIds.length]! });
      await a.sessions.revoke.mutate({ id: created.session.id });
      // A's revoke has returned: B and C, asked at once, must both refuse the token.
      const answers = await Promise.all(
        [b, c].map((x) => x.sessions.validate.mutate({ token: created.token })),
      );
      validations += answers.length;
      stillValid += answers.filter((answer) => answer !== null).length;
    }
    options.progress("");

    // ---- live events: revoke through A, received on C ----
    log(`live events: ${plan.eventTrials} revokes through A, watched on C`);
    const waiting = new Map<string, (at: number) => void>();
    let started!: () => void;
    let failed!: (error: unknown) => void;
    const subscribed = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // The event stream needs a streaming fetch (the keep-alive one only reads whole JSON bodies).
    const watcher = createSessionsClient({ url: apis[2 % apis.length]!.url, apiKey: key });
    const subscription = watcher.events.subscribe(undefined, {
      onStarted: () => started(),
      onError: (error) => failed(error),
      onData: (event: LiveEvent) => {
        if (event.type === "session.revoked" && "sessionId" in event)
          waiting.get(event.sessionId)?.(performance.now());
      },
    });
    const delays: number[] = [];
    try {
      await subscribed;
      for (let i = 0; i < plan.eventTrials; i++) {
        const created = await a.sessions.create.mutate({ userId: userIds[i % userIds.length]! });
        const arrived = new Promise<number>((resolve) => waiting.set(created.session.id, resolve));
        const t0 = performance.now();
        await a.sessions.revoke.mutate({ id: created.session.id });
        const at = await Promise.race([arrived, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
        waiting.delete(created.session.id);
        if (at !== null) delays.push(at - t0);
      }
    } finally {
      subscription.unsubscribe();
    }
    const delay = summarize(delays, 1);

    // ---- sign-in limits: 15 wrong passwords at once over 1 instance, then over N ----
    log("sign-in limits");
    const signInLimits: InstancesResult["signInLimits"] = [];
    for (const k of counts) {
      const email = `limits-${k}-${now}@bench.example`;
      await service.createUser({ email, role: "viewer", password: "the-right-password-1" });
      const address = `198.51.100.${100 + k}`;
      const statuses = await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const res = await fetch(`${apis[i % k]!.url}/trpc/auth.login`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-forwarded-for": address },
            body: JSON.stringify(superjson.serialize({ email, password: `wrong-guess-${i}` })),
          });
          await res.arrayBuffer();
          return res.status;
        }),
      );
      signInLimits.push({
        instances: k,
        attempts: statuses.length,
        evaluated: statuses.filter((s) => s === 401).length,
        locked: statuses.filter((s) => s === 429).length,
        other: statuses.filter((s) => s !== 401 && s !== 429).length,
      });
    }

    return {
      instances: options.instances,
      sessions: options.sessions,
      plan,
      throughput,
      revocation: { trials: plan.honestyTrials, validations, stillValid },
      liveEvents: {
        trials: plan.eventTrials,
        received: delays.length,
        p50Ms: delay.medianUs / 1000,
        p99Ms: delay.p99Us / 1000,
        maxMs: delays.length > 0 ? Math.max(...delays) : NaN,
      },
      signInLimits,
    };
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
  }
}
