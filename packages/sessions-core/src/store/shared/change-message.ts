// A change message on the wire between processes (Postgres NOTIFY payloads, SQLite change_log rows):
// JSON, read back through one schema so a malformed or foreign message is dropped, never trusted.
import { z } from "zod";
import type { ChangeMessage } from "../store.js";

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
