// An admin's long read never holds the services' validations (issue 16), over real HTTP on SQLite
// and Postgres: a sessions.validate sent while an exact "N matching" count over many sessions is
// running is answered before that count. An ordering, not a timing: the validate is sent once the
// store has started the count (its statement logged), and on SQLite before this issue the count
// ran synchronously on the event loop, so its answer was on the wire before the validate was read.
import type { BulkBatch, SessionRecord, UserRecord } from "@sessions/core";
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";
import type { RevokePreviewEvent } from "../src/router/revoke-preview.js";
import { trpcClient } from "./http-suite.js";

/**
 * Sessions seeded, 100 per user: the exact count then takes some 200 ms on SQLite and 100 ms on
 * Postgres (which counts in parallel) here, against a few ms for a validate.
 */
const SIZES: Record<"sqlite-file" | "postgres", number> = { "sqlite-file": 150_000, postgres: 300_000 };
const PER_USER = 100;
const DAY = 86_400_000;

/** Resolves `started` when the store logs a statement matching the pattern (just before running it). */
class StatementWatch {
  private waiting: { pattern: RegExp; resolve: () => void } | null = null;
  /** Statements logged so far, per pattern counted (see counting). */
  private counted = new Map<RegExp, number>();
  // drizzle's Logger: the store calls it with each statement it is about to run.
  logQuery(query: string): void {
    for (const [pattern, n] of this.counted) if (pattern.test(query)) this.counted.set(pattern, n + 1);
    if (this.waiting?.pattern.test(query)) {
      this.waiting.resolve();
      this.waiting = null;
    }
  }
  next(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => (this.waiting = { pattern, resolve }));
  }
  /** How many statements matching `pattern` have started since it was first asked about. */
  count(pattern: RegExp): number {
    if (!this.counted.has(pattern)) this.counted.set(pattern, 0);
    return this.counted.get(pattern)!;
  }
}

/** One window of a windowed count (windowed-count.ts): the email count over a range of users' keys. */
const WINDOW = /count\(\*\)[\s\S]*like[\s\S]*"users"\.("id"|rowid) (>|<=) /i;

function* seed(now: number, total: number): Generator<BulkBatch> {
  const perUser = PER_USER;
  for (let u = 0; u < total / perUser; u += 100) {
    const users: UserRecord[] = [];
    const sessions: SessionRecord[] = [];
    for (let i = u; i < u + 100; i++) {
      const id = `0190seed-user-${String(i).padStart(6, "0")}`;
      const at = new Date(now - 10 * DAY);
      users.push({
        id,
        email: `person${i}@example.org`,
        name: null,
        role: "user",
        status: "active",
        confirmedAt: null,
        passwordHash: null,
        createdAt: at,
        updatedAt: at,
      });
      for (let k = 0; k < perUser; k++) {
        const createdAt = new Date(now - DAY + i * perUser + k);
        sessions.push({
          id: `0190seed-session-${String(i).padStart(6, "0")}-${String(k).padStart(4, "0")}`,
          kind: "app",
          tokenHash: `${String(i).padStart(8, "0")}${String(k).padStart(56, "0")}`,
          userId: id,
          createdAt,
          expiresAt: new Date(createdAt.getTime() + 30 * DAY),
          lastSeenAt: createdAt,
          authenticatedAt: null,
          authMethod: null,
          ip: null,
          userAgent: null,
          browser: null,
          os: null,
          deviceType: null,
          revokedAt: null,
          revokedBy: null,
          revokeReason: null,
          endReason: null,
        });
      }
    }
    yield { users, sessions };
  }
}

// Postgres only on a server (always in CI): PGlite, the stand-in without one, runs the database in
// this very process, so its reads hold the event loop as SQLite's did before this issue.
const kinds: ("sqlite-file" | "postgres")[] =
  process.env.TEST_POSTGRES_URL || process.env.CI ? ["sqlite-file", "postgres"] : ["sqlite-file"];

