// One dialect's run: seed through the store's bulk path, then every operation through the service
// (the only entry point), interleaved over several rounds, each hot path next to its raw floor.
import { performance } from "node:perf_hooks";
import { createSessionsService, encodeCursor, type SessionsService } from "@sessions/core";
import { createDataSet, type Pools } from "./data.js";
import {
  iterationsFor,
  median,
  summarize,
  timeTask,
  warmUp,
  type Sample,
  type Task,
  type TimingPlan,
} from "./measure.js";
import { validateDuringRevokeMany } from "./long-writes.js";
import type { ListShape, Target } from "./targets.js";
import {
  createOpEndpoint,
  deliveriesOf,
  measureWebhookDelivery,
  sendNothing,
  WEBHOOK_BENCH_CONFIG,
  type WebhookDeliveryResult,
} from "./webhooks.js";

export interface OpResult {
  op: string;
  dialect: string;
  n: number;
  medianUs: number;
  p99Us: number;
  opsPerSec: number;
  floorUs?: number;
  ratioToFloor?: number;
  iterations: number;
  rounds: Sample[];
  floorRounds?: Sample[];
}

export interface SeedResult {
  dialect: string;
  sessions: number;
  users: number;
  seconds: number;
  /** Users + sessions rows per second of wall time, data generation included. */
  rowsPerSec: number;
  /** The same, counting only the time spent inside the store's bulk insert. */
  storeRowsPerSec: number;
  /** The same rows by hand on the raw driver, the fastest way it allows (SQLite only), and store ÷ floor time. */
  floorRowsPerSec?: number;
  ratioToFloor?: number;
}

export interface DialectRun {
  seed: SeedResult;
  results: OpResult[];
  /** Tokens of sessions that stay valid (for the HTTP part). */
  liveTokens: string[];
  /** Issue 14: a backlog of webhook messages delivered to a receiver on loopback. */
  webhookDelivery?: WebhookDeliveryResult;
}

interface OpDef {
  op: string;
  run: Task;
  floor?: Task;
  /** For operations that use up their input (each call needs a new session or user). */
  budget?: number;
  /** Called once before timing: throws if the operation does not do what its name says. */
  check?: () => Promise<void>;
  /**
   * Wraps this operation's warm-up and each of its timed runs (not its floor's), for database
   * state only it may see: the other operations in the same rounds run without it.
   */
  during?: <T>(timed: () => Promise<T>) => Promise<T>;
}

export interface SuiteOptions {
  sessions: number;
  plan: TimingPlan;
  poolSize: number;
  log: (line: string) => void;
  progress: (line: string) => void;
  seedOnly?: boolean;
  /** Seed and hand back the live tokens, without timing the service operations (`--only http`). */
  skipOperations?: boolean;
  /** Webhook messages to enqueue and deliver for the delivery figure (issue 14; default 5,000). */
  webhookMessages?: number;
}

const CHUNK_USERS = 1_000;
const PAGE = 50;

function cycle<T>(items: T[], what: string): () => T {
  if (items.length === 0) throw new Error(`the data set has no ${what}; use more sessions`);
  let i = 0;
  return () => items[i++ % items.length]!;
}

function consume<T>(items: T[], what: string): () => T {
  let i = 0;
  return () => {
    if (i >= items.length) throw new Error(`ran out of ${what} (${items.length})`);
    return items[i++]!;
  };
}

