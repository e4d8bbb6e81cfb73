// The webhook outbox, written in the transaction of the change it tells of (DESIGN: "a change and
// everything it causes commit together"): a committed change always has its deliveries, a
// rolled-back one has none, and a crash after commit loses nothing, because the dispatcher reads
// only what committed.
//
// The fan-out to endpoints is one INSERT … SELECT joined with the enabled endpoints subscribed to
// each message's type, so a change costs no extra read when there are no endpoints (the join is
// empty) and no extra round trip on Postgres (the statement rides along with the change's other
// writes, see postgres/store.ts countRevoked). A delivery's id, its webhook-id, is the message's
// UUIDv7 and the endpoint's id: unique per (message, endpoint), in commit order per endpoint.
import { sql, type SQL } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { SessionKind, WebhookMessageType } from "../../vocab.js";
import type { Revocation, SessionRecord } from "../store.js";
import type { Context, RevokedRow } from "./context.js";

export interface OutboxMessage {
  type: WebhookMessageType;
  data: Record<string, unknown>;
}

/** Messages per statement: a revocation batch of 500 sessions is two statements, not 500. */
const CHUNK = 250;

/** The body a receiver gets, exactly as signed: `{ type, timestamp, data }`. */
export function webhookBody(type: WebhookMessageType, at: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

/**
 * The statements that write `messages` (all of one change, at `at`) to every enabled endpoint
 * subscribed to their type, or, with `onlyEndpoint`, to that endpoint alone (webhooks.test).
 */
export function outboxWrites(
  { t, h }: Pick<Context, "t" | "h">,
  at: Date,
  messages: OutboxMessage[],
  onlyEndpoint?: string,
): SQL[] {
  const writes: SQL[] = [];
  for (let i = 0; i < messages.length; i += CHUNK) {
    const rows = outboxRows(at, messages.slice(i, i + CHUNK)).map(
      (m) => sql`select ${m.id} as id, ${m.type} as type, ${m.payload} as payload`,
    );
    writes.push(outboxInsert(t, h.instant(at), sql.join(rows, sql` union all `), onlyEndpoint));
  }
  return writes;
}

/** Each message's outbox row: its id (a UUIDv7, the webhook-id's first half), type and signed body. */
export function outboxRows(
  at: Date,
  messages: OutboxMessage[],
): { id: string; type: string; payload: string }[] {
  return messages.map((m) => ({ id: uuidv7(), type: m.type, payload: webhookBody(m.type, at, m.data) }));
}

/**
 * The fan-out: one delivery per message of `rows` (a query of id, type, payload) and endpoint that
 * takes it, created at `instant`. Postgres's one-statement create (postgres/store.ts) feeds it the
 * rows as one JSON parameter, so its text is the same on every call.
 */
export function outboxInsert(t: Context["t"], instant: SQL, rows: SQL, onlyEndpoint?: string): SQL {
  const e = t.webhookEndpoints;
  // events is a JSON array (SQLite text, Postgres jsonb): as text, a subscribed type appears quoted.
  const to = onlyEndpoint
    ? sql`${e.id} = ${onlyEndpoint}`
    : sql`${e.enabled} and cast(${e.events} as text) like '%"' || m.type || '"%'`;
  return sql`insert into ${t.webhookDeliveries}
      (id, endpoint_id, type, payload, created_at, status, attempts, next_attempt_at)
      select m.id || '.' || ${e.id}, ${e.id}, m.type, m.payload, ${instant}, 'pending', 0, ${instant}
      from (${rows}) m
      join ${e} on ${to}`;
}

type EndedSession = Pick<RevokedRow, "id" | "userId"> & { kind: SessionKind };

/** session.ended for each session a revocation ended. */
export function sessionEnded(rows: EndedSession[], r: Revocation): OutboxMessage[] {
  return rows.map((row) => ({
    type: "session.ended",
    data: {
      sessionId: row.id,
      userId: row.userId,
      kind: row.kind,
      endReason: r.endReason,
      endedAt: r.at.toISOString(),
    },
  }));
}

export function sessionCreated(s: SessionRecord): OutboxMessage {
  return {
    type: "session.created",
    data: {
      sessionId: s.id,
      userId: s.userId,
      kind: s.kind,
      createdAt: s.createdAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      authMethod: s.authMethod,
    },
  };
}
