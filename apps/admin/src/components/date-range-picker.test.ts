import { describe, expect, it } from "vitest";
import { describeDayRange, pickDay } from "./date-range-picker";

describe("date range picker", () => {
  it("starts a range on the first click and ends it on the second, in either order", () => {
    const first = pickDay(null, "2026-03-09");
    expect(first).toEqual({ draft: { from: "2026-03-09" } });
    expect(pickDay(first.draft, "2026-03-03")).toEqual({
      draft: null,
      done: { from: "2026-03-03", to: "2026-03-09" },
    });
    expect(pickDay(first.draft, "2026-03-12").done).toEqual({ from: "2026-03-09", to: "2026-03-12" });
    // The same day twice is that one day.
    expect(pickDay(first.draft, "2026-03-09").done).toEqual({ from: "2026-03-09", to: "2026-03-09" });
  });

  it("starts afresh after a finished range instead of stretching it", () => {
    expect(pickDay({ from: "2026-03-01", to: "2026-03-04" }, "2026-03-20")).toEqual({
      draft: { from: "2026-03-20" },
    });
  });

  it("says the range in words, with the year only when it is not this one", () => {
    const today = new Date(2026, 5, 15);
    expect(describeDayRange({}, today)).toBe("Any time");
    expect(describeDayRange({ from: "2026-03-03", to: "2026-03-09" }, today)).toBe("Mar 3 – Mar 9");
    expect(describeDayRange({ from: "2026-03-03", to: "2026-03-03" }, today)).toBe("Mar 3");
    expect(describeDayRange({ from: "2025-12-30" }, today)).toBe("From Dec 30, 2025");
    expect(describeDayRange({ to: "2026-01-02" }, today)).toBe("Until Jan 2");
  });
});
