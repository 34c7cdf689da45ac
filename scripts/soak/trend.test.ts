import { describe, expect, it } from "vitest";
import { trendOf, type Sample } from "./trend";

const series = (values: number[], stepMs = 10_000): Sample[] =>
  values.map((value, i) => ({ atMs: i * stepMs, value }));
const tolerance = { relative: 0.1, absolute: 1 };

describe("trendOf", () => {
  it("gives the least-squares slope per minute and the thirds' means", () => {
    // 1 unit per 10 s sample = 6 per minute, exactly.
    const t = trendOf(series([0, 1, 2, 3, 4, 5, 6, 7, 8]), tolerance)!;
    expect(t.slopePerMinute).toBeCloseTo(6, 12);
    expect(t.firstThird).toBe(1);
    expect(t.lastThird).toBe(7);
    expect(t.grows).toBe(true);
  });

  it("calls a flat but noisy series flat, and a single spike no growth", () => {
    expect(trendOf(series([100, 104, 97, 101, 99, 103, 98, 100, 102]), tolerance)!.grows).toBe(false);
    expect(trendOf(series([100, 100, 100, 400, 100, 100, 100, 100, 100]), tolerance)!.grows).toBe(false);
  });

  it("uses the absolute floor near zero, so a queue going 0 → 1 is not growth", () => {
    expect(trendOf(series([0, 0, 0, 0, 0, 1, 1, 1, 1]), tolerance)!.grows).toBe(false);
    expect(trendOf(series([0, 0, 0, 5, 10, 20, 40, 80, 160]), tolerance)!.grows).toBe(true);
  });

  it("needs three samples", () => {
    expect(trendOf(series([1, 2]), tolerance)).toBeNull();
  });
});
