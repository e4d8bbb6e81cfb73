// Postgres LISTEN/NOTIFY as the ChangeFeed: every API instance on one database hears every change.
// NOTIFY payloads are capped at 8000 bytes; a change message is a few hundred at most.
import type postgres from "postgres";
import { z } from "zod";
import type { ChangeFeed, ChangeMessage } from "../store.js";

export const CHANGE_CHANNEL = "sessions_changes";

const messageSchema = z.object({
  origin: z.string().min(1).max(100),
  event: z.discriminatedUnion("type", [
    z.object({ type: z.literal("session.created"), sessionId: z.string(), userId: z.string() }),
    z.object({ type: z.literal("session.revoked"), sessionId: z.string(), userId: z.string().nullable() }),
    z.object({ type: z.literal("user.sessions_revoked"), userId: z.string(), count: z.number().int() }),
    z.object({ type: z.literal("sessions.revoked_many"), count: z.number().int() }),
    z.object({
      type: z.literal("user.status_changed"),
      userId: z.string(),
      status: z.enum(["active", "disabled"]),
      revokedSessions: z.number().int(),
    }),
    z.object({ type: z.literal("sessions.pruned"), count: z.number().int() }),
  ]),
}) satisfies z.ZodType<ChangeMessage>;

/** Reads a NOTIFY payload; anything that is not a well-formed change message is dropped. */
export function parseChangeMessage(payload: string): ChangeMessage | null {
  try {
    const result = messageSchema.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** The feed over a postgres.js client: LISTEN takes one dedicated connection of its own. */
export function createPostgresJsChangeFeed(client: postgres.Sql): ChangeFeed {
  return {
    async publish(message) {
      await client.notify(CHANGE_CHANNEL, JSON.stringify(message));
    },
    async subscribe(listener) {
      const subscription = await client.listen(CHANGE_CHANNEL, (payload) => {
        const message = parseChangeMessage(payload);
        if (message) listener(message);
      });
      return () => subscription.unlisten();
    },
  };
}
