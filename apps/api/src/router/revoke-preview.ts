// sessions.previewRevoke: a bulk revoke's dry run as an event stream (SSE, httpSubscriptionLink).
// The exact count behind a bulk revoke's confirmation takes seconds on millions of sessions (6–7 s
// for "gmail" at 10M); as a mutation the console could only say "Counting…" and could not stop it.
// Here the service counts window by window (sessions-core's windowed-count.ts) and the stream
// carries each step: { type: "sample" } once its page is read, { type: "progress" } at least every
// second, then one { type: "done" } with the same answer as sessions.revokeMany({ dryRun: true }).
// Closing the stream aborts the count between two windows, so an abandoned dialog stops costing
// the database within one window (~200 ms).
import {
  SessionsError,
  sessionFilterSchema,
  type CountProgress,
  type RevokeManyResult,
  type SessionInfo,
} from "@sessions/core";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { domainTrpcError } from "../trpc/errors.js";
import { authorizedProcedure, type Access } from "../trpc/procedures.js";

const ACCESS: Access = { role: "admin", scope: "sessions:revoke" };

export type RevokePreviewEvent =
  | { type: "sample"; sample: SessionInfo[] }
  | ({ type: "progress" } & CountProgress)
  | ({ type: "done" } & RevokeManyResult);

/**
 * Events the count reports, until the stream reads them. A progress report replaces one still
 * unread: a client reading slowly gets fewer, fresher figures, and the queue stays bounded.
 */
function eventQueue() {
  const queued: RevokePreviewEvent[] = [];
  let wake: (() => void) | null = null;
  return {
    push(event: RevokePreviewEvent) {
      if (event.type === "progress" && queued.at(-1)?.type === "progress") queued.pop();
      queued.push(event);
      wake?.();
    },
    take: () => queued.splice(0),
    /** Resolves on the next push (or at once if something is queued). */
    next: () =>
      new Promise<void>((resolve) => {
        if (queued.length > 0) resolve();
        else wake = resolve;
      }),
  };
}

export const previewRevokeProcedure = authorizedProcedure(ACCESS)
  .input(z.object({ filter: sessionFilterSchema }))
  .subscription(async function* ({ ctx, input, signal }): AsyncGenerator<RevokePreviewEvent, void, unknown> {
    // A preview holds a read for its whole count: it takes one of the caller's stream slots, so one
    // stolen key cannot start counts without bound.
    const release = ctx.streams.claim(ctx.caller);
    if (!release) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `At most ${ctx.streams.maxPerCaller} streams may be open per sign-in or API key; close one first.`,
      });
    }
    const stop = new AbortController();
    const cancel = () => stop.abort(new Error("the preview's stream closed"));
    signal?.addEventListener("abort", cancel, { once: true });
    const events = eventQueue();
    const counting = ctx.service
      .revokeSessions({ filter: input.filter, dryRun: true }, ctx.call, {
        signal: stop.signal,
        onSample: (sample) => events.push({ type: "sample", sample }),
        onProgress: (progress) => events.push({ type: "progress", ...progress }),
      })
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
    try {
      for (;;) {
        const settled = await Promise.race([counting, events.next().then(() => null)]);
        yield* events.take();
        if (settled === null) continue;
        yield* events.take();
        if ("result" in settled) {
          yield { type: "done", ...settled.result };
          return;
        }
        if (stop.signal.aborted) return;
        throw settled.error instanceof SessionsError ? domainTrpcError(settled.error) : settled.error;
      }
    } finally {
      // However the stream ends (done, an error, the client gone), the count stops.
      cancel();
      signal?.removeEventListener("abort", cancel);
      release();
    }
  });
