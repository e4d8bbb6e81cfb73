// Opaque keyset cursors: base64url JSON of the last row's sort value and id, plus the order it
// belongs to, so a cursor from one sort cannot silently be applied to another.
import { z } from "zod";
import { ValidationError } from "./errors.js";

// The value is a time (ms) for the time-ordered lists, or text (an email) for the users list by email.
const cursorSchema = z.tuple([
  z.string().min(1),
  z.union([z.number().int(), z.string().max(400)]),
  z.string().min(1).max(100),
]);

export interface DecodedCursor<V extends Date | string = Date> {
  value: V;
  id: string;
}

export function encodeCursor(order: string, value: Date | string, id: string): string {
  const v = typeof value === "string" ? value : value.getTime();
  return Buffer.from(JSON.stringify([order, v, id])).toString("base64url");
}

const notACursor = () =>
  new ValidationError("invalid cursor", [
    { path: "cursor", message: "is not a cursor returned by this list" },
  ]);

/** A cursor of a time-ordered list. */
export function decodeCursor(order: string, cursor: string | null | undefined): DecodedCursor | null {
  const decoded = decodeAnyCursor(order, cursor);
  if (decoded && typeof decoded.value === "string") throw notACursor();
  return decoded as DecodedCursor | null;
}

/** A cursor of a list ordered by text (users by email). */
export function decodeTextCursor(
  order: string,
  cursor: string | null | undefined,
): DecodedCursor<string> | null {
  const decoded = decodeAnyCursor(order, cursor);
  if (decoded && typeof decoded.value !== "string") throw notACursor();
  return decoded as DecodedCursor<string> | null;
}

function decodeAnyCursor(
  order: string,
  cursor: string | null | undefined,
): DecodedCursor<Date | string> | null {
  if (cursor === null || cursor === undefined || cursor === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw notACursor();
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw notACursor();
  const [cursorOrder, ms, id] = result.data;
  if (cursorOrder !== order) {
    throw new ValidationError("cursor does not match this sort order", [
      { path: "cursor", message: "belongs to a different sort; start again without a cursor" },
    ]);
  }
  return { value: typeof ms === "string" ? ms : new Date(ms), id };
}

/** Builds a page from limit+1 fetched rows: the extra row only says whether there is a next page. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  position: (row: R) => { value: Date | string; id: string },
  order: string,
): { items: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const nextCursor = hasMore && last ? encodeCursor(order, position(last).value, position(last).id) : null;
  return { items: pageRows.map(map), nextCursor };
}
