// Opaque keyset cursors: base64url JSON of the last row's sort value and id, plus the order it
// belongs to, so a cursor from one sort cannot silently be applied to another.
import { z } from "zod";
import { ValidationError } from "./errors.js";

const cursorSchema = z.tuple([z.string().min(1), z.number().int(), z.string().min(1).max(100)]);

export interface DecodedCursor {
  value: Date;
  id: string;
}

export function encodeCursor(order: string, value: Date, id: string): string {
  return Buffer.from(JSON.stringify([order, value.getTime(), id])).toString("base64url");
}

export function decodeCursor(order: string, cursor: string | null | undefined): DecodedCursor | null {
  if (cursor === null || cursor === undefined || cursor === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new ValidationError("invalid cursor", [
      { path: "cursor", message: "is not a cursor returned by this list" },
    ]);
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) {
    throw new ValidationError("invalid cursor", [
      { path: "cursor", message: "is not a cursor returned by this list" },
    ]);
  }
  const [cursorOrder, ms, id] = result.data;
  if (cursorOrder !== order) {
    throw new ValidationError("cursor does not match this sort order", [
      { path: "cursor", message: "belongs to a different sort; start again without a cursor" },
    ]);
  }
  return { value: new Date(ms), id };
}

/** Builds a page from limit+1 fetched rows: the extra row only says whether there is a next page. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  position: (row: R) => { value: Date; id: string },
  order: string,
): { items: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const nextCursor = hasMore && last ? encodeCursor(order, position(last).value, position(last).id) : null;
  return { items: pageRows.map(map), nextCursor };
}
