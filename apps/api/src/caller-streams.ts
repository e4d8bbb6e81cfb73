// The bookkeeping behind open event streams: how many each caller holds (a cap, so one stolen key or
// sign-in cannot pin down the server with streams) and how often a stream re-checks that its
// caller's credential still holds (a stream outlives the request that authenticated it).
import type { Caller } from "./trpc/context.js";

export const DEFAULT_MAX_STREAMS_PER_CALLER = 8;
/** Streams end within this long of their credential ending, even when no live event says so. */
export const DEFAULT_STREAM_RECHECK_MS = 5_000;

export interface CallerStreams {
  /** At most this many open streams per console session or API key (in this process). */
  readonly maxPerCaller: number;
  /** How often an open stream presents its caller's credential again. */
  readonly recheckMs: number;
  /** Takes one of the caller's slots: the release function, or null when all are taken. */
  claim(caller: Exclude<Caller, { type: "anonymous" }>): (() => void) | null;
  /** Open streams of a caller (tests and diagnostics). */
  openBy(caller: Exclude<Caller, { type: "anonymous" }>): number;
}

export interface CallerStreamsOptions {
  maxPerCaller?: number;
  recheckMs?: number;
}

/** Per caller credential, not per user: each console sign-in and each key has its own allowance. */
function ownerOf(caller: Exclude<Caller, { type: "anonymous" }>): string {
  return caller.type === "user" ? `session:${caller.sessionId}` : `key:${caller.key.id}`;
}

export function createCallerStreams(options: CallerStreamsOptions = {}): CallerStreams {
  const maxPerCaller = options.maxPerCaller ?? DEFAULT_MAX_STREAMS_PER_CALLER;
  const recheckMs = options.recheckMs ?? DEFAULT_STREAM_RECHECK_MS;
  const open = new Map<string, number>();
  return {
    maxPerCaller,
    recheckMs,
    claim(caller) {
      const owner = ownerOf(caller);
      const count = open.get(owner) ?? 0;
      if (count >= maxPerCaller) return null;
      open.set(owner, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(owner) ?? 1) - 1;
        if (left > 0) open.set(owner, left);
        else open.delete(owner);
      };
    },
    openBy(caller) {
      return open.get(ownerOf(caller)) ?? 0;
    },
  };
}
