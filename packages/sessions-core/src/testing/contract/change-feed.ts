// Cross-process change notifications: Postgres stores carry a LISTEN/NOTIFY feed, SQLite file stores
// a change_log table polled by id; another process on the same database hears either. An in-memory
// SQLite database has no other process, and no feed.
import { describe, expect, it } from "vitest";
import type { ChangeMessage } from "../../store/store.js";
import type { ContractContext } from "./context.js";
import { makeUser } from "./fixtures.js";

/** Resolves with the first `n` messages the listener gets, or rejects after `ms`. */
function collect(n: number, ms = 5000) {
  const messages: ChangeMessage[] = [];
  let done!: (value: ChangeMessage[]) => void;
  let fail!: (error: Error) => void;
  const all = new Promise<ChangeMessage[]>((resolve, reject) => ((done = resolve), (fail = reject)));
  const timer = setTimeout(() => fail(new Error(`got ${messages.length} of ${n} messages`)), ms);
  return {
    all,
    listener: (message: ChangeMessage) => {
      messages.push(message);
      if (messages.length === n) {
        clearTimeout(timer);
        done(messages);
      }
    },
  };
}

export function changeFeedContract(t: ContractContext): void {
  describe("change feed", () => {
    it("a change published through one store reaches a listener on another store of the same database", async () => {
      if (t.kind === "sqlite-memory") {
        expect(t.store.changeFeed).toBeNull();
        return;
      }
      const second = await t.harness.openSecond();
      const feed = second?.changeFeed;
      expect(feed).toBeTruthy();
      const got = collect(2);
      const unsubscribe = await feed!.subscribe(got.listener);
      try {
        // Events of the service, fed into the first store's feed as an API instance does.
        const service = t.withOptions({
          onEvent: (event) => void t.store.changeFeed!.publish({ origin: "a", event }),
        });
        const user = await makeUser(service);
        const { session } = await service.createSession({ userId: user.id });
        await service.revokeSession(session.id);
        expect(await got.all).toEqual([
          { origin: "a", event: { type: "session.created", sessionId: session.id, userId: user.id } },
          { origin: "a", event: { type: "session.revoked", sessionId: session.id, userId: null } },
        ]);
      } finally {
        await unsubscribe();
      }
    });
  });
}
