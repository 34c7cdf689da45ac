import { describe, expect, it } from "vitest";
import { programSchema } from "~/loyalty/program";
import { addDays, fillDays, liabilityMinor, localDay, pointValue, redemptionRate } from "./kpis";

const fixed = (id: string, amountMinor: number, pointsCost: number, active = true) => ({
  id,
  name: id,
  active,
  value: { kind: "fixedAmount" as const, amount: { amountMinor, currency: "USD" } },
  pointsCost,
});

describe("point value and liability", () => {
  it("uses the best active fixed-amount reward's money per point", () => {
    const program = programSchema.parse({
      currency: "USD",
      rewards: [
        fixed("five", 500, 500), // 1 cent per point
        fixed("twenty", 2000, 1000), // 2 cents per point: best
        fixed("retired", 5000, 100, false), // inactive: ignored
        { id: "pct", name: "10%", value: { kind: "percentage", percent: 10 }, pointsCost: 10 },
      ],
    });
    const value = pointValue(program);
    expect(value).toEqual({ basis: "reward", rewardName: "twenty", minorPerPoint: 2 });
    expect(liabilityMinor(12_345, value)).toBe(24_690);
  });

  it("has no money value without a fixed-amount reward", () => {
    const value = pointValue(programSchema.parse({ currency: "USD" }));
    expect(value).toEqual({ basis: "none", reason: "noFixedAmountReward" });
    expect(liabilityMinor(1000, value)).toBeNull();
  });
});

describe("daily series", () => {
  const row = (day: string, pointsIssued: number, pointsRedeemed: number) => ({
    day,
    pointsIssued,
    pointsRedeemed,
    pointsExpired: 0,
    pointsReversed: 0,
    redemptions: 0,
    newMembers: 0,
  });

  it("fills missing days with zeros, across a month end", () => {
    const days = fillDays([row("2026-02-27", 10, 0), row("2026-03-02", 5, 3)], "2026-02-27", "2026-03-02");
    expect(days.map((d) => [d.day, d.pointsIssued])).toEqual([
      ["2026-02-27", 10],
      ["2026-02-28", 0],
      ["2026-03-01", 0],
      ["2026-03-02", 5],
    ]);
  });

  it("rates redemption as points redeemed per point issued, and says nothing without issuance", () => {
    expect(redemptionRate([row("2026-01-01", 200, 50), row("2026-01-02", 200, 0)])).toBe(0.125);
    expect(redemptionRate([row("2026-01-01", 0, 0)])).toBeNull();
  });

  it("takes today in the shop's zone", () => {
    expect(localDay(new Date("2026-03-02T03:00:00Z"), "America/New_York")).toBe("2026-03-01");
    expect(localDay(new Date("2026-03-02T03:00:00Z"), "Not/AZone")).toBe("2026-03-02");
    expect(addDays("2026-03-01", -89)).toBe("2025-12-02");
  });
});
