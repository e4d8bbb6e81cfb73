import { describe, expect, it } from "vitest";
import { parseStoredColumns } from "./use-stored-columns";

describe("stored column choice", () => {
  const known = ["session", "device", "status"];
  it("keeps the known ids in the table's order and drops the rest", () => {
    expect(parseStoredColumns(JSON.stringify(["status", "gone", "session"]), known)).toEqual([
      "session",
      "status",
    ]);
    expect(parseStoredColumns("[]", known)).toEqual([]);
  });
  it("treats nothing stored, or anything unreadable, as no choice", () => {
    expect(parseStoredColumns(null, known)).toBeNull();
    expect(parseStoredColumns("{not json", known)).toBeNull();
    expect(parseStoredColumns('{"session":true}', known)).toBeNull();
  });
});
