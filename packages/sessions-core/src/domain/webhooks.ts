// Webhook rules: what an endpoint may be (inputs, and the SSRF guard on where it points), its
// Standard Webhooks secret, and when a failed delivery is tried again.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { LIMITS, WEBHOOK_EVENT_TYPES } from "../vocab.js";
import type { WebhookConfig } from "./config.js";
import { ValidationError } from "./errors.js";
import type { RandomSource } from "./tokens.js";

/** Standard Webhooks: "whsec_" and the base64 of the key; 32 random bytes (HMAC-SHA256's block is 64). */
export const WEBHOOK_SECRET_PREFIX = "whsec_";
export function generateWebhookSecret(random: RandomSource): string {
  return WEBHOOK_SECRET_PREFIX + Buffer.from(random(32)).toString("base64");
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A delivery's id (its webhook-id): the message's UUIDv7 and the endpoint's id (store/shared/outbox.ts). */
export const deliveryIdSchema = z
  .string()
  .trim()
  .regex(new RegExp(`^${UUID}\\.${UUID}$`, "i"), "must be a delivery id as webhooks.deliveries lists it");

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, "choose at least one event")
  .transform((events) => WEBHOOK_EVENT_TYPES.filter((e) => events.includes(e)));
const urlText = z
  .string()
  .trim()
  .min(1, "is required")
  .max(LIMITS.webhookUrl, `must be at most ${LIMITS.webhookUrl} characters`);
const description = z
  .string()
  .trim()
  .max(LIMITS.webhookDescription, `must be at most ${LIMITS.webhookDescription} characters`)
  .nullish()
  .transform((d) => (d ? d : null));

export const createWebhookSchema = z.object({ url: urlText, events: eventsSchema, description });
export const updateWebhookSchema = z.object({
  url: urlText.optional(),
  events: eventsSchema.optional(),
  description,
  enabled: z.boolean().optional(),
});

/** Is this address one a webhook may reach? Only public unicast: never loopback, private, link-local (metadata), CGNAT, multicast, reserved. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process(): an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 it carries.
  return ipaddr.process(address).range() === "unicast";
}

function refuse(message: string): never {
  throw new ValidationError(`url ${message}`, [{ path: "url", message }]);
}

/**
 * Checks an endpoint URL at creation or change: https (http only with allowHttp), no credentials
 * in it, and, unless allowPrivate, a host that is or resolves only to public addresses. The
 * dispatcher checks the address again at every connect (DNS may change after this check).
 */
export async function checkWebhookUrl(text: string, config: WebhookConfig): Promise<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    refuse("is not an absolute URL, such as https://hooks.example.com/sessions");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && config.allowHttp)) {
    refuse(config.allowHttp ? "must be http or https" : "must be https (http needs WEBHOOK_ALLOW_HTTP=true)");
  }
  if (url.username || url.password) refuse("must not carry a user name or password");
  url.hash = "";
  if (config.allowPrivate) return url.toString();
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      refuse(`host ${host} does not resolve`);
    }
  }
  const blocked = addresses.find((a) => !isPublicAddress(a));
  if (blocked !== undefined) {
    refuse(
      `points at a non-public address (${blocked}); loopback, private, link-local and metadata addresses are refused (WEBHOOK_ALLOW_PRIVATE=true allows them, unsafe)`,
    );
  }
  return url.toString();
}

/**
 * When a delivery that failed its `attempts`-th attempt is tried again, or null when the schedule
 * has run out. ±20% jitter, so the retries of many deliveries that failed together spread out.
 */
export function nextAttemptAt(
  at: Date,
  attempts: number,
  config: WebhookConfig,
  jitter = Math.random(),
): Date | null {
  const wait = config.retryScheduleMs[attempts - 1];
  if (wait === undefined) return null;
  return new Date(at.getTime() + Math.round(wait * (0.8 + 0.4 * jitter)));
}
