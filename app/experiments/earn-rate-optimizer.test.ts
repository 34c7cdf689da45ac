import { describe, expect, it } from "vitest";
import { fieldErrors } from "./definition";
import { earnRateCandidates, earnRateRangeSchema } from "./earn-rate-optimizer";

// Which rates the earn-rate optimizer tries, and which ranges it refuses.

describe("earnRateCandidates", () => {
  it("spreads the rates evenly on a log scale, the live rate in place of its nearest grid point", () => {
    expect(earnRateCandidates(0.5, 8, 1, 5)).toEqual({ rates: [0.5, 1, 2, 4, 8], control: 1 });
    expect(earnRateCandidates(0.5, 8, 1.2, 5)).toEqual({ rates: [0.5, 1.2, 2, 4, 8], control: 1 });
    expect(earnRateCandidates(0.5, 8, 1, 6).rates).toEqual([0.5, 1, 1.52, 2.64, 4.59, 8]);
  });

  it("adds a live rate outside the range as an arm of its own, six arms at most", () => {
    expect(earnRateCandidates(2, 8, 1, 3)).toEqual({ rates: [1, 2, 4, 8], control: 0 });
    const wide = earnRateCandidates(2, 32, 1, 6);
    expect(wide.rates).toHaveLength(6);
    expect(wide.rates[0]).toBe(1);
  });
});

describe("earnRateRangeSchema", () => {
  const schema = earnRateRangeSchema(2);
  const issues = (input: Record<string, unknown>) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? {} : fieldErrors(parsed.error);
  };

  it("refuses a zero rate, 100× the live rate, an empty range and a bad count", () => {
    expect(issues({ min: "0", max: "4" }).min).toMatch(/above zero/);
    expect(issues({ min: "1", max: "200" }).max).toMatch(/100× the live rate/);
    expect(issues({ min: "0.01", max: "4" }).min).toMatch(/1\/100 of the live rate/);
    expect(issues({ min: "4", max: "2" }).max).toMatch(/above the lowest/);
    expect(issues({ min: "1", max: "4", count: "9" }).count).toMatch(/At most 6/);
    expect(issues({ min: "abc", max: "4" }).min).toBeDefined();
  });

  it("accepts a range below 100× with the default count", () => {
    expect(schema.parse({ min: "1", max: "199.9" })).toEqual({ min: 1, max: 199.9, count: 5 });
  });
});
