// The cleanup job: every PRUNE_INTERVAL, the service's cleanUp() (sessions ended longer than
// SESSION_RETENTION ago, audit events past AUDIT_RETENTION). It deletes in batches that yield to
// the event loop, so requests keep being served while it runs; one instance at a time runs it
// (cleanUp holds the store's job lock; the others skip that round); a run that fails (the database
// is down) is logged and tried again next round; shutdown stops it between two batches.
import { UnavailableError, type SessionsService } from "@sessions/core";
import type { Logger } from "../logger.js";

/** The first run waits this long after start (instances restarted together spread over it). */
export const FIRST_RUN_MAX_DELAY_MS = 60_000;

export interface CleanupJob {
  /** No more runs; a run in progress stops after its current batch. */
  stop(): Promise<void>;
}

export function startCleanupJob(options: {
  service: SessionsService;
  logger: Logger;
  intervalMs: number;
  /** Default: a random delay up to min(interval, FIRST_RUN_MAX_DELAY_MS). */
  firstDelayMs?: number;
}): CleanupJob {
  const { service, logger, intervalMs } = options;
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function run(): Promise<void> {
    const started = Date.now();
    try {
      const result = await service.cleanUp({ actor: { type: "system" } }, { signal: controller.signal });
      if (result === null) logger.debug("cleanup skipped: another instance is running it");
      else if (result.sessions > 0 || result.auditEvents > 0 || controller.signal.aborted) {
        logger.info(
          { ...result, ms: Date.now() - started, interrupted: controller.signal.aborted },
          `cleanup deleted ${result.sessions} sessions and ${result.auditEvents} audit events`,
        );
      }
    } catch (error) {
      if (error instanceof UnavailableError)
        logger.warn({ err: error }, "cleanup failed: database unavailable");
      else logger.error({ err: error }, "cleanup failed");
    }
  }

  function runOnce(): Promise<void> {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(delayMs: number) {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      void runOnce().then(() => schedule(intervalMs));
    }, delayMs);
    // The job never keeps a process alive on its own.
    timer.unref();
  }
  schedule(options.firstDelayMs ?? Math.random() * Math.min(intervalMs, FIRST_RUN_MAX_DELAY_MS));

  return {
    async stop() {
      controller.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
