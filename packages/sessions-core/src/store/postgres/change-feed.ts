// Postgres LISTEN/NOTIFY as the ChangeFeed: every API instance on one database hears every change.
// NOTIFY payloads are capped at 8000 bytes; a change message is a few hundred at most.
import type postgres from "postgres";
import { parseChangeMessage } from "../shared/change-message.js";
import type { ChangeFeed } from "../store.js";

export { parseChangeMessage };

export const CHANGE_CHANNEL = "sessions_changes";

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
