import { useSyncExternalStore } from "react";

/** How often relative times ("3 minutes ago", "2h 5m old") are brought up to date. */
export const TICK_MS = 30_000;

// One timer for the whole console, running only while something shows a relative time.
const listeners = new Set<() => void>();
let ticks = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    ticks++;
    for (const notify of listeners) notify();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getTicks = () => ticks;

/** The current time, re-rendering the caller every TICK_MS so relative times stay true. */
export function useNow(): Date {
  useSyncExternalStore(subscribe, getTicks, getTicks);
  return new Date();
}
