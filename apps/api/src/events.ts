// The live-event bus behind the `events` subscription. The service reports committed changes through
// onEvent; the bus turns them into the contract's events and fans them out to every subscriber of
// this process. Changes made by other API instances on the same Postgres arrive through the store's
// change feed (LISTEN/NOTIFY), relayed in by createApp.
import type { SessionsEvent } from "@sessions/core";

/** What the `events` subscription emits. The first four are the contract; the rest are extras. */
export type LiveEvent =
  | { type: "session.created"; sessionId: string; userId: string; at: Date }
  | { type: "session.revoked"; sessionId: string; userId: string | null; at: Date }
  | { type: "user.sessions_revoked"; userId: string; count: number; at: Date }
  | { type: "stats.changed"; at: Date }
  | { type: "sessions.revoked_many"; count: number; at: Date }
  | {
      type: "user.status_changed";
      userId: string;
      status: "active" | "disabled";
      revokedSessions: number;
      at: Date;
    };

export interface EventBus {
  /** Feeds a service event in (wire it to the service's onEvent). */
  publish(event: SessionsEvent): void;
  /** Live events until the signal aborts or the bus closes. */
  subscribe(signal?: AbortSignal): AsyncIterable<LiveEvent>;
  /** Ends every subscription (graceful shutdown). */
  close(): void;
  readonly subscriberCount: number;
}

export interface EventBusOptions {
  now?: () => Date;
  /** stats.changed is coalesced: at most one per this many ms (0 = one per change). */
  statsDebounceMs?: number;
  /** A subscriber that falls this far behind is dropped rather than buffering without bound. */
  maxQueue?: number;
}

type Subscriber = { push(event: LiveEvent): void; end(): void };

export function createEventBus(options: EventBusOptions = {}): EventBus {
  const now = options.now ?? (() => new Date());
  const debounceMs = options.statsDebounceMs ?? 250;
  const maxQueue = options.maxQueue ?? 1000;
  const subscribers = new Set<Subscriber>();
  let statsTimer: NodeJS.Timeout | null = null;
  let closed = false;

  function broadcast(event: LiveEvent): void {
    for (const s of subscribers) s.push(event);
  }

  function statsChanged(): void {
    if (debounceMs === 0) return broadcast({ type: "stats.changed", at: now() });
    if (statsTimer) return;
    statsTimer = setTimeout(() => {
      statsTimer = null;
      broadcast({ type: "stats.changed", at: now() });
    }, debounceMs);
    statsTimer.unref();
  }

  function toLive(event: SessionsEvent): LiveEvent | null {
    const at = now();
    switch (event.type) {
      case "session.created":
        return { type: "session.created", sessionId: event.sessionId, userId: event.userId, at };
      case "session.revoked":
        return { type: "session.revoked", sessionId: event.sessionId, userId: event.userId, at };
      case "user.sessions_revoked":
        return { type: "user.sessions_revoked", userId: event.userId, count: event.count, at };
      case "sessions.revoked_many":
        return { type: "sessions.revoked_many", count: event.count, at };
      case "user.status_changed":
        return {
          type: "user.status_changed",
          userId: event.userId,
          status: event.status,
          revokedSessions: event.revokedSessions,
          at,
        };
      case "sessions.pruned":
        return null;
    }
  }

  return {
    get subscriberCount() {
      return subscribers.size;
    },

    publish(event) {
      if (closed) return;
      const live = toLive(event);
      if (live) broadcast(live);
      statsChanged();
    },

    subscribe(signal) {
      return {
        [Symbol.asyncIterator]() {
          const queue: LiveEvent[] = [];
          let wake: (() => void) | null = null;
          let done = closed || signal?.aborted === true;
          const subscriber: Subscriber = {
            push(event) {
              if (queue.length >= maxQueue) return subscriber.end();
              queue.push(event);
              wake?.();
            },
            end() {
              done = true;
              subscribers.delete(subscriber);
              wake?.();
            },
          };
          const onAbort = () => subscriber.end();
          if (!done) {
            subscribers.add(subscriber);
            signal?.addEventListener("abort", onAbort, { once: true });
          }
          return {
            async next(): Promise<IteratorResult<LiveEvent>> {
              while (queue.length === 0 && !done) {
                await new Promise<void>((resolve) => (wake = resolve));
                wake = null;
              }
              const event = queue.shift();
              if (event) return { value: event, done: false };
              signal?.removeEventListener("abort", onAbort);
              return { value: undefined, done: true };
            },
            async return(): Promise<IteratorResult<LiveEvent>> {
              subscriber.end();
              signal?.removeEventListener("abort", onAbort);
              return { value: undefined, done: true };
            },
          };
        },
      };
    },

    close() {
      closed = true;
      if (statsTimer) clearTimeout(statsTimer);
      statsTimer = null;
      for (const s of [...subscribers]) s.end();
    },
  };
}
