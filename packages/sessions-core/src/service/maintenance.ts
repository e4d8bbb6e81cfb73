// Housekeeping that no user asks for: deleting sessions that ended long ago (SESSION_RETENTION),
// audit events past AUDIT_RETENTION when one is set, and stale sign-in counters. The API runs
// cleanUp() every PRUNE_INTERVAL, admins run it from the console and operators from the CLI; it
// works in batches that yield to the event loop, and only one caller at a time runs it, across
// every process on the database (store.tryJobLock).
import { inBatches } from "./batches.js";
import { SIGN_IN_LIMITS } from "../domain/sign-in.js";
import type { CallContext } from "../domain/types.js";
import type { PruneCutoff } from "../store/store.js";
import type { ServiceContext } from "./context.js";

/**
 * The cleanup's batches rest as long again as each took (service/batches.ts): it runs at half speed
 * (measured: a 100k-row prune at 1M sessions, 28 s flat out) so that validations served meanwhile
 * keep their latency; nobody waits for a cleanup.
 */
export const CLEANUP_PACE = 1;

/** The job name every caller of cleanUp() takes (one at a time per database). */
export const CLEANUP_JOB = "cleanup";

export interface CleanupOptions {
  /** Stops between batches (a shutting-down process); what was deleted is still audited. */
  signal?: AbortSignal;
  /** Rest after each batch, as a multiple of its duration (cleanUp: CLEANUP_PACE; default 0). */
  pace?: number;
}

export interface CleanupResult {
  /** Sessions deleted: ended (expired, idled out or revoked) longer ago than the retention. */
  sessions: number;
  /** Audit events deleted (0 with no audit retention set). */
  auditEvents: number;
}

export interface CleanupPreview {
  /** Sessions a cleanup would delete now. */
  sessions: number;
  /** The retention settings, for the console to say what "old" means. */
  retentionMs: number;
  auditRetentionMs: number | null;
}

export function maintenance({ store, config, now, emit, auditEvent }: ServiceContext) {
  const sessionCutoff = (): PruneCutoff => {
    const before = new Date(now().getTime() - config.retentionMs);
    return {
      before,
      lastSeenBefore:
        config.idleTimeoutMs === null ? null : new Date(before.getTime() - config.idleTimeoutMs),
    };
  };

  async function prune(ctx?: CallContext, options: CleanupOptions = {}): Promise<number> {
    const audit = auditEvent(ctx, "sessions.pruned", null, {
      data: { retentionDays: config.retentionMs / 86_400_000 },
    });
    // In batches that yield between them (service/batches.ts): prune never stalls the API.
    const count = await inBatches(
      store,
      audit,
      (batch) => store.prune(sessionCutoff(), audit, batch),
      options.signal,
      options.pace,
    );
    if (count > 0) emit({ type: "sessions.pruned", count });
    // Sign-in counters past every window hold nothing a limit reads; bounded per run.
    await store.pruneSignInAttempts(new Date(now().getTime() - SIGN_IN_LIMITS.keepMs), 10_000);
    // Finished webhook deliveries past their retention: the delivery log keeps a week by default.
    const deliveriesBefore = new Date(now().getTime() - config.webhooks.retentionMs);
    for (let i = 0; i < 20 && !options.signal?.aborted; i++) {
      if ((await store.pruneWebhookDeliveries(deliveriesBefore, 500)) < 500) break;
    }
    return count;
  }

  async function pruneAudit(ctx?: CallContext, options: CleanupOptions = {}): Promise<number> {
    if (config.auditRetentionMs === null) return 0;
    const before = new Date(now().getTime() - config.auditRetentionMs);
    const audit = auditEvent(ctx, "audit.pruned", null, {
      data: { retentionDays: config.auditRetentionMs / 86_400_000, before: before.toISOString() },
    });
    return inBatches(
      store,
      audit,
      (batch) => store.pruneAudit(before, audit, batch),
      options.signal,
      options.pace,
    );
  }

  return {
    /** Deletes sessions that expired or were revoked longer than the retention period ago. */
    prune,
    /** Deletes audit events older than the audit retention (none when it is off). */
    pruneAudit,

    /** What a cleanup would delete now. */
    async cleanupPreview(): Promise<CleanupPreview> {
      return {
        sessions: await store.countPrunable(sessionCutoff()),
        retentionMs: config.retentionMs,
        auditRetentionMs: config.auditRetentionMs,
      };
    },

    /**
     * Prunes sessions, then audit events, holding the cleanup job: null when another caller (this
     * process or another) is running it, so two never delete side by side.
     */
    async cleanUp(ctx?: CallContext, options: CleanupOptions = {}): Promise<CleanupResult | null> {
      const lock = await store.tryJobLock(CLEANUP_JOB);
      if (!lock) return null;
      try {
        const paced = { pace: CLEANUP_PACE, ...options };
        const sessions = await prune(ctx, paced);
        const auditEvents = options.signal?.aborted ? 0 : await pruneAudit(ctx, paced);
        // Under the same lock: the planner's statistics after the tables changed (a no-op unless
        // one grew or shrank 10× since they were made).
        if (!options.signal?.aborted) await store.refreshStatistics();
        return { sessions, auditEvents };
      } finally {
        await lock.release();
      }
    },
  };
}
