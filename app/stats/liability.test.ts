import { describe, expect, it } from "vitest";
import { netChange, outstandingByDay, redemptionRateBetween } from "./liability";
import { parsePeriod, periodEnding, pointsChange, ratio, relativeChange } from "./periods";

const row = (day: string, issued: number, redeemed = 0, expired = 0, reversed = 0, adjusted = 0) => ({
  day,
  pointsIssued: issued,
  pointsRedeemed: redeemed,
  pointsExpired: expired,
  pointsReversed: reversed,
  pointsAdjusted: adjusted,
});

describe("the liability trend", () => {
  it("walks back from what is outstanding now through each day's net change", () => {
    const rows = [row("2026-03-01", 100, 30), row("2026-03-03", 50, 0, 10, 5, -2)];
    expect(netChange(rows[1]!)).toBe(33);
    expect(outstandingByDay(rows, 500, "2026-02-28", "2026-03-03")).toEqual([
      { day: "2026-02-28", points: 397 }, // 500 − 33 − 70
      { day: "2026-03-01", points: 467 },
      { day: "2026-03-02", points: 467 },
      { day: "2026-03-03", points: 500 },
    ]);
  });

  it("never shows a negative liability", () => {
    expect(outstandingByDay([row("2026-03-02", 80)], 50, "2026-03-01", "2026-03-02")[0]).toEqual({
      day: "2026-03-01",
      points: 0,
    });
  });

  it("rates redemption over the period's days only, and says nothing without issuance", () => {
    const rows = [row("2026-02-01", 1000, 900), row("2026-03-01", 200, 50), row("2026-03-02", 200, 0)];
    expect(redemptionRateBetween(rows, "2026-03-01", "2026-03-31")).toEqual({
      issued: 400,
      redeemed: 50,
      rate: 0.125,
    });
    expect(redemptionRateBetween(rows, "2026-04-01", "2026-04-30").rate).toBeNull();
  });
});

describe("periods", () => {
  it("ends on today in the shop's zone and compares with the days just before", () => {
    expect(periodEnding("2026-03-10", 30)).toEqual({
      days: 30,
      from: "2026-02-09",
      to: "2026-03-10",
      previousFrom: "2026-01-10",
      previousTo: "2026-02-08",
    });
    expect(periodEnding("2026-03-01", 365).previousTo).toBe("2025-03-01");
  });

  it.each([
    ["90", 90],
    ["365", 365],
    ["7", 30],
    [null, 30],
    ["abc", 30],
  ])("reads ?period=%s as %i days", (raw, days) => {
    expect(parsePeriod(raw)).toBe(days);
  });

  it("has no ratio or change where the base is zero or unknown", () => {
    expect(ratio(1, 0)).toBeNull();
    expect(relativeChange(5, 0)).toEqual({ kind: "none" });
    expect(relativeChange(150, 100)).toEqual({ kind: "relative", value: 0.5 });
    expect(pointsChange(0.3, null)).toEqual({ kind: "none" });
    expect(pointsChange(0.3, 0.25).kind).toBe("points");
  });
});
