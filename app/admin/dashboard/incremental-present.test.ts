import { describe, expect, it } from "vitest";
import { incrementalSentence, moneyWithMargin, type IncrementalValue } from "./incremental-present";

const interval = (estimate: number, half: number) => ({
  estimate,
  lower: estimate - half,
  upper: estimate + half,
});

function value(net: { estimate: number; lower: number; upper: number }): IncrementalValue {
  const zero = interval(0, 0);
  return {
    days: 90,
    perMember: { revenue: zero, grossMargin: zero, rewardCost: zero, netMargin: zero },
    total: { revenue: zero, grossMargin: zero, rewardCost: zero, netMargin: net },
    roi: null,
  };
}

describe("the incremental-value sentence", () => {
  it("says the program made more margin than it cost only when the whole interval is above zero", () => {
    expect(incrementalSentence(value(interval(1_234_500, 300_000)), "USD")).toBe(
      "The program made you $12,345.00 ± $3,000.00 more margin than it cost over the last 90 days.",
    );
    expect(incrementalSentence(value(interval(-500_000, 100_000)), "EUR")).toBe(
      "The program cost you €5,000.00 ± €1,000.00 more than the margin it brought over the last 90 days.",
    );
    expect(incrementalSentence(value(interval(100_000, 300_000)), "USD")).toBe(
      "The program's net effect on your margin over the last 90 days is +$1,000.00 ± $3,000.00: not yet distinguishable from zero.",
    );
  });

  it("shows an asymmetric interval by its wider side, in the shop's currency", () => {
    expect(moneyWithMargin({ estimate: 1000, lower: 800, upper: 1500 }, "JPY")).toBe("¥1,000 ± ¥500");
  });
});
