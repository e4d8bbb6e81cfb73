// One attempt to deliver a webhook: a signed POST over node:http(s), bounded by a deadline, no
// redirects followed (node's client never follows them; a 3xx is a failure), and the SSRF guard at
// connect time: the address the name resolves to NOW is checked, so an endpoint whose DNS turned to
// 127.0.0.1 or 169.254.169.254 after it was created (DNS rebinding) is refused, not reached.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { isPublicAddress } from "../domain/webhooks.js";

export interface WebhookRequest {
  url: string;
  /** The webhook-id: the same on every retry. */
  id: string;
  secret: string;
  payload: string;
  at: Date;
  timeoutMs: number;
  allowPrivate: boolean;
}

export type WebhookSendResult =
  { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/** Sends one webhook; what it came to, never a throw. */
export type WebhookSend = (request: WebhookRequest) => Promise<WebhookSendResult>;

/** The first bytes of a response kept for the delivery log's last error. */
const BODY_KEEP = 200;

class BlockedAddressError extends Error {
  readonly code = "EWEBHOOKBLOCKED";
}

/** dns.lookup, refusing non-public addresses (Node 20's happy eyeballs asks for all of them). */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) {
      return callback(
        new BlockedAddressError(`${hostname} resolves to a non-public address (${blocked.address}): refused`),
        "",
        0,
      );
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

export const sendWebhook: WebhookSend = (request) =>
  new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return resolve({ ok: false, statusCode: null, error: "invalid URL" });
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (!request.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      return resolve({ ok: false, statusCode: null, error: `${host} is a non-public address: refused` });
    }
    const signature = new Webhook(request.secret).sign(request.id, request.at, request.payload);
    const client = url.protocol === "https:" ? https : http;
    let settled = false;
    const finish = (result: WebhookSendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(url, {
      method: "POST",
      // A fresh connection per attempt: the guard runs on each, and no pooled socket outlives it.
      agent: false,
      lookup: request.allowPrivate ? undefined : guardedLookup,
      headers: {
        "content-type": "application/json",
        "user-agent": "Sessions-Webhooks/1",
        "webhook-id": request.id,
        "webhook-timestamp": String(Math.floor(request.at.getTime() / 1000)),
        "webhook-signature": signature,
        "content-length": Buffer.byteLength(request.payload),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, statusCode: null, error: `no answer within ${request.timeoutMs} ms` });
    }, request.timeoutMs);
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (body.length < BODY_KEEP) body += chunk;
      });
      res.on("error", () => undefined);
      res.on("end", () => {
        if (status >= 200 && status < 300) return finish({ ok: true, statusCode: status });
        const said = body.slice(0, BODY_KEEP).trim();
        const error =
          status >= 300 && status < 400
            ? `redirect to ${res.headers.location ?? "?"} not followed`
            : `HTTP ${status}${said ? `: ${said}` : ""}`;
        finish({ ok: false, statusCode: status, error });
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        statusCode: null,
        error: error.code ? `${error.code}: ${error.message}` : error.message,
      });
    });
    req.end(request.payload);
  });
