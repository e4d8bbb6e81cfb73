import { useCallback, useSyncExternalStore } from "react";

// A table's chosen columns, kept per browser in localStorage (not in the URL: it is how this
// person likes to read the table, not part of a view they share). Tabs stay in step through the
// storage event. Where storage throws (private mode, quota) the choice lives in memory for the tab.

const listeners = new Set<() => void>();
const memory = new Map<string, string | null>();

function subscribe(onChange: () => void) {
  listeners.add(onChange);
  window.addEventListener("storage", onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener("storage", onChange);
  };
}

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}

/** The stored list of visible column ids, keeping only ids the table still has; null if none stored. */
export function parseStoredColumns(raw: string | null, known: readonly string[]): string[] | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return null;
    return known.filter((id) => value.includes(id));
  } catch {
    return null;
  }
}

/**
 * The visible optional columns of one table: null until the person chooses (the page's own
 * defaults then apply), afterwards exactly what they chose. `reset` forgets the choice.
 */
export function useStoredColumns(key: string, known: readonly string[]) {
  const raw = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => null,
  );
  const visible = parseStoredColumns(raw, known);
  const write = useCallback(
    (next: string[] | null) => {
      const value = next === null ? null : JSON.stringify(next);
      try {
        if (value === null) window.localStorage.removeItem(key);
        else window.localStorage.setItem(key, value);
      } catch {
        memory.set(key, value);
      }
      for (const listener of listeners) listener();
    },
    [key],
  );
  return { visible, write };
}
