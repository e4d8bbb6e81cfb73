// The webhook dispatcher: delivers the outbox (service.dispatchWebhooks) every WEBHOOK_POLL_INTERVAL,
// at once when this process commits a change (a nudge), and round after round while rounds come
// back full. Every instance on a database may run it: the store's claims (Postgres: FOR UPDATE SKIP
// LOCKED and a lease) keep two dispatchers from sending one delivery at once. A round that fails
// (the database is down) is logged and tried again after the interval; shutdown waits for the round
// in flight, whose attempts are bounded by WEBHOOK_TIMEOUT.
import { UnavailableError, type SessionsService } from "@sessions/core";
import type { Logger } from "../logger.js";

/** How a committed change wakes the dispatcher; app-services.ts owns one per process. */
export interface WebhookNudge {
  nudge(): void;
  /** The dispatcher's wake-up; replaces any earlier one. */
  onNudge(listener: (() => void) | null): void;
}

export function createWebhookNudge(): WebhookNudge {
  let listener: (() => void) | null = null;
  return {
    nudge: () => listener?.(),
    onNudge: (next) => {
      listener = next;
    },
  };
}

/** Deliveries claimed per round (service default); a full round runs the next at once. */
const ROUND = 50;
/** Changes committed together (a burst of creates) wake one round, not one each. */
const NUDGE_DELAY_MS = 20;

export interface WebhookDispatcher {
  /** No more rounds; resolves when the round in flight has finished. */
  stop(): Promise<void>;
}

export function startWebhookDispatcher(options: {
  service: SessionsService;
  logger: Logger;
  intervalMs: number;
  nudges: WebhookNudge;
}): WebhookDispatcher {
  const { service, logger, intervalMs, nudges } = options;
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let again = false;

  async function round(): Promise<boolean> {
    try {
      const result = await service.dispatchWebhooks({ signal: controller.signal, limit: ROUND });
      if (result.failed > 0) logger.debug(result, "webhook round had failed attempts");
      return result.claimed === ROUND;
    } catch (error) {
      if (error instanceof UnavailableError)
        logger.warn({ err: error }, "webhook dispatch paused: database unavailable");
      else logger.error({ err: error }, "webhook dispatch failed");
      return false;
    }
  }

  function wake(delayMs: number) {
    if (controller.signal.aborted) return;
    if (running) {
      // A change committed during a round may have missed its claim: look once more after it.
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      running = round().then((full) => {
        running = null;
        const more = full || again;
        again = false;
        wake(more ? 0 : intervalMs);
      });
    }, delayMs);
    // The dispatcher never keeps a process alive on its own.
    timer.unref();
  }

  nudges.onNudge(() => wake(NUDGE_DELAY_MS));
  wake(NUDGE_DELAY_MS);

  return {
    async stop() {
      controller.abort();
      nudges.onNudge(null);
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
