import { describe, expect, it } from "vitest";
import { defaultProgram } from "~/loyalty/program";
import { tierReasonLines } from "./tier-reason";

const program = (() => {
  const p = defaultProgram("USD");
  p.tiers = {
    ...p.tiers,
    basis: "spend",
    window: "rolling12m",
    downgradeGraceDays: 30,
    levels: [
      {
        id: "silver",
        name: "Silver",
        threshold: 50_000,
        benefits: { earnMultiplier: 1, perkPercent: 0, freeShipping: false },
      },
      {
        id: "gold",
        name: "Gold",
        threshold: 100_000,
        benefits: { earnMultiplier: 1.5, perkPercent: 0, freeShipping: false },
      },
    ],
  };
  return p;
})();

const member = {
  tierId: "silver",
  tierValue: 62_000,
  nextTierId: "gold",
  tierRemaining: 38_000,
  tierBelowSince: null,
  tierEvaluatedAt: "2026-03-03T12:00:00Z",
};

describe("tierReasonLines", () => {
  it("says the qualifying value, its window, the threshold cleared, the next tier and the grace rule", () => {
    expect(tierReasonLines(member, program, "UTC")).toEqual([
      "Qualifying value: $620.00 spent in the last 12 months.",
      "Silver starts at $500.00, so they qualify.",
      "Next: Gold at $1,000.00, $380.00 to go.",
      "Counted over a rolling 12 months: activity older than a year stops counting.",
      "Grace: if the value drops below $500.00, they keep Silver for 30 days before moving down.",
      "Last evaluated Mar 3, 2026.",
    ]);
  });

  it("dates the end of a running grace period in the shop's time zone", () => {
    const lines = tierReasonLines(
      { ...member, tierValue: 40_000, tierRemaining: 60_000, tierBelowSince: "2026-03-01T03:00:00Z" },
      program,
      "America/Los_Angeles",
    );
    expect(lines[1]).toBe(
      "Silver starts at $500.00; they are below it and keep Silver through the grace period.",
    );
    expect(lines).toContain(
      "Grace: below Silver's threshold since Feb 28, 2026; moves down on Mar 30, 2026 unless they qualify again (30-day grace).",
    );
  });

  it("names the first tier for a member without one, and the top tier", () => {
    expect(
      tierReasonLines(
        { ...member, tierId: null, tierValue: 1_000, tierRemaining: 49_000, nextTierId: "silver" },
        program,
        null,
      )[1],
    ).toBe("The first tier, Silver, starts at $500.00.");
    expect(
      tierReasonLines(
        { ...member, tierId: "gold", tierValue: 150_000, nextTierId: null, tierRemaining: 0 },
        program,
        null,
      ),
    ).toContain("Top tier reached.");
  });
});
