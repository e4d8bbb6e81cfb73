// Webhooks (issue 14) over real HTTP with the dispatcher running: a service adds an endpoint over
// REST, changes made over REST arrive at a real receiver on loopback, each verified with the
// standardwebhooks package against the real clock; retries; a delivery that survives a restart
// between commit and send; two API instances on one database send each message exactly once.
import type { SessionsStore } from "@sessions/core";
import {
  createStoreHarness,
  startWebhookReceiver,
  type StoreHarness,
  type StoreKind,
  type WebhookReceiver,
} from "@sessions/core/testing";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, type App } from "../src/http/server.js";
import { createdWebhookJson, webhookDeliveryPageJson } from "../src/rest/schemas.js";
import { testEnv } from "../src/testing/index.js";

/** A loopback receiver needs both; production refuses them (see the SSRF test below). */
const LOOPBACK = { WEBHOOK_ALLOW_HTTP: "true", WEBHOOK_ALLOW_PRIVATE: "true" };
const DISPATCH = { ...LOOPBACK, WEBHOOK_POLL_INTERVAL: "50ms" };

for (const kind of ["sqlite-file", "postgres"] as const satisfies StoreKind[]) {
  describe(`webhooks over HTTP (${kind})`, () => {
    let harness: StoreHarness;
    let receiver: WebhookReceiver;
    const apps: App[] = [];
    beforeAll(async () => {
      harness = await createStoreHarness(kind);
    });
    afterAll(async () => {
      await harness?.dispose();
    });
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
    });
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((a) => a.close()));
      await receiver.close();
    });

    /** An API instance over `store` (a process of its own, as far as the database can tell). */
    async function instance(store: SessionsStore, env: Record<string, string>) {
      const app = await createApp({ env: testEnv(env), store, statsDebounceMs: 0, drainIdleMs: 20 });
      apps.push(app);
      const url = await app.listen(0, "127.0.0.1");
      const { key } = await app.service.createApiKey({
        name: `service ${apps.length}`,
        scopes: ["webhooks:manage", "sessions:issue", "users:write"],
      });
      const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
        const res = await fetch(`${url}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      return { app, call };
    }

    async function addEndpoint(call: Awaited<ReturnType<typeof instance>>["call"], events: string[]) {
      const created = await call("POST", "/webhooks", { url: receiver.url, events });
      expect(created.status).toBe(201);
      const parsed = createdWebhookJson.parse(created.body);
      receiver.secret = parsed.secret;
      return parsed;
    }

    it("a service adds an endpoint over REST; sessions made over REST arrive signed, verified by standardwebhooks", async () => {
      const { app, call } = await instance(await harness.fresh(), DISPATCH);
      const { endpoint, secret } = await addEndpoint(call, ["session.created", "session.ended"]);
      const user = await app.service.createUser({ email: "hooked@example.com" });
      const made: { token: string; session: { id: string } }[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await call("POST", "/sessions", { userId: user.id });
        made.push(res.body as (typeof made)[number]);
      }
      expect((await call("POST", "/sessions/end", { token: made[0]!.token })).status).toBe(200);

      const got = await receiver.waitFor(4);
      const verifier = new Webhook(secret);
      const bodies = got.map((r) => verifier.verify(r.body, r.headers as Record<string, string>)) as {
        type: string;
        data: { sessionId: string; endReason?: string };
      }[];
      expect(bodies.map((b) => b.type)).toEqual([
        "session.created",
        "session.created",
        "session.created",
        "session.ended",
      ]);
      expect(bodies.slice(0, 3).map((b) => b.data.sessionId)).toEqual(made.map((m) => m.session.id));
      expect(bodies[3]!.data).toMatchObject({ sessionId: made[0]!.session.id, endReason: "logout" });
      // The check can fail: a body changed on the way does not verify.
      expect(() =>
        verifier.verify(
          got[0]!.body.replace("session.created", "session.ended"),
          got[0]!.headers as Record<string, string>,
        ),
      ).toThrow();

      // Marked delivered once each answer is back (the receiver has them a moment before that).
      const log = async () =>
        webhookDeliveryPageJson.parse(
          (await call("GET", `/webhooks/${endpoint.id}/deliveries?limit=10`)).body,
        ).items;
      await expect
        .poll(async () => (await log()).map((d) => d.status))
        .toEqual(["delivered", "delivered", "delivered", "delivered"]);
      expect(new Set((await log()).map((d) => d.id))).toEqual(new Set(got.map((r) => r.id)));
    });

    it("retries a receiver that fails twice with the same webhook-id, then delivers", async () => {
      const { app, call } = await instance(await harness.fresh(), {
        ...DISPATCH,
        WEBHOOK_RETRY_SCHEDULE: "100ms,100ms,100ms",
      });
      const { endpoint } = await addEndpoint(call, ["session.created"]);
      receiver.respond = (n) => (n < 2 ? 500 : 200);
      const user = await app.service.createUser({ email: "retried@example.com" });
      await call("POST", "/sessions", { userId: user.id });
      const got = await receiver.waitFor(3);
      expect(new Set(got.map((r) => r.id)).size).toBe(1);
      expect(got.every((r) => r.signatureValid)).toBe(true);
      await expect
        .poll(
          async () =>
            webhookDeliveryPageJson.parse((await call("GET", `/webhooks/${endpoint.id}/deliveries`)).body)
              .items[0],
        )
        .toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200 });
    });

    it("a change committed while no dispatcher ran is delivered by the next instance to start", async () => {
      const first = await instance(await harness.fresh(), { ...LOOPBACK, WEBHOOK_POLL_INTERVAL: "off" });
      await addEndpoint(first.call, ["session.created"]);
      const user = await first.app.service.createUser({ email: "restart@example.com" });
      const made = await first.call("POST", "/sessions", { userId: user.id });
      await first.app.close();
      apps.splice(apps.indexOf(first.app), 1);
      expect(receiver.received).toHaveLength(0);

      // The "restarted" API: a new store on the same database, as a new process opens it.
      const second = await harness.openSecond();
      await instance(second!, DISPATCH);
      const [got] = await receiver.waitFor(1);
      expect(got!.signatureValid).toBe(true);
      expect(got!.data.sessionId).toBe((made.body.session as { id: string }).id);
    });

    it("two API instances on one database send each of 200 messages exactly once", async () => {
      const a = await instance(await harness.fresh(), DISPATCH);
      const b = await instance((await harness.openSecond())!, DISPATCH);
      await addEndpoint(a.call, ["session.created"]);
      const user = await a.app.service.createUser({ email: "two@example.com" });
      // Sent at once, half through each instance: both dispatchers are woken and race for claims.
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).call("POST", "/sessions", { userId: user.id })),
      );
      await receiver.waitFor(200, 30_000);
      // A little longer, so a second send of any of them would have arrived too.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.received).toHaveLength(200);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(200);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    });

    it("by default refuses http and non-public URLs with 400 naming the url, creating nothing", async () => {
      const { call } = await instance(await harness.fresh(), {});
      for (const url of [
        receiver.url,
        "https://127.0.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/",
      ]) {
        const res = await call("POST", "/webhooks", { url, events: ["session.created"] });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).toContain("url");
      }
      const listed = await call("GET", "/webhooks");
      expect(listed.body.items).toEqual([]);
    });
  });
}
