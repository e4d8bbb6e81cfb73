import { describe, expect, it } from "vitest";
import { hasPreviousPage, nextPage, pageNumber, previousPage, stackFromState } from "./pagination";

describe("keyset paging", () => {
  it("walks forward and back through the same pages", () => {
    const first = { cursor: undefined, stack: [] };
    const second = nextPage(first, "c2");
    const third = nextPage(second, "c3");
    expect(second).toEqual({ cursor: "c2", stack: [""] });
    expect(third).toEqual({ cursor: "c3", stack: ["", "c2"] });
    expect([pageNumber(first), pageNumber(second), pageNumber(third)]).toEqual([1, 2, 3]);
    expect(previousPage(third)).toEqual(second);
    expect(previousPage(second)).toEqual(first);
    expect(hasPreviousPage(first)).toBe(false);
    expect(hasPreviousPage(second)).toBe(true);
  });

  it("returns to the first page from a shared link without history", () => {
    const shared = { cursor: "c7", stack: [] };
    expect(pageNumber(shared)).toBeUndefined();
    expect(hasPreviousPage(shared)).toBe(true);
    expect(previousPage(shared)).toEqual({ cursor: undefined, stack: [] });
  });

  it("reads the stack from any history state", () => {
    expect(stackFromState({ cursors: ["", "a", 3] })).toEqual(["", "a"]);
    expect(stackFromState(null)).toEqual([]);
    expect(stackFromState({ key: "x" })).toEqual([]);
  });
});
