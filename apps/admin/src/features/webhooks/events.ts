// The events an endpoint may subscribe to, in the words the endpoint form offers them. The types are
// core's; an event added or removed there is a compile error here until it is described.
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT, type WebhookEventType } from "@sessions/core/vocab";

export type EventType = WebhookEventType;

const DESCRIPTIONS: Record<WebhookEventType, string> = {
  "session.created": "A session was created: someone signed in.",
  "session.ended": "A session was ended: revoked, signed out, or replaced (the reason is in the payload).",
  "user.disabled": "A user was disabled; their sessions ended with it.",
  "user.enabled": "A disabled user was enabled again.",
  "sessions.bulk_revoked": "Sessions were revoked by filter: one event per batch, with its count and filter.",
};

/** In core's order, which is the order the API stores them in. */
export const EVENTS: readonly { value: WebhookEventType; description: string }[] = WEBHOOK_EVENT_TYPES.map(
  (value) => ({ value, description: DESCRIPTIONS[value] }),
);

/** What an event type in the delivery log means, webhook.test included (it is never subscribed to). */
export function eventDescription(type: string): string | undefined {
  if (type === WEBHOOK_TEST_EVENT) return "A test event sent from the console.";
  return (DESCRIPTIONS as Partial<Record<string, string>>)[type];
}

/** Toggles one event, keeping core's order so the form sends what the API would store. */
export function toggleEvent(events: readonly EventType[], event: EventType, on: boolean): EventType[] {
  const next = new Set(events);
  if (on) next.add(event);
  else next.delete(event);
  return WEBHOOK_EVENT_TYPES.filter((e) => next.has(e));
}
