// Live events over SSE (httpSubscriptionLink): session.created, session.revoked,
// user.sessions_revoked and stats.changed (plus sessions.revoked_many and user.status_changed).
import type { LiveEvent } from "../events.js";
import { authorizedProcedure } from "../trpc/procedures.js";

export const eventsProcedure = authorizedProcedure({ role: "viewer", scope: "sessions:read" }).subscription(
  async function* ({ ctx, signal }): AsyncGenerator<LiveEvent, void, unknown> {
    for await (const event of ctx.events.subscribe(signal)) yield event;
  },
);
