import { describe, expect, it } from "vitest";
import { dayRange, dayStart, lastDays, parseDay, toDay } from "./days";

describe("calendar days", () => {
  it("accepts real calendar days only", () => {
    expect(parseDay("2024-02-29")).toBe("2024-02-29");
    expect(parseDay(" 2024-02-29 ")).toBe("2024-02-29");
    expect(parseDay("2023-02-29")).toBeUndefined();
    expect(parseDay("2024-13-01")).toBeUndefined();
    expect(parseDay("24-01-01")).toBeUndefined();
    expect(parseDay(20240101)).toBeUndefined();
    expect(dayStart("2026-13-01")).toBeNull();
  });

  it("turns days into the API's range: the first midnight to the midnight after the last day", () => {
    const { from, to } = dayRange("2026-03-01", "2026-03-04");
    expect(from).toEqual(new Date(2026, 2, 1));
    expect(to).toEqual(new Date(2026, 2, 5));
    // One day is [its midnight, the next), whatever the clocks did that night.
    const one = dayRange("2026-03-29", "2026-03-29");
    expect(one.to!.getDate()).toBe(30);
    expect(dayRange("2026-12-31", "2026-12-31").to).toEqual(new Date(2027, 0, 1));
    expect(dayRange(undefined, undefined)).toEqual({ from: undefined, to: undefined });
    expect(dayRange("not a day", "2026-02-30")).toEqual({ from: undefined, to: undefined });
  });

  it("names the local day of a date and the last N days up to today", () => {
    expect(toDay(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
    expect(lastDays(7, new Date(2026, 2, 3, 15))).toEqual({ from: "2026-02-25", to: "2026-03-03" });
    expect(lastDays(1, new Date(2026, 2, 3))).toEqual({ from: "2026-03-03", to: "2026-03-03" });
  });
});
