// Live events over SSE (httpSubscriptionLink): session.created, session.revoked,
// user.sessions_revoked and stats.changed (plus sessions.revoked_many and user.status_changed).
// A stream outlives the request that authenticated it, so it keeps checking that its caller still
// may listen: at once on the live events that can end the caller (its session revoked, its user
// disabled), and on a timer for what no event announces (a key revoked, a session expired). When
// the caller's credential ends, the stream ends with UNAUTHORIZED and frees the caller's slot.
import { TRPCError } from "@trpc/server";
import type { LiveEvent } from "../events.js";
import type { Caller, Context } from "../trpc/context.js";
import { authorizedProcedure, refusalOf, type Access } from "../trpc/procedures.js";

const ACCESS: Access = { role: "viewer", scope: "sessions:read" };

type Known = Exclude<Caller, { type: "anonymous" }>;

/** Still the same credential (same console session, same key), and still allowed to listen. */
function stillAllowed(before: Known, now: Caller): boolean {
  if (refusalOf(now, ACCESS)) return false;
  if (before.type === "user") return now.type === "user" && now.sessionId === before.sessionId;
  return now.type === "api_key" && now.key.id === before.key.id;
}

/** What a live event means for this caller: it ended them, it may have, or nothing. */
function verdictOf(event: LiveEvent, caller: Known): "ended" | "recheck" | null {
  if (caller.type !== "user") return null;
  switch (event.type) {
    case "session.revoked":
      return event.sessionId === caller.sessionId ? "ended" : null;
    case "user.status_changed":
      if (event.userId !== caller.user.id) return null;
      return event.status === "disabled" ? "ended" : "recheck";
    case "user.sessions_revoked":
      return event.userId === caller.user.id ? "recheck" : null;
    case "sessions.revoked_many":
      return "recheck";
    default:
      return null;
  }
}

const credentialEnded = () =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "This stream's sign-in or API key is no longer valid.",
  });

export const eventsProcedure = authorizedProcedure(ACCESS).subscription(async function* ({
  ctx,
  signal,
}): AsyncGenerator<LiveEvent, void, unknown> {
  const { caller } = ctx; // narrowed by authorizedProcedure: never anonymous here
  const release = ctx.streams.claim(caller);
  if (!release) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `At most ${ctx.streams.maxPerCaller} event streams may be open per sign-in or API key; close one first.`,
    });
  }
  const stream = new AbortController();
  const stop = () => stream.abort();
  signal?.addEventListener("abort", stop, { once: true });
  let ended = false;
  const end = () => {
    ended = true;
    stream.abort();
  };
  const watcher = watchCaller(ctx, caller, end);
  try {
    for await (const event of ctx.events.subscribe(stream.signal)) {
      yield event;
      const verdict = verdictOf(event, caller);
      if (verdict === "ended") end();
      else if (verdict === "recheck") watcher.recheck();
      if (ended) break;
    }
    if (ended) throw credentialEnded();
  } finally {
    watcher.stop();
    signal?.removeEventListener("abort", stop);
    release();
  }
});

/**
 * Presents the caller's credentials again every `recheckMs` (one lookup per open stream) and on
 * demand; calls `end` once they no longer hold. A failed lookup ends the stream too: the client
 * reconnects and authenticates afresh, which is safer than streaming on an unchecked credential.
 */
function watchCaller(ctx: Context, caller: Known, end: () => void) {
  let checking = false;
  let again = false;
  let stopped = false;
  async function check(): Promise<void> {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        const now = await ctx.authenticateAgain().catch(() => null);
        if (!stopped && (now === null || !stillAllowed(caller, now))) {
          stopped = true;
          end();
        }
      } while (again && !stopped);
    } finally {
      checking = false;
    }
  }
  const timer = setInterval(() => void check(), ctx.streams.recheckMs);
  timer.unref();
  return {
    recheck: () => void check(),
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