for (const kind of kinds satisfies StoreKind[]) {
  describe(`an admin's long read and the services' validations (${kind})`, () => {
    const watch = new StatementWatch();
    const sessions = SIZES[kind];
    let harness: StoreHarness;
    let server: TestServer;
    let key: string;
    let token: string;

    beforeAll(async () => {
      harness = await createStoreHarness(kind, { logger: watch });
      const store = await harness.fresh();
      await store.insertSessionsBulk(seed(Date.now(), sessions));
      // Windows of a fixed 1/200th of the users, so the count is long enough to cancel part-way.
      server = await startTestServer({ store, windowTuning: { initialParts: 200, maxGrowth: 1 } });
      const { service } = server.app;
      key = (
        await service.createApiKey({
          name: "svc",
          scopes: ["sessions:issue", "sessions:read", "sessions:revoke"],
        })
      ).key;
      const user = await service.createUser({ email: "someone@elsewhere.test" });
      token = (await service.createSession({ userId: user.id })).token;
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await harness?.dispose();
    });

    it("a validate sent while an exact substring count runs is answered before the count", async () => {
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      const answered: string[] = [];
      // "example" is in every seeded email: too many users for the trigram shortcut, so the count
      // joins and tests every session (what "gmail" did at 1M).
      const started = watch.next(/count\(\*\)[\s\S]*like/i);
      const count = fetch(`${server.url}/api/v1/sessions/count?email=example`, { headers }).then(
        async (res) => {
          answered.push("count");
          return { status: res.status, body: (await res.json()) as { count: number } };
        },
      );
      await started;
      const validate = await fetch(`${server.url}/api/v1/sessions/validate`, {
        method: "POST",
        headers,
        body: JSON.stringify({ token }),
      });
      answered.push("validate");
      expect(validate.status).toBe(200);
      expect(((await validate.json()) as { session: { id: string } | null }).session).not.toBeNull();
      const counted = await count;
      expect(counted).toEqual({ status: 200, body: { count: sessions } });
      expect(answered).toEqual(["validate", "count"]);
    });

    it('"N matching" answers the same search with bounded work: "10,000+"', async () => {
      const res = await fetch(
        `${server.url}/trpc/sessions.countMatching?input=${encodeURIComponent(JSON.stringify({ json: { filter: { email: "example" } } }))}`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result: { data: { json: unknown } } };
      expect(body.result.data.json).toEqual({ count: 10_000, exact: false });
    });

    it("a bulk revoke's dry run streams its progress, then the exact count", async () => {
      const api = trpcClient(server.url, { authorization: `Bearer ${key}` });
      const events: RevokePreviewEvent[] = [];
      const windowsBefore = watch.count(WINDOW);
      await new Promise<void>((resolve, reject) => {
        const subscription = api.sessions.previewRevoke.subscribe(
          { filter: { email: "example" } },
          {
            onData: (event) => {
              events.push(event);
              if (event.type === "done") {
                subscription.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      const done = events.at(-1)!;
      expect(done).toMatchObject({ type: "done", matched: sessions, revoked: 0 });
      // The sample comes as soon as its one page is read, long before the count ends.
      const sampled = events.findIndex((e) => e.type === "sample");
      expect(sampled).toBeGreaterThanOrEqual(0);
      expect(sampled).toBeLessThan(events.length - 10);
      const sample = events[sampled]!;
      expect(sample.type === "sample" && sample.sample.map((s) => s.id)).toEqual(
        done.type === "done" && done.sample.map((s) => s.id),
      );
      const progress = events.filter((e) => e.type === "progress");
      // The first report (nothing counted yet), at least one part-way, and the whole span.
      expect(progress[0]).toMatchObject({ matched: 0, fraction: 0, countedFrom: null });
      expect(progress.some((p) => p.fraction > 0 && p.fraction < 1)).toBe(true);
      expect(progress.at(-1)).toMatchObject({ matched: sessions, fraction: 1 });
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i]!.matched).toBeGreaterThanOrEqual(progress[i - 1]!.matched);
        expect(progress[i]!.fraction).toBeGreaterThan(progress[i - 1]!.fraction);
      }
      // A walk of users (an email search) has no createdAt to report.
      expect(progress.every((p) => p.countedFrom === null)).toBe(true);
      expect(watch.count(WINDOW) - windowsBefore).toBeGreaterThan(100);
    });

    it("closing a dry run's stream stops its count between two windows", async () => {
      const api = trpcClient(server.url, { authorization: `Bearer ${key}` });
      const full = watch.count(WINDOW);
      // How many windows the whole count takes: the preview above, run again to its end.
      await new Promise<void>((resolve, reject) => {
        const sub = api.sessions.previewRevoke.subscribe(
          { filter: { email: "example" } },
          { onData: (e) => e.type === "done" && (sub.unsubscribe(), resolve()), onError: reject },
        );
      });
      const whole = watch.count(WINDOW) - full;
      const start = watch.count(WINDOW);
      await new Promise<void>((resolve, reject) => {
        const sub = api.sessions.previewRevoke.subscribe(
          { filter: { email: "example" } },
          {
            onData: (e) => {
              if (e.type === "progress" && e.fraction > 0) {
                sub.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      // Long enough for the rest of the count, had it gone on (the whole took a fraction of this).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const ran = watch.count(WINDOW) - start;
      expect(ran).toBeGreaterThan(0);
      expect(ran).toBeLessThan(whole);
      // And the stream's slot is free again: a key may hold at most maxPerCaller streams.
      await vi.waitFor(async () => {
        const res = await fetch(`${server.url}/api/v1/sessions/count`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.status).toBe(200);
      });
    });
  });
}
