import { describe, expect, it } from "vitest";
import { countAxis, dayLabelIndices } from "./chart-axes";

describe("countAxis", () => {
  it("uses whole-number steps of 1, 2 or 5 × 10ⁿ with at most four lines above zero", () => {
    expect(countAxis(3)).toEqual({ top: 3, step: 1, splits: [0, 1, 2, 3] });
    expect(countAxis(15)).toEqual({ top: 15, step: 5, splits: [0, 5, 10, 15] });
    expect(countAxis(16)).toEqual({ top: 20, step: 5, splits: [0, 5, 10, 15, 20] });
    expect(countAxis(7)).toEqual({ top: 8, step: 2, splits: [0, 2, 4, 6, 8] });
    expect(countAxis(1234).step).toBe(500);
    expect(countAxis(1234).top).toBe(1500);
  });

  it("keeps an axis when every day is zero", () => {
    expect(countAxis(0)).toEqual({ top: 4, step: 1, splits: [0, 1, 2, 3, 4] });
  });
});

describe("dayLabelIndices", () => {
  it("labels every day when there is room", () => {
    expect(dayLabelIndices(5, 1000)).toEqual([0, 1, 2, 3, 4]);
  });

  it("spaces labels to fit, always labelling the newest day", () => {
    const labels = dayLabelIndices(30, 640, 64);
    expect(labels.at(-1)).toBe(29);
    expect(labels.length).toBeLessThanOrEqual(10);
    expect(new Set(labels.slice(1).map((v, i) => v - labels[i]!)).size).toBe(1);
  });

  it("still labels today on a very narrow chart", () => {
    expect(dayLabelIndices(30, 40)).toEqual([29]);
    expect(dayLabelIndices(0, 500)).toEqual([]);
  });
});