async function seed(target: Target, options: SuiteOptions, now: number) {
  const data = createDataSet({ sessions: options.sessions, now, poolSize: options.poolSize });
  const started = performance.now();
  let generating = 0;
  let users = 0;
  let sessions = 0;
  // The store pulls batches inside its one transaction; the time spent making them is kept apart
  // so the store's own rate can be shown next to the end-to-end one.
  function* batches() {
    for (let from = 0; from < data.userCount; from += CHUNK_USERS) {
      const t0 = performance.now();
      const chunk = data.chunk(from, Math.min(data.userCount, from + CHUNK_USERS));
      generating += performance.now() - t0;
      yield chunk;
      users += chunk.users.length;
      sessions += chunk.sessions.length;
      const rate = ((users + sessions) * 1000) / (performance.now() - started);
      options.progress(
        `seeding ${target.dialect}: ${sessions.toLocaleString("en-US")} / ${options.sessions.toLocaleString("en-US")} sessions, ${Math.round(rate).toLocaleString("en-US")} rows/s`,
      );
    }
    options.progress(`seeding ${target.dialect}: building indexes`);
  }
  await target.store.insertSessionsBulk(batches());
  const inStore = performance.now() - started - generating;
  const seconds = (performance.now() - started) / 1000;
  options.progress("");
  const result: SeedResult = {
    dialect: target.dialect,
    sessions,
    users,
    seconds,
    rowsPerSec: (users + sessions) / seconds,
    storeRowsPerSec: ((users + sessions) * 1000) / inStore,
  };
  options.log(
    `seeded ${target.dialect}: ${sessions.toLocaleString("en-US")} sessions + ${users.toLocaleString("en-US")} users in ${seconds.toFixed(1)} s = ${Math.round(result.rowsPerSec).toLocaleString("en-US")} rows/s (store only: ${Math.round(result.storeRowsPerSec).toLocaleString("en-US")} rows/s)`,
  );
  if (target.raw.seedFloor) {
    // The same data set again (same seed and clock), into a database of its own.
    const again = createDataSet({ sessions: options.sessions, now, poolSize: options.poolSize });
    function* floorBatches() {
      for (let from = 0; from < again.userCount; from += CHUNK_USERS) {
        yield again.chunk(from, Math.min(again.userCount, from + CHUNK_USERS));
        options.progress(`seeding floor ${target.dialect}: ${from + CHUNK_USERS} / ${again.userCount} users`);
      }
    }
    const floorMs = await target.raw.seedFloor(floorBatches());
    options.progress("");
    result.floorRowsPerSec = ((users + sessions) * 1000) / floorMs;
    result.ratioToFloor = inStore / floorMs;
    options.log(
      `seed floor ${target.dialect}: ${Math.round(result.floorRowsPerSec).toLocaleString("en-US")} rows/s inside SQLite (store ÷ floor ${result.ratioToFloor.toFixed(2)}×)`,
    );
  }
  return { result, pools: data.pools };
}

/**
 * A search an administrator would type for one person: "first.last" from a sampled user's email,
 * preferring one that matches more than a page of active sessions (so it has a deep page).
 */
