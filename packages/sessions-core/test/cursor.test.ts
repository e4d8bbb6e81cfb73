import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, toPage } from "../src/domain/cursor.js";
import { ValidationError } from "../src/domain/errors.js";

const at = new Date("2026-03-10T12:00:00.123Z");

describe("cursor encode/decode", () => {
  it("round-trips the position for the same order, opaquely (base64url)", () => {
    const cursor = encodeCursor("createdAt:desc", at, "0190-id");
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain("0190-id");
    expect(decodeCursor("createdAt:desc", cursor)).toEqual({ value: at, id: "0190-id" });
  });

  it("treats an absent cursor as the first page", () => {
    expect(decodeCursor("users", null)).toBeNull();
    expect(decodeCursor("users", undefined)).toBeNull();
    expect(decodeCursor("users", "")).toBeNull();
  });

  it("rejects a cursor of another order with a message saying so", () => {
    const cursor = encodeCursor("createdAt:desc", at, "x");
    for (const order of ["createdAt:asc", "lastSeenAt:desc", "users", "audit"]) {
      expect(() => decodeCursor(order, cursor)).toThrow(ValidationError);
      expect(() => decodeCursor(order, cursor)).toThrow(/different sort|sort order/);
    }
  });

  it.each([
    "%%%",
    "bm90IGpzb24", // "not json"
    Buffer.from("{}").toString("base64url"),
    Buffer.from("[]").toString("base64url"),
    Buffer.from('["users", "1", "x"]').toString("base64url"),
    Buffer.from('["users", 1.5, "x"]').toString("base64url"),
    Buffer.from('["users", 1, ""]').toString("base64url"),
    Buffer.from(`["users", 1, "${"x".repeat(101)}"]`).toString("base64url"),
    Buffer.from('["", 1, "x"]').toString("base64url"),
  ])("rejects the malformed cursor %j with a ValidationError on 'cursor'", (cursor) => {
    let error: unknown;
    try {
      decodeCursor("users", cursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(["cursor"]);
  });
});

describe("toPage", () => {
  const rows = [1, 2, 3, 4].map((n) => ({ n, at: new Date(n * 1000), id: `id${n}` }));
  const position = (r: (typeof rows)[number]) => ({ value: r.at, id: r.id });

  it("uses the extra row only to say there is a next page, pointing after the last item", () => {
    const page = toPage(rows, 3, (r) => r.n, position, "o");
    expect(page.items).toEqual([1, 2, 3]);
    expect(decodeCursor("o", page.nextCursor)).toEqual({ value: new Date(3000), id: "id3" });
  });

  it("has no next page when the rows fit", () => {
    expect(toPage(rows, 4, (r) => r.n, position, "o")).toEqual({ items: [1, 2, 3, 4], nextCursor: null });
    expect(toPage([], 4, (r: (typeof rows)[number]) => r.n, position, "o")).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
