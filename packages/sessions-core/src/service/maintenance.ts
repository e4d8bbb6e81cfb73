// Housekeeping that no user asks for: pruning sessions that ended long ago (and stale sign-in
// counters). Separate so the
// retention rule (how long an ended session stays visible) has one home, ready for a periodic job.
import { inBatches } from "./batches.js";
import { SIGN_IN_LIMITS } from "../domain/sign-in.js";
import type { CallContext } from "../domain/types.js";
import type { ServiceContext } from "./context.js";

export function maintenance({ store, config, now, emit, auditEvent }: ServiceContext) {
  return {
    /** Deletes sessions that expired or were revoked longer than the retention period ago. */
    async prune(ctx?: CallContext): Promise<number> {
      const before = new Date(now().getTime() - config.retentionMs);
      const cutoff = {
        before,
        lastSeenBefore:
          config.idleTimeoutMs === null ? null : new Date(before.getTime() - config.idleTimeoutMs),
      };
      const audit = auditEvent(ctx, "sessions.pruned", null);
      // In batches that yield between them (service/batches.ts): prune never stalls the API.
      const count = await inBatches(store, audit, (batch) => store.prune(cutoff, audit, batch));
      if (count > 0) emit({ type: "sessions.pruned", count });
      // Sign-in counters past every window hold nothing a limit reads; bounded per run.
      await store.pruneSignInAttempts(new Date(now().getTime() - SIGN_IN_LIMITS.keepMs), 10_000);
      return count;
    },
  };
}
