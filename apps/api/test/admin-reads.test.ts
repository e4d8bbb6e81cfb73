// An admin's long read never holds the services' validations (issue 16), over real HTTP on SQLite
// and Postgres: a sessions.validate sent while an exact "N matching" count over many sessions is
// running is answered before that count. An ordering, not a timing: the validate is sent once the
// store has started the count (its statement logged), and on SQLite before this issue the count
// ran synchronously on the event loop, so its answer was on the wire before the validate was read.
import type { BulkBatch, SessionRecord, UserRecord } from "@sessions/core";
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../src/testing/index.js";

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
  // drizzle's Logger: the store calls it with each statement it is about to run.
  logQuery(query: string): void {
    if (this.waiting?.pattern.test(query)) {
      this.waiting.resolve();
      this.waiting = null;
    }
  }
  next(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => (this.waiting = { pattern, resolve }));
  }
}

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
      server = await startTestServer({ store });
      const { service } = server.app;
      key = (await service.createApiKey({ name: "svc", scopes: ["sessions:issue", "sessions:read"] })).key;
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
  });
}
