// Issue 14's figures: what one enabled webhook endpoint costs createSession (the outbox row its
// transaction now writes), and how fast the dispatcher delivers a backlog to a receiver on loopback.
//
// The fan-out joins the store's enabled endpoints, not the service's config: an endpoint on the
// database is seen by every service over it. So the endpoint of "createSession (1 webhook endpoint)"
// is enabled only while that operation warms up and is timed, and off for every other operation.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { SessionsService, WebhookSend } from "@sessions/core";
import { median } from "./measure.js";

/** Loopback receivers need both: the defaults accept only https URLs to public addresses. */
export const WEBHOOK_BENCH_CONFIG = { webhooks: { allowHttp: true, allowPrivate: true } } as const;
const EVENTS = ["session.created", "session.ended"];

/** For the dispatcher's database work alone: every attempt "succeeds" without leaving the process. */
export const sendNothing: WebhookSend = () => Promise.resolve({ ok: true, statusCode: 204 });

export interface WebhookDeliveryResult {
  dialect: string;
  /** Messages enqueued (session.created, one per createSession) and delivered. */
  messages: number;
  delivered: number;
  failed: number;
  /** createSession calls that enqueued them, one after another (not the figure: the dispatch is). */
  enqueueSec: number;
  /** The dispatcher rounds, back to back, until nothing was left to claim. */
  dispatchSec: number;
  messagesPerSec: number;
  batch: number;
  rounds: number;
  medianRoundMs: number;
  maxRoundMs: number;
  receiver: string;
  /**
   * What bounds the figure, each measured once in the same run: the same backlog again through a
   * dispatcher whose sender sends nothing (claims and attempt records only), and the transport
   * alone (the same body POSTed on a fresh connection each, one after another, nothing signed or
   * recorded; over up to 1,000 posts).
   */
  storeOnlyMessagesPerSec: number;
  transportOnlyMessagesPerSec: number;
}

/** The endpoint one operation measures with: off except while `during` runs. */
export interface OpEndpoint {
  id: string;
  during: <T>(timed: () => Promise<T>) => Promise<T>;
  /** Deletes it, and with it (foreign key, cascade) every delivery the operation wrote. */
  remove: () => Promise<void>;
}

export async function createOpEndpoint(admin: SessionsService): Promise<OpEndpoint> {
  // Never dispatched (it is deleted before the delivery figure), so nothing has to listen here.
  const { endpoint } = await admin.createWebhook({
    url: "http://127.0.0.1:9/bench-create-session",
    events: EVENTS,
    description: "bench: createSession (1 webhook endpoint)",
  });
  await admin.updateWebhook({ id: endpoint.id, enabled: false });
  return {
    id: endpoint.id,
    async during(timed) {
      await admin.updateWebhook({ id: endpoint.id, enabled: true });
      try {
        return await timed();
      } finally {
        await admin.updateWebhook({ id: endpoint.id, enabled: false });
      }
    },
    async remove() {
      const result = await admin.deleteWebhook(endpoint.id);
      if (!result.ok) throw new Error("the bench's webhook endpoint was gone before its cleanup");
    },
  };
}

/** How many deliveries an endpoint has (up to `upTo`), newest first. */
export async function deliveriesOf(admin: SessionsService, endpointId: string, upTo = 100) {
  return (await admin.listWebhookDeliveries({ endpointId, limit: upTo })).items;
}

/**
 * The cheapest receiver that still speaks HTTP: reads the body and answers 204, no signature
 * check (the sender signs anyway, so signing is in the figure; checking is the receiver's cost).
 * It runs in the bench process, on the same event loop as the dispatcher.
 */
