// createSessionsClient against a real API server on a random port: the way internal services use it.
import { startTestServer, type TestServer } from "@sessions/api/testing";
import { createStoreHarness, type StoreHarness, type StoreKind } from "@sessions/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createSessionsClient,
  errorCode,
  TRPCClientError,
  type LiveEvent,
  type SessionsClient,
} from "../src/index.js";

export function describeClientSuite(kind: StoreKind): void {
  describe(`createSessionsClient (${kind})`, () => {
    let harness: StoreHarness;
    let server: TestServer | null = null;
    beforeAll(async () => {
      harness = await createStoreHarness(kind);
    });
    afterEach(async () => {
      await server?.close();
      server = null;
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    async function setUp(scopes: Parameters<TestServer["app"]["service"]["createApiKey"]>[0]["scopes"]) {
      server = await startTestServer({ store: await harness.fresh() });
      const { key } = await server.app.service.createApiKey({ name: "test service", scopes });
      let requests = 0;
      const countingFetch: typeof fetch = (input, init) => {
        requests++;
        return fetch(input, init);
      };
      const client = createSessionsClient({ url: server.url, apiKey: key, fetch: countingFetch });
      return { s: server, client, key, requests: () => requests };
    }

    it("batches calls made together into one HTTP request; Dates arrive as Dates", async () => {
      const { s, client, requests } = await setUp(["sessions:read", "sessions:issue", "users:read"]);
      await client.sessions.create.mutate({ userId: s.admin.id, ip: "192.0.2.1", userAgent: "curl/8.5.0" });
      const before = requests();
      const [list, count, stats, user] = await Promise.all([
        client.sessions.listActive.query({ limit: 10, sort: { by: "lastSeenAt", dir: "desc" } }),
        client.sessions.count.query(),
        client.sessions.stats.query(),
        client.users.get.query({ id: s.admin.id }),
      ]);
      expect(requests() - before).toBe(1);
      expect(count).toBe(1);
      expect(list.items[0]!.createdAt).toBeInstanceOf(Date);
      expect(list.items[0]!.expiresAt.getTime() - list.items[0]!.createdAt.getTime()).toBe(60 * 86_400_000);
      expect(list.items[0]).toMatchObject({
        ip: "192.0.2.1",
        isCurrent: false,
        user: { email: s.adminEmail },
      });
      expect(stats.generatedAt).toBeInstanceOf(Date);
      expect(user?.createdAt).toBeInstanceOf(Date);
    });

    it("issues, validates and ends sessions for a service", async () => {
      const { s, client } = await setUp(["sessions:issue", "users:write"]);
      const user = await client.users.create.mutate({ email: "member@example.com", name: "Member" });
      const { token, session } = await client.sessions.create.mutate({
        userId: user.id,
        userAgent: "okhttp/4.12.0",
      });
      const validated = await client.sessions.validate.mutate({ token });
      expect(validated).toMatchObject({
        session: { id: session.id },
        user: { id: user.id, email: "member@example.com" },
      });
      expect(await client.sessions.end.mutate({ token })).toEqual({ ok: true });
      expect(await client.sessions.validate.mutate({ token })).toBeNull();
      const audit = await s.app.service.listAudit({ target: session.id });
      expect(audit.items.map((e) => e.actorType)).toEqual(["api_key", "api_key"]);
    });

    it("reports errors with their tRPC codes", async () => {
      const { s, client } = await setUp(["sessions:read"]);
      const forbidden = await client.users.list.query({}).catch((e: unknown) => e);
      expect(forbidden).toBeInstanceOf(TRPCClientError);
      expect(errorCode(forbidden)).toBe("FORBIDDEN");
      const invalid = await client.sessions.listActive.query({ limit: 0 }).catch((e: unknown) => e);
      expect(errorCode(invalid)).toBe("BAD_REQUEST");
      expect((invalid as TRPCClientError<never>).message).toContain("limit");
      const stranger = createSessionsClient({ url: `${s.url}/trpc/`, apiKey: "sk_sess_not-a-real-key" });
      expect(errorCode(await stranger.sessions.count.query().catch((e: unknown) => e))).toBe("UNAUTHORIZED");
      expect(errorCode(new Error("plain"))).toBeNull();
    });

    it("subscribes to live events over SSE (EventSource ponyfill) and sees session.revoked", async () => {
      const { s, client } = await setUp(["sessions:read", "sessions:issue", "sessions:revoke"]);
      const received: LiveEvent[] = [];
      const errors: unknown[] = [];
      const subscription = client.events.subscribe(undefined, {
        onData: (event) => received.push(event),
        onError: (error) => errors.push(error),
      });
      try {
        await vi.waitFor(() => expect(s.app.events.subscriberCount).toBe(1), { timeout: 5000 });
        const { session } = await client.sessions.create.mutate({ userId: s.admin.id });
        await client.sessions.revoke.mutate({ id: session.id, reason: "client test" });
        await vi.waitFor(
          () =>
            expect(received.map((e) => e.type)).toEqual(
              expect.arrayContaining(["session.created", "session.revoked"]),
            ),
          { timeout: 5000 },
        );
        expect(received.find((e) => e.type === "session.revoked")).toMatchObject({ sessionId: session.id });
        expect(errors).toEqual([]);
      } finally {
        subscription.unsubscribe();
      }
    });
  });
}

/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- deliberate type errors */
/** Compile-time checks: wrong calls must not typecheck. Never called. */
export function typeChecks(client: SessionsClient): void {
  // @ts-expect-error: unknown procedure
  void client.sessions.nuke.mutate();
  // @ts-expect-error: userId is required
  void client.sessions.create.mutate({ ip: "192.0.2.1" });
  // @ts-expect-error: status must be active | disabled
  void client.users.setStatus.mutate({ id: "x", status: "banned" });
  // @ts-expect-error: validate is a mutation, not a query
  void client.sessions.validate.query({ token: "t" });
  // @ts-expect-error: unknown scope
  void client.keys.create.mutate({ name: "k", scopes: ["root"] });
}
/* eslint-enable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access */