async function personNeedle(
  pools: Pools,
  target: Target,
  now: Date,
): Promise<{ person: string; lastName: string }> {
  let best: { needle: string; count: number } | null = null;
  for (const email of pools.sampleEmails.slice(0, 20)) {
    const match = /^([a-z]+)\.([a-z]+)\d+@/.exec(email);
    if (!match) continue;
    const needle = `${match[1]}.${match[2]}`;
    const count = await target.raw.countList({ sort: "createdAt", email: needle }, now);
    if (!best || count > best.count) best = { needle, count };
    if (count >= 60) break;
  }
  const person = best?.needle ?? pools.sampleEmails[0]!.split("@")[0]!;
  return { person, lastName: person.split(".").pop()! };
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark self-check failed: ${message}`);
}

export async function runDialect(target: Target, options: SuiteOptions): Promise<DialectRun> {
  const nowMs = Date.now();
  const now = new Date(nowMs);
  const clock = { now: () => new Date(nowMs) };
  const { result: seedResult, pools } = await seed(target, options, nowMs);
  if (options.seedOnly) return { seed: seedResult, results: [], liveTokens: [] };
  if (options.skipOperations) return { seed: seedResult, results: [], liveTokens: liveTokensOf(pools) };
  await target.raw.afterSeed();
  const service: SessionsService = createSessionsService({ store: target.store, clock });
  const limited: SessionsService = createSessionsService({
    store: target.store,
    clock,
    config: { maxSessionsPerUser: 5, sessionLimitPolicy: "evict_oldest" },
  });
  // Issue 14: endpoints and the dispatcher. The creates themselves go through `service`: what an
  // endpoint costs them comes from the database (the enabled endpoint), not from any setting.
  const webhookAdmin: SessionsService = createSessionsService({
    store: target.store,
    clock,
    config: WEBHOOK_BENCH_CONFIG,
  });
  const webhookAdminSendingNothing: SessionsService = createSessionsService({
    store: target.store,
    clock,
    config: WEBHOOK_BENCH_CONFIG,
    sendWebhook: sendNothing,
  });
  const opEndpoint = await createOpEndpoint(webhookAdmin);
  const noEndpointEnabled = async () =>
    expect(
      (await webhookAdmin.listWebhooks()).every((e) => !e.enabled),
      "no webhook endpoint is enabled outside its own operation",
    );
  const n = seedResult.sessions;

  // ---- inputs ----
  const fresh = cycle(pools.freshTokens, "online sessions");
  const freshFloor = cycle(pools.freshTokens, "online sessions");
  const stale = consume(pools.staleTokens, "stale sessions");
  const expired = cycle(pools.expiredTokens, "expired sessions");
  const expiredFloor = cycle(pools.expiredTokens, "expired sessions");
  const unknownTokens = Array.from({ length: 256 }, (_, i) =>
    Buffer.from(`unknown-token-${i}-`.padEnd(32, "x")).toString("base64url"),
  );
  const unknown = cycle(unknownTokens, "unknown tokens");
  const unknownFloor = cycle(unknownTokens, "unknown tokens");
  const info = cycle(pools.infoIds, "sessions to read");
  const infoFloor = cycle(pools.infoIds, "sessions to read");
  const userForList = cycle(pools.userIds, "users");
  const userForListFloor = cycle(pools.userIds, "users");
  const userForCreate = cycle(pools.userIds, "users");
  // Users of their own: evictions must not end the sessions other operations' pools hold. Enough
  // of them that each holds about ten rows by the end (a user's rows, ended ones included, are
  // what the limit's count reads through sessions_user_created_idx).
  const limitedUsers: string[] = [];
  for (let i = 0; i < 2000; i++) {
    limitedUsers.push((await service.createUser({ email: `limited-${nowMs}-${i}@bench.example` })).id);
  }
  const userForLimited = cycle(limitedUsers, "limited users");
  // And users who stay under the limit (each given at most 4 sessions by the budget below): what
  // the limit costs every create, the count in the insert's transaction, without an eviction.
  const underUsers: string[] = [];
  for (let i = 0; i < 5000; i++) {
    underUsers.push((await service.createUser({ email: `under-${nowMs}-${i}@bench.example` })).id);
  }
  const userUnderLimit = cycle(underUsers, "users under the limit");
  const userForCreateFloor = cycle(pools.userIds, "users");
  const revokeId = consume(pools.revokeIds, "sessions to revoke");
  const revokeUser = consume(pools.revokeUserIds, "users to revoke");
  const { person, lastName } = await personNeedle(pools, target, now);
  const agents = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  ];
  let created = 0;
  /** A new session's input for `userId`: addresses and user agents in turn, as real logins vary. */
  const createInput = (userId: string) => ({
    userId,
    ip: `198.51.100.${created % 250}`,
    userAgent: agents[created++ % agents.length],
  });

  // ---- lists: page 1 and a page ~90% deep, reached with the cursor the service would have issued ----
  const lists: { name: string; shape: ListShape }[] = [
    { name: "no filter", shape: { sort: "createdAt" } },
    { name: `email "${person}"`, shape: { sort: "createdAt", email: person } },
    { name: `email "@gmail.com"`, shape: { sort: "createdAt", email: "@gmail.com" } },
    // Between the two: too many users for the per-user path, too few sessions for the sort-index walk.
    { name: `email "${lastName}"`, shape: { sort: "createdAt", email: lastName } },
    { name: "browser Firefox", shape: { sort: "createdAt", browser: "Firefox" } },
    { name: "sort lastSeenAt", shape: { sort: "lastSeenAt" } },
  ];
  const listOps: OpDef[] = [];
  for (const { name, shape } of lists) {
    options.progress(`${target.dialect}: counting list ${name}`);
    const matching = await target.raw.countList(shape, now);
    const deepOffset = Math.max(0, Math.floor(matching * 0.9) - 1);
    const position = matching > PAGE ? await target.raw.positionAt(shape, now, deepOffset) : null;
    const order = `${shape.sort}:desc`;
    const cursor = position ? encodeCursor(order, position.value, position.id) : null;
    const input = {
      limit: PAGE,
      filter: { email: shape.email, browser: shape.browser },
      sort: { by: shape.sort, dir: "desc" as const },
    };
    options.log(
      `list ${name}: ${matching.toLocaleString("en-US")} matching active sessions; deep page after row ${deepOffset + 1}`,
    );
    listOps.push({
      op: `listActiveSessions [${name}] page 1`,
      run: () => service.listActiveSessions(input),
      floor:
        shape.sort === "createdAt" && !shape.email && !shape.browser
          ? () => target.floors.activePage(now)
          : undefined,
      check: async () => {
        const page = await service.listActiveSessions(input);
        expect(
          page.items.length === Math.min(PAGE, matching),
          `${name} page 1 has ${page.items.length} items`,
        );
      },
    });
    if (cursor) {
      const deep = { ...input, cursor };
      listOps.push({
        op: `listActiveSessions [${name}] page @90%`,
        run: () => service.listActiveSessions(deep),
        check: async () => {
          const page = await service.listActiveSessions(deep);
          expect(
            page.items.length === Math.min(PAGE, matching - deepOffset - 1),
            `${name} deep page has ${page.items.length} items`,
          );
        },
      });
    }
  }

  const ops: OpDef[] = [
    {
      op: "validateSession (fresh)",
      run: () => service.validateSession(fresh()),
      floor: () => target.floors.validate(freshFloor()),
      check: async () => {
        const token = pools.freshTokens[0]!;
        expect((await service.validateSession(token)) !== null, "a fresh token is valid");
      },
    },
    {
      op: "validateSession (lastSeenAt touch)",
      run: () => service.validateSession(stale()),
      floor: () => target.floors.validate(freshFloor()),
      budget: pools.staleTokens.length,
      check: async () => {
        const v = await service.validateSession(stale());
        expect(v !== null && v.session.lastSeenAt.getTime() === nowMs, "a stale token is valid and touched");
      },
    },
    {
      op: "validateSession (unknown token)",
      run: () => service.validateSession(unknown()),
      floor: () => target.floors.validate(unknownFloor()),
      check: async () =>
        expect((await service.validateSession(unknownTokens[0]!)) === null, "unknown is null"),
    },
    {
      op: "validateSession (expired token)",
      run: () => service.validateSession(expired()),
      floor: () => target.floors.validate(expiredFloor()),
      check: async () =>
        expect((await service.validateSession(pools.expiredTokens[0]!)) === null, "expired is null"),
    },
    {
      op: "getSessionInfo",
      run: () => service.getSessionInfo(info()),
      floor: () => target.floors.sessionInfo(infoFloor()),
      check: async () => expect((await service.getSessionInfo(pools.infoIds[0]!)) !== null, "info found"),
    },
    {
      op: "listUserSessions",
      run: () => service.listUserSessions(userForList()),
      floor: () => target.floors.userSessions(userForListFloor()),
      check: async () => {
        const page = await service.listUserSessions(pools.userIds[0]!);
        expect(page.items.length > 0, "a user has sessions");
      },
    },
    ...listOps,
    {
      op: "countActiveSessions",
      run: () => service.countActiveSessions(),
      floor: () => target.floors.countActive(now),
      check: async () => {
        const expected = await target.raw.countList({ sort: "createdAt" }, now);
        expect((await service.countActiveSessions()) === expected, "count equals the raw count");
      },
    },
    {
      op: "getSessionStats",
      run: () => service.getSessionStats(),
      check: async () => {
        const stats = await service.getSessionStats();
        expect(stats.totalActive === (await service.countActiveSessions()), "stats total equals the count");
      },
    },
    {
      op: `listUsers search "${person}"`,
      run: () => service.listUsers({ search: person }),
      check: async () =>
        expect((await service.listUsers({ search: person })).items.length > 0, "search finds users"),
    },
    {
      op: "createSession",
      run: () => service.createSession(createInput(userForCreate())),
      floor: () => target.floors.createSession(userForCreateFloor(), now),
      check: noEndpointEnabled,
    },
    {
      // Issue 14: the same create while one enabled endpoint subscribes to session.created, so its
      // transaction also writes an outbox row. No dispatcher runs meanwhile: the cost is the write.
      op: "createSession (1 webhook endpoint)",
      run: () => service.createSession(createInput(userForCreate())),
      floor: () => target.floors.createSession(userForCreateFloor(), now),
      during: opEndpoint.during,
      check: async () => {
        const before = (await deliveriesOf(webhookAdmin, opEndpoint.id)).length;
        await opEndpoint.during(() => service.createSession(createInput(userForCreate())));
        const after = await deliveriesOf(webhookAdmin, opEndpoint.id);
        expect(
          after.length === before + 1 && after[0]?.type === "session.created",
          "a create with the endpoint enabled queues one session.created delivery",
        );
        await service.createSession(createInput(userForCreate()));
        expect(
          (await deliveriesOf(webhookAdmin, opEndpoint.id)).length === after.length,
          "a create with the endpoint disabled queues none",
        );
      },
    },
    {
      // Issue 13: the same create with MAX_SESSIONS_PER_USER=5 (evict_oldest): the insert's
      // transaction also counts the user's active app sessions and, at the limit, ends the least
      // recently seen. "under it": the count alone; "evicting": users cycle, so after their first
      // five creates each is at the limit and every create also revokes one (a revocation's work).
      op: "createSession (limit 5, under it)",
      run: () => limited.createSession(createInput(userUnderLimit())),
      floor: () => target.floors.createSession(userForCreateFloor(), now),
      budget: underUsers.length * 4,
    },
    {
      op: "createSession (limit 5, evicting)",
      run: () => limited.createSession(createInput(userForLimited())),
      floor: () => target.floors.createSession(userForCreateFloor(), now),
    },
    {
      op: "revokeSession",
      run: async () => {
        const result = await service.revokeSession(revokeId(), { reason: "bench" });
        if (!result.ok) throw new Error("revokeSession found nothing to revoke");
      },
      budget: pools.revokeIds.length,
    },
    {
      op: "revokeUserSessions (10 sessions)",
      run: async () => {
        if ((await service.revokeUserSessions(revokeUser(), { reason: "bench" })) === 0) {
          throw new Error("revokeUserSessions revoked nothing");
        }
      },
      budget: pools.revokeUserIds.length,
    },
  ];

  // ---- warm-up and calibration ----
  const plan = options.plan;
  const perRound = new Map<OpDef, number>();
  const floorPerRound = new Map<OpDef, number>();
  for (const op of ops) {
    options.progress(`warming up ${target.dialect}: ${op.op}`);
    await op.check?.();
    const cap =
      op.budget !== undefined ? Math.floor((op.budget - 2) / (plan.rounds + 1)) : plan.maxIterations;
    if (cap < 1) throw new Error(`${op.op}: not enough inputs for ${plan.rounds} rounds; use more sessions`);
    const warm = () => warmUp(op.run, plan, cap);
    const estimate = await (op.during ? op.during(warm) : warm());
    perRound.set(op, Math.min(cap, iterationsFor(plan, estimate)));
    if (op.floor)
      floorPerRound.set(op, iterationsFor(plan, await warmUp(op.floor, plan, plan.maxIterations)));
  }
  options.progress("");

  // ---- rounds, interleaved ----
  const samples = new Map<OpDef, Sample[]>(ops.map((op) => [op, []]));
  const floorSamples = new Map<OpDef, Sample[]>(ops.map((op) => [op, []]));
  for (let round = 1; round <= plan.rounds; round++) {
    for (const op of ops) {
      options.progress(`${target.dialect} round ${round}/${plan.rounds}: ${op.op}`);
      const time = () => timeTask(op.run, perRound.get(op)!);
      const timed = await (op.during ? op.during(time) : time());
      samples.get(op)!.push(summarize(timed.latencies, timed.wallMs));
      if (op.floor) {
        const floor = await timeTask(op.floor, floorPerRound.get(op)!);
        floorSamples.get(op)!.push(summarize(floor.latencies, floor.wallMs));
      }
    }
  }
  options.progress("");

  const results: OpResult[] = ops.map((op) => {
    const rounds = samples.get(op)!;
    const result: OpResult = {
      op: op.op,
      dialect: target.dialect,
      n,
      medianUs: median(rounds.map((s) => s.medianUs)),
      p99Us: median(rounds.map((s) => s.p99Us)),
      opsPerSec: median(rounds.map((s) => s.opsPerSec)),
      iterations: rounds.reduce((sum, s) => sum + s.iterations, 0),
      rounds,
    };
    const floors = floorSamples.get(op)!;
    if (op.floor && floors.length > 0) {
      result.floorUs = median(floors.map((s) => s.medianUs));
      result.ratioToFloor = result.medianUs / result.floorUs;
      result.floorRounds = floors;
    }
    return result;
  });

  await target.raw.cleanupFloorRows();
  // Its deliveries go with it: nothing the dispatcher below, or the API after the run, would send.
  await opEndpoint.remove();
  await noEndpointEnabled();

  // ---- validations during a long write: destructive (revokes ~20% of the sessions), so last but prune ----
  options.progress(`${target.dialect}: validateSession during revokeMany`);
  const long = await validateDuringRevokeMany({
    service,
    store: target.store,
    token: fresh,
    nowMs,
    sessions: n,
  });
  options.progress("");
  options.log(
    `revokeMany while validating: one transaction revoked ${long.oneTransaction.revoked.toLocaleString("en-US")} in ${long.oneTransaction.jobMs.toFixed(0)} ms, batched ${long.batched.revoked.toLocaleString("en-US")} in ${long.batched.jobMs.toFixed(0)} ms (longest GC pause meanwhile ${long.batched.gcMaxMs.toFixed(1)} ms, ${long.batched.gcOver5Ms} over 5 ms)`,
  );
  const asOp = (op: string, sample: Sample, floor?: Sample): OpResult => ({
    op,
    dialect: target.dialect,
    n,
    medianUs: sample.medianUs,
    p99Us: sample.p99Us,
    opsPerSec: sample.opsPerSec,
    iterations: sample.iterations,
    rounds: [sample],
    ...(floor
      ? { floorUs: floor.medianUs, ratioToFloor: sample.p99Us / floor.p99Us, floorRounds: [floor] }
      : {}),
  });
  results.push(
    asOp("validateSession (arrivals, idle)", long.idle),
    asOp("validateSession during revokeMany (one transaction, before)", long.oneTransaction, long.idle),
    asOp("validateSession during revokeMany", long.batched, long.idle),
  );
  // The HTTP part validates tokens that must still be valid: drop the ones just revoked.
  const stillValid: string[] = [];
  for (const token of pools.freshTokens) if (await service.validateSession(token)) stillValid.push(token);
  pools.freshTokens = stillValid;

  // ---- prune: destructive, so it runs once, last, on the whole data set (10% of rows due) ----
  options.progress(`${target.dialect}: prune`);
  const before = await target.raw.countList({ sort: "createdAt" }, new Date(0));
  const t0 = performance.now();
  const pruned = await service.prune();
  const pruneMs = performance.now() - t0;
  options.log(
    `prune deleted ${pruned.toLocaleString("en-US")} of ${before.toLocaleString("en-US")} unrevoked rows (${((100 * pruned) / n).toFixed(1)}% of all sessions)`,
  );
  results.push({
    op: `prune (${((100 * pruned) / n).toFixed(0)}% of rows due)`,
    dialect: target.dialect,
    n,
    medianUs: pruneMs * 1000,
    p99Us: pruneMs * 1000,
    opsPerSec: 1000 / pruneMs,
    iterations: 1,
    rounds: [{ medianUs: pruneMs * 1000, p99Us: pruneMs * 1000, opsPerSec: 1000 / pruneMs, iterations: 1 }],
  });

  // ---- webhook delivery: a backlog for one endpoint on loopback, last (it adds sessions) ----
  const webhookDelivery = await measureWebhookDelivery({
    dialect: target.dialect,
    service,
    admin: webhookAdmin,
    adminSendingNothing: webhookAdminSendingNothing,
    createInput: () => createInput(userForCreate()),
    messages: options.webhookMessages ?? 5_000,
    batch: 50,
    progress: options.progress,
  });
  options.log(
    `webhooks ${target.dialect}: ${webhookDelivery.delivered.toLocaleString("en-US")} messages delivered in ${webhookDelivery.dispatchSec.toFixed(2)} s = ${Math.round(webhookDelivery.messagesPerSec).toLocaleString("en-US")} messages/s (${webhookDelivery.rounds} rounds of ${webhookDelivery.batch}, median ${webhookDelivery.medianRoundMs.toFixed(1)} ms; sending nothing ${Math.round(webhookDelivery.storeOnlyMessagesPerSec).toLocaleString("en-US")}/s, the POSTs alone ${Math.round(webhookDelivery.transportOnlyMessagesPerSec).toLocaleString("en-US")}/s)`,
  );

  return { seed: seedResult, results, liveTokens: liveTokensOf(pools), webhookDelivery };
}

function liveTokensOf(pools: Pools): string[] {
  return pools.freshTokens.slice(0, 5000);
}
