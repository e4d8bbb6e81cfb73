import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTRPC } from "./trpc";

export type LiveState = "live" | "connecting" | "polling";

interface LiveContextValue {
  state: LiveState;
  /** refetchInterval for live views: off while events arrive, polling when the stream is down. */
  refetchInterval: number | false;
  lastEventAt: Date | null;
}

/** How often live views poll while the event stream is down. */
export const POLL_INTERVAL_MS = 5_000;
/** A stream still connecting after this long counts as down, and polling starts. */
const CONNECT_GRACE_MS = 3_000;
/** Events arriving together (a bulk revoke) refresh the views once. */
const COALESCE_MS = 120;

const LiveContext = createContext<LiveContextValue>({
  state: "polling",
  refetchInterval: POLL_INTERVAL_MS,
  lastEventAt: null,
});

/**
 * Listens to the API's events subscription and refreshes what changed: sessions, users, stats
 * and the audit log. When the stream drops, the views fall back to polling until it is back.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [lastEventAt, setLastEventAt] = useState<Date | null>(null);
  const [graceOver, setGraceOver] = useState(false);
  const [refresh] = useState(() =>
    coalesce(() => {
      void queryClient.invalidateQueries({ queryKey: trpc.sessions.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
    }, COALESCE_MS),
  );

  const subscription = useSubscription(
    trpc.events.subscriptionOptions(undefined, {
      onData: () => {
        setLastEventAt(new Date());
        refresh.schedule();
      },
    }),
  );

  const connected = subscription.status === "pending";
  useEffect(() => {
    if (connected) return;
    const t = setTimeout(() => setGraceOver(true), CONNECT_GRACE_MS);
    return () => {
      clearTimeout(t);
      setGraceOver(false);
    };
  }, [connected]);

  useEffect(() => () => refresh.cancel(), [refresh]);

  // When the stream comes back, catch up on anything missed while it was down.
  const wasConnected = useRef(false);
  const everConnected = useRef(false);
  useEffect(() => {
    if (connected && !wasConnected.current && everConnected.current) void queryClient.invalidateQueries();
    if (connected) everConnected.current = true;
    wasConnected.current = connected;
  }, [connected, queryClient]);

  const state: LiveState = connected
    ? "live"
    : graceOver || subscription.status === "error"
      ? "polling"
      : "connecting";
  const value = useMemo<LiveContextValue>(
    () => ({ state, refetchInterval: state === "live" ? false : POLL_INTERVAL_MS, lastEventAt }),
    [state, lastEventAt],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** Runs `fn` once, `ms` after the first of a burst of calls. */
function coalesce(fn: () => void, ms: number): { schedule: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule() {
      timer ??= setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}
