// Keyset pages have no numbers: going forward needs the next cursor, going back needs the cursors
// of the pages before. The console keeps that stack in the history entry's state, so Back and the
// Previous button agree, and a reload keeps it. A shared link opened fresh has no stack: Previous
// then returns to the first page.

export interface PagePosition {
  /** Cursor of the current page; undefined on the first page. */
  cursor: string | undefined;
  /** Cursors of the pages before the current one, oldest first ("" stands for the first page). */
  stack: string[];
}

export function nextPage(position: PagePosition, nextCursor: string): PagePosition {
  return { cursor: nextCursor, stack: [...position.stack, position.cursor ?? ""] };
}

export function previousPage(position: PagePosition): PagePosition {
  if (position.stack.length === 0) return { cursor: undefined, stack: [] };
  const stack = position.stack.slice(0, -1);
  const previous = position.stack[position.stack.length - 1];
  return { cursor: previous === "" ? undefined : previous, stack };
}

export function hasPreviousPage(position: PagePosition): boolean {
  return position.cursor !== undefined;
}

/** 1-based page number, or undefined when the page was opened from a link without its history. */
export function pageNumber(position: PagePosition): number | undefined {
  if (position.cursor === undefined) return 1;
  return position.stack.length > 0 ? position.stack.length + 1 : undefined;
}

/** Reads the stack from a history entry's state, whatever shape it has. */
export function stackFromState(state: unknown): string[] {
  if (state && typeof state === "object" && "cursors" in state && Array.isArray(state.cursors)) {
    return state.cursors.filter((c): c is string => typeof c === "string");
  }
  return [];
}
