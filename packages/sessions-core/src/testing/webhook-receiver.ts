// A real webhook receiver on loopback for tests: records what arrives, checks each signature with
// the standardwebhooks library, and answers what the test scripts (default 204).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  type: string;
  data: Record<string, unknown>;
  /**
   * The signature matches the body, id and timestamp under the receiver's secret (the library's
   * own signing compared; `Webhook.verify` would also check the timestamp against the real clock,
   * which a fake-clock test runs far from).
   */
  signatureValid: boolean;
  headers: http.IncomingHttpHeaders;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The secret signatures are checked against (the one webhooks.create returned). */
  secret: string | null;
  /** The status code for the n-th request (0-based); default 204. */
  respond: (n: number) => number;
  /** Resolves once `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const waiters: { count: number; resolve: () => void }[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    secret: null,
    respond: () => 204,
    async waitFor(count, timeoutMs = 10_000) {
      if (receiver.received.length < count) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`expected ${count} webhooks, got ${receiver.received.length}`)),
            timeoutMs,
          );
          waiters.push({
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      }
      return receiver.received.slice(0, count);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => String(req.headers[name] ?? "");
      const id = header("webhook-id");
      const timestamp = header("webhook-timestamp");
      const signature = header("webhook-signature");
      let signatureValid = false;
      if (receiver.secret) {
        const expected = new Webhook(receiver.secret).sign(id, new Date(Number(timestamp) * 1000), body);
        signatureValid = signature.split(" ").includes(expected);
      }
      let parsed: { type?: string; data?: Record<string, unknown> } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // recorded as is; the test sees type ""
      }
      receiver.received.push({
        id,
        timestamp,
        signature,
        body,
        type: parsed.type ?? "",
        data: parsed.data ?? {},
        signatureValid,
        headers: req.headers,
      });
      const status = receiver.respond(n++);
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? "receiver says no" : "");
      for (const w of waiters.filter((w) => receiver.received.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
