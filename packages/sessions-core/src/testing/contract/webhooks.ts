// Webhooks (issue 14): the transactional outbox (a change and its messages commit together, a
// failed change writes none), the dispatcher's claims, retries, redelivery and turning a failing
// endpoint off, and the SSRF guard, against a real receiver on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError } from "../../domain/errors.js";
import type { SessionsService } from "../../service/index.js";
import type { WebhookEventType } from "../../vocab.js";
import { startWebhookReceiver, type WebhookReceiver } from "../webhook-receiver.js";
import type { ContractContext } from "./context.js";
import {
  allAudit,
  collectPages,
  expectRejection,
  expectValidationError,
  makeUser,
  snapshot,
  UNKNOWN_ID,
} from "./fixtures.js";

const SECOND = 1000;
/** Loopback receivers need both (tests only; production refuses them). */
const LOOPBACK = { allowHttp: true, allowPrivate: true, retryScheduleMs: [5 * SECOND, 30 * SECOND] };
const cli = { actor: { type: "cli" } } as const;

export function webhooksContract(t: ContractContext) {
  let receiver: WebhookReceiver;
  let hooks: SessionsService;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    hooks = t.withConfig({ webhooks: LOOPBACK });
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function endpoint(events: WebhookEventType[], url = receiver.url, service = hooks) {
    const created = await service.createWebhook({ url, events }, cli);
    receiver.secret = created.secret;
    return created;
  }
  /** An endpoint's deliveries, oldest first (every page). */
  const deliveries = async (endpointId: string, service = hooks) =>
    (
      await collectPages((cursor) => service.listWebhookDeliveries({ endpointId, limit: 200, cursor }))
    ).reverse();
  const bodyOf = (payload: string) =>
    JSON.parse(payload) as { type: string; timestamp: string; data: Record<string, unknown> };

  describe("webhooks: the outbox", () => {
    it("a change commits its messages with it, to each enabled endpoint subscribed to the type", async () => {
      const sessions = await endpoint(["session.created", "session.ended"]);
      const users = await hooks.createWebhook(
        { url: receiver.url, events: ["user.disabled", "user.enabled"] },
        cli,
      );
      const off = await hooks.createWebhook({ url: receiver.url, events: ["session.created"] }, cli);
      await hooks.updateWebhook({ id: off.endpoint.id, enabled: false }, cli);

      const user = await makeUser(hooks);
      const created = await hooks.createSession({ userId: user.id, authMethod: "passkey" });
      expect((await hooks.revokeSession(created.session.id)).ok).toBe(true);
      const second = await hooks.createSession({ userId: user.id });
      await hooks.setUserStatus(user.id, "disabled");

      const sent = (await deliveries(sessions.endpoint.id)).map((d) => ({
        type: d.type,
        body: bodyOf(d.payload),
      }));
      expect(sent.map((s) => s.type)).toEqual([
        "session.created",
        "session.ended",
        "session.created",
        "session.ended",
      ]);
      expect(sent[0]!.body).toEqual({
        type: "session.created",
        timestamp: created.session.createdAt.toISOString(),
        data: {
          sessionId: created.session.id,
          userId: user.id,
          kind: "app",
          createdAt: created.session.createdAt.toISOString(),
          expiresAt: created.session.expiresAt.toISOString(),
          authMethod: "passkey",
        },
      });
      expect(sent[1]!.body.data).toEqual({
        sessionId: created.session.id,
        userId: user.id,
        kind: "app",
        endReason: "revoked",
        endedAt: t.clock.now().toISOString(),
      });
      expect(sent[3]!.body.data).toMatchObject({ sessionId: second.session.id, endReason: "user_disabled" });
      const userSent = await deliveries(users.endpoint.id);
      expect(userSent.map((d) => bodyOf(d.payload))).toEqual([
        { type: "user.disabled", timestamp: t.clock.now().toISOString(), data: { userId: user.id } },
      ]);
      expect(await deliveries(off.endpoint.id)).toEqual([]);
      // Every delivery waits, pending, for the dispatcher; ids are unique per (message, endpoint).
      const all = [...(await deliveries(sessions.endpoint.id)), ...userSent];
      expect(all.every((d) => d.status === "pending" && d.attempts === 0)).toBe(true);
      expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
    });

    it("a bulk revoke is one sessions.bulk_revoked per batch with its count and filter, not a message per session", async () => {
      const bulk = await endpoint(["sessions.bulk_revoked", "session.ended"]);
      const user = await makeUser(hooks);
      for (let i = 0; i < 3; i++) await hooks.createSession({ userId: user.id });
      const result = await hooks.revokeSessions({ filter: { userId: user.id }, dryRun: false }, cli);
      expect(result).toMatchObject({ revoked: 3 });
      const sent = await deliveries(bulk.endpoint.id);
      expect(sent.map((d) => d.type)).toEqual(["sessions.bulk_revoked"]);
      expect(bodyOf(sent[0]!.payload).data).toMatchObject({
        count: 3,
        endReason: "bulk",
        filter: { userId: user.id },
      });
    });

    it("a change that fails writes no message, and a rolled-back transaction takes its messages with it", async () => {
      const all = await endpoint(["session.created", "session.ended", "user.disabled", "user.enabled"]);
      const user = await makeUser(hooks);
      const kept = await hooks.createSession({ userId: user.id });
      const before = (await deliveries(all.endpoint.id)).length;

      // Refused changes: a session for a disabled user, one past a deny limit, revoking twice.
      const denied = t.withConfig({ webhooks: LOOPBACK, maxSessionsPerUser: 1, sessionLimitPolicy: "deny" });
      await expectRejection(denied.createSession({ userId: user.id }), ConflictError);
      await hooks.revokeSession(kept.session.id);
      const afterRevoke = (await deliveries(all.endpoint.id)).length;
      expect(afterRevoke).toBe(before + 1);
      expect((await hooks.revokeSession(kept.session.id)).ok).toBe(false);
      await hooks.setUserStatus(user.id, "disabled");
      const afterDisable = (await deliveries(all.endpoint.id)).length;
      await expectRejection(hooks.createSession({ userId: user.id }), ForbiddenError);
      expect((await deliveries(all.endpoint.id)).length).toBe(afterDisable);

      // A transaction that fails after its outbox statement ran: the status change writes its
      // messages, then its audit event collides with an existing id, so the whole change rolls back.
      const other = await makeUser(hooks);
      await hooks.createSession({ userId: other.id });
      const count = (await deliveries(all.endpoint.id)).length;
      const existing = (await allAudit(hooks))[0]!;
      const at = t.clock.now();
      await expect(
        t.store.setUserStatus(
          other.id,
          "disabled",
          at,
          { at, by: "system", endReason: "user_disabled", reason: null },
          { ...existing, action: "user.disabled", target: other.id },
        ),
      ).rejects.toThrow();
      expect((await hooks.getUser(other.id))?.status).toBe("active");
      expect((await deliveries(all.endpoint.id)).length).toBe(count);
    });

    it("several messages of one change keep their order, and a long revocation writes them all", async () => {
      const ended = await endpoint(["session.ended"]);
      const user = await makeUser(hooks);
      const made = [];
      for (let i = 0; i < 300; i++) made.push(await hooks.createSession({ userId: user.id }));
      expect(await hooks.revokeUserSessions(user.id)).toBe(300);
      const sent = await deliveries(ended.endpoint.id);
      expect(sent).toHaveLength(300);
      expect(new Set(sent.map((d) => bodyOf(d.payload).data.sessionId))).toEqual(
        new Set(made.map((m) => m.session.id)),
      );
    });
  });

  describe("webhooks: delivery", () => {
    it("delivers signed messages (Standard Webhooks) to a real receiver, in commit order per endpoint", async () => {
      const created = await endpoint(["session.created"]);
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const user = await makeUser(hooks);
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await hooks.createSession({ userId: user.id }));
      const result = await hooks.dispatchWebhooks();
      expect(result).toEqual({ claimed: 5, delivered: 5, failed: 0 });
      const got = await receiver.waitFor(5);
      expect(got.map((r) => r.data.sessionId)).toEqual(made.map((m) => m.session.id));
      expect(got.every((r) => r.signatureValid)).toBe(true);
      expect(got.every((r) => r.headers["content-type"] === "application/json")).toBe(true);
      expect(got[0]!.timestamp).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
      const log = await deliveries(created.endpoint.id);
      expect(log.every((d) => d.status === "delivered" && d.attempts === 1 && d.lastStatusCode === 204)).toBe(
        true,
      );
      expect(log.map((d) => d.id)).toEqual(got.map((r) => r.id));
      // Nothing is sent twice: the next round finds nothing due.
      expect(await hooks.dispatchWebhooks()).toEqual({ claimed: 0, delivered: 0, failed: 0 });
      // A wrong secret does not verify: the check above can fail.
      receiver.secret = "whsec_" + Buffer.alloc(32, 1).toString("base64");
      await hooks.testWebhook(created.endpoint.id, cli);
      await hooks.dispatchWebhooks();
      expect((await receiver.waitFor(6))[5]!.signatureValid).toBe(false);
    });

    it("retries a failing receiver on the schedule with the same webhook-id, then delivers", async () => {
      const created = await endpoint(["session.created"]);
      receiver.respond = (n) => (n < 2 ? 500 : 200);
      const user = await makeUser(hooks);
      await hooks.createSession({ userId: user.id });

      expect(await hooks.dispatchWebhooks()).toMatchObject({ delivered: 0, failed: 1 });
      let [delivery] = await deliveries(created.endpoint.id);
      expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
      expect(delivery!.lastError).toContain("HTTP 500");
      // 5 s ± 20%: not due before 4 s.
      const wait = delivery!.nextAttemptAt!.getTime() - t.clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(4 * SECOND);
      expect(wait).toBeLessThanOrEqual(6 * SECOND);
      expect((await hooks.getWebhook(created.endpoint.id))?.status).toBe("failing");
      t.clock.advance(3 * SECOND);
      expect((await hooks.dispatchWebhooks()).claimed).toBe(0);
      t.clock.advance(3 * SECOND);
      expect(await hooks.dispatchWebhooks()).toMatchObject({ claimed: 1, failed: 1 });
      t.clock.advance(40 * SECOND);
      expect(await hooks.dispatchWebhooks()).toMatchObject({ claimed: 1, delivered: 1 });
      [delivery] = await deliveries(created.endpoint.id);
      expect(delivery).toMatchObject({
        status: "delivered",
        attempts: 3,
        lastStatusCode: 200,
        lastError: null,
      });
      const got = await receiver.waitFor(3);
      expect(new Set(got.map((r) => r.id))).toEqual(new Set([delivery!.id]));
      expect((await hooks.getWebhook(created.endpoint.id))?.status).toBe("active");
    });

    it("a delivery whose schedule runs out fails; redeliver sends it again with the same webhook-id", async () => {
      const created = await endpoint(["session.created"]);
      receiver.respond = (n) => (n < 3 ? 503 : 204);
      await hooks.createSession({ userId: (await makeUser(hooks)).id });
      for (let i = 0; i < 3; i++) {
        await hooks.dispatchWebhooks();
        t.clock.advance(60 * SECOND);
      }
      const [failed] = await deliveries(created.endpoint.id);
      expect(failed).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null });
      const queued = await hooks.redeliverWebhook(failed!.id, cli);
      expect(queued).toMatchObject({ id: failed!.id, status: "pending", attempts: 0 });
      expect(await hooks.dispatchWebhooks()).toMatchObject({ delivered: 1 });
      const got = await receiver.waitFor(4);
      expect(got[3]!.id).toBe(failed!.id);
      expect(got[3]!.body).toBe(failed!.payload);
      expect((await allAudit(hooks)).filter((e) => e.action === "webhook.redelivered")).toHaveLength(1);
      await expectValidationError(hooks.redeliverWebhook("not-a-delivery", cli), "deliveryId");
      await expectRejection(hooks.redeliverWebhook(`${UNKNOWN_ID}.${UNKNOWN_ID}`, cli), NotFoundError);
    });

    it("an endpoint failing for WEBHOOK_DISABLE_AFTER is turned off, audited; turned on again it delivers what waited", async () => {
      const strict = t.withConfig({
        webhooks: {
          ...LOOPBACK,
          retryScheduleMs: Array(10).fill(60 * SECOND),
          disableAfterMs: 5 * 60 * SECOND,
        },
      });
      const created = await endpoint(["session.created"], receiver.url, strict);
      receiver.respond = () => 500;
      const user = await makeUser(strict);
      await strict.createSession({ userId: user.id });
      // Each retry is due 48–72 s after a failure (60 s ± 20%): 80 s steps find it due every time.
      // Failures at 0, 80, 160 and 240 s: still on; the one at 320 s is past the 5 minutes.
      for (let i = 0; i < 4; i++) {
        await strict.dispatchWebhooks();
        expect((await strict.getWebhook(created.endpoint.id))?.enabled).toBe(true);
        t.clock.advance(80 * SECOND);
      }
      await strict.dispatchWebhooks();
      const off = await strict.getWebhook(created.endpoint.id);
      expect(off).toMatchObject({ enabled: false, status: "disabled", disabledReason: "failing" });
      const [event] = (await allAudit(strict)).filter((e) => e.action === "webhook.disabled");
      expect(event).toMatchObject({
        actorType: "system",
        target: created.endpoint.id,
        targetType: "webhook",
      });
      // While off: nothing is claimed, and new changes write nothing for it. The waiting retry is
      // not due for another 38 s or more (48–72 s after the failure at 320 s).
      await strict.createSession({ userId: user.id });
      t.clock.advance(10 * SECOND);
      expect((await strict.dispatchWebhooks()).claimed).toBe(0);
      expect(await deliveries(created.endpoint.id, strict)).toHaveLength(1);
      // A test event still goes to it (checking it works comes before turning it on).
      receiver.respond = () => 204;
      await strict.testWebhook(created.endpoint.id, cli);
      expect(await strict.dispatchWebhooks()).toMatchObject({ delivered: 1 });
      expect(receiver.received.at(-1)?.type).toBe("webhook.test");
      const on = await strict.updateWebhook({ id: created.endpoint.id, enabled: true }, cli);
      expect(on).toMatchObject({ status: "active", disabledReason: null, failingSince: null });
      // Turned on, what waited goes now, not when the backoff its failures earned runs out.
      expect(await strict.dispatchWebhooks()).toMatchObject({ claimed: 1, delivered: 1 });
    });

    it("two dispatchers at once claim disjoint deliveries, and a claim lapses for another to take", async () => {
      const created = await endpoint(["session.created"]);
      const user = await makeUser(hooks);
      for (let i = 0; i < 20; i++) await hooks.createSession({ userId: user.id });
      const now = t.clock.now();
      const until = new Date(now.getTime() + 60 * SECOND);
      const [a, b] = await Promise.all([
        t.store.claimWebhookDeliveries(now, until, 12),
        t.store.claimWebhookDeliveries(now, until, 12),
      ]);
      const ids = [...a, ...b].map((c) => c.delivery.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(20);
      expect(a[0]).toMatchObject({ url: receiver.url, secret: receiver.secret });
      expect(await t.store.claimWebhookDeliveries(now, until, 50)).toEqual([]);
      t.clock.advance(61 * SECOND);
      expect(await hooks.dispatchWebhooks()).toMatchObject({ claimed: 20, delivered: 20 });
      expect((await deliveries(created.endpoint.id)).every((d) => d.status === "delivered")).toBe(true);
    });
  });

  describe("webhooks: endpoints", () => {
    it("create, list, update and delete are audited; the secret is returned once and never listed", async () => {
      const created = await hooks.createWebhook(
        {
          url: receiver.url,
          events: ["session.ended", "session.created", "session.ended"],
          description: "cache",
        },
        cli,
      );
      expect(created.endpoint).toMatchObject({
        events: ["session.created", "session.ended"],
        status: "active",
      });
      const listed = await hooks.listWebhooks();
      expect(listed).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain(created.secret);
      expect(JSON.stringify(await hooks.getWebhook(created.endpoint.id))).not.toContain(created.secret);
      const updated = await hooks.updateWebhook({ id: created.endpoint.id, events: ["user.disabled"] }, cli);
      expect(updated).toMatchObject({ events: ["user.disabled"], description: "cache" });
      expect(await hooks.deleteWebhook(created.endpoint.id, cli)).toEqual({ ok: true });
      expect(await hooks.deleteWebhook(created.endpoint.id, cli)).toEqual({ ok: false, error: "not_found" });
      expect(await hooks.listWebhooks()).toEqual([]);
      const actions = (await allAudit(hooks)).map((e) => e.action);
      expect(actions.filter((a) => a.startsWith("webhook."))).toEqual(
        expect.arrayContaining(["webhook.created", "webhook.updated", "webhook.deleted"]),
      );
      await expectRejection(hooks.updateWebhook({ id: UNKNOWN_ID, enabled: false }, cli), NotFoundError);
    });

    it("refuses bad input and, by default, http and every non-public address, changing nothing", async () => {
      const strict = t.service;
      const before = await snapshot(strict);
      for (const url of [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://192.168.0.10/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[fd00:ec2::254]/x",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://localhost/x",
        "https://user:pass@hooks.example.com/x",
        "not a url",
      ]) {
        await expectValidationError(strict.createWebhook({ url, events: ["session.created"] }, cli), "url");
      }
      const loopbackHttp = t.withConfig({ webhooks: { allowHttp: true } });
      await expectValidationError(
        loopbackHttp.createWebhook({ url: receiver.url, events: ["session.created"] }, cli),
        "url",
      );
      await expectValidationError(
        strict.createWebhook({ url: "https://8.8.8.8/x", events: [] }, cli),
        "events",
      );
      await expectValidationError(
        strict.createWebhook({ url: "https://8.8.8.8/x", events: ["session.started"] }, cli),
        "events.0",
      );
      await expectValidationError(
        strict.createWebhook(
          { url: `https://8.8.8.8/${"x".repeat(2100)}`, events: ["session.created"] },
          cli,
        ),
        "url",
      );
      expect(await strict.listWebhooks()).toEqual([]);
      expect(await snapshot(strict)).toBe(before);
      // A public address is accepted (nothing is sent until a change happens).
      const ok = await strict.createWebhook(
        { url: "https://8.8.8.8/hooks", events: ["session.created"] },
        cli,
      );
      expect(ok.endpoint.url).toBe("https://8.8.8.8/hooks");
    });

    it("checks the address again at connect time: a name that now resolves to loopback is refused, not reached", async () => {
      // Created while private addresses were allowed; the dispatcher runs with them refused, as a
      // production instance whose endpoint's DNS was turned to 127.0.0.1 after its creation.
      const port = new URL(receiver.url).port;
      const created = await endpoint(["session.created"], `http://localhost:${port}/hooks`);
      const guarded = t.withConfig({ webhooks: { ...LOOPBACK, allowPrivate: false } });
      await guarded.createSession({ userId: (await makeUser(guarded)).id });
      expect(await guarded.dispatchWebhooks()).toMatchObject({ claimed: 1, failed: 1 });
      const [delivery] = await deliveries(created.endpoint.id);
      expect(delivery!.lastError).toContain("non-public address");
      expect(receiver.received).toHaveLength(0);
    });

    it("a service may hold at most the endpoint limit", async () => {
      for (let i = 0; i < 50; i++)
        await hooks.createWebhook({ url: `${receiver.url}/${i}`, events: ["user.enabled"] }, cli);
      await expectRejection(
        hooks.createWebhook({ url: receiver.url, events: ["user.enabled"] }, cli),
        ConflictError,
      );
      expect(await hooks.listWebhooks()).toHaveLength(50);
    });
  });
}