async function startNullReceiver(): Promise<{
  url: string;
  count: () => number;
  close: () => Promise<void>;
}> {
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    count: () => received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface DeliveryOptions {
  dialect: string;
  /** The service the app uses: its createSession writes the messages. */
  service: SessionsService;
  /** A service over the same store with WEBHOOK_BENCH_CONFIG: endpoints and the dispatcher. */
  admin: SessionsService;
  /** The same, with `sendWebhook: sendNothing`. */
  adminSendingNothing: SessionsService;
  /** Each message's createSession input. */
  createInput: () => Parameters<SessionsService["createSession"]>[0];
  messages: number;
  batch: number;
  progress: (line: string) => void;
}

/**
 * Enqueues `messages` session.created for one endpoint pointing at a local receiver, then times
 * `dispatchWebhooks({ limit: batch })` rounds until all are delivered. Runs once no other
 * endpoint is enabled, so every claim is this endpoint's; the endpoint and its deliveries are
 * deleted afterwards.
 */
export async function measureWebhookDelivery(options: DeliveryOptions): Promise<WebhookDeliveryResult> {
  const { admin, messages, batch } = options;
  const receiver = await startNullReceiver();
  const { endpoint } = await admin.createWebhook({
    url: receiver.url,
    events: EVENTS,
    description: "bench: delivery throughput",
  });
  try {
    const enqueueSec = await enqueue(options);
    const [queued] = await deliveriesOf(admin, endpoint.id, 1);
    if (queued?.status !== "pending" || queued.type !== "session.created") {
      throw new Error("benchmark self-check failed: createSession queued no session.created delivery");
    }
    const sent = await drain(admin, options);
    if (sent.delivered !== messages || sent.failed !== 0 || receiver.count() !== messages) {
      throw new Error(
        `benchmark self-check failed: ${messages} queued, ${sent.delivered} delivered, ${sent.failed} failed, ${receiver.count()} received`,
      );
    }
    const transportOnlyMessagesPerSec = await postOneAfterAnother(
      receiver.url,
      queued.payload,
      Math.min(messages, 1_000),
    );
    await enqueue(options);
    const recorded = await drain(options.adminSendingNothing, options);
    if (recorded.delivered !== messages || receiver.count() !== messages + Math.min(messages, 1_000)) {
      throw new Error("benchmark self-check failed: the dispatcher that sends nothing sent something");
    }
    return {
      dialect: options.dialect,
      messages,
      delivered: sent.delivered,
      failed: sent.failed,
      enqueueSec,
      dispatchSec: sent.seconds,
      messagesPerSec: sent.delivered / sent.seconds,
      batch,
      rounds: sent.roundsMs.length,
      medianRoundMs: median(sent.roundsMs),
      maxRoundMs: Math.max(...sent.roundsMs),
      receiver:
        "node:http on 127.0.0.1 in the bench process, answers 204 without checking signatures; the sender opens a connection per delivery",
      storeOnlyMessagesPerSec: recorded.delivered / recorded.seconds,
      transportOnlyMessagesPerSec,
    };
  } finally {
    await admin.deleteWebhook(endpoint.id);
    await receiver.close();
  }
}

/** `messages` createSession calls one after another, each queuing one session.created; seconds. */
async function enqueue(options: DeliveryOptions): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < options.messages; i++) {
    await options.service.createSession(options.createInput());
    if (i % 500 === 0) options.progress(`${options.dialect} webhooks: enqueued ${i} / ${options.messages}`);
  }
  return (performance.now() - started) / 1000;
}

/** Dispatcher rounds back to back until one claims nothing (that last claim is timed too). */
async function drain(dispatcher: SessionsService, options: DeliveryOptions) {
  const roundsMs: number[] = [];
  let delivered = 0;
  let failed = 0;
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    const round = await dispatcher.dispatchWebhooks({ limit: options.batch });
    if (round.claimed === 0) break;
    roundsMs.push(performance.now() - t0);
    delivered += round.delivered;
    failed += round.failed;
    if (roundsMs.length % 10 === 0) {
      options.progress(`${options.dialect} webhooks: delivered ${delivered} / ${options.messages}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  options.progress("");
  return { delivered, failed, seconds, roundsMs };
}

/** `count` POSTs of `body`, each on a connection of its own as the sender opens them; per second. */
async function postOneAfterAnother(url: string, body: string, count: number): Promise<number> {
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      });
      req.on("error", reject);
      req.end(body);
    });
  const started = performance.now();
  for (let i = 0; i < count; i++) await post();
  return (count * 1000) / (performance.now() - started);
}
