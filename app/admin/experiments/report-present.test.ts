import { describe, expect, it } from "vitest";
import { analyseExperiment } from "~/experiments/stats/analysis";
import { clipSeries, formatChance, presentAnalysis } from "./report-present";

// The report's texts come from the analysis as computed: the lift's sign and interval, the
// chance to win, the verdict with the shipped variant's name, in the shop's currency.

const arm = (n: number, mean: number, sd: number) => ({
  n,
  sum: n * mean,
  sumSquares: (n - 1) * sd * sd + n * mean * mean,
});

describe("presentAnalysis", () => {
  it("names the variants, formats money means and relative lifts, and says which way the interval lies", () => {
    const analysis = analyseExperiment({
      variants: ["control", "double"],
      weights: [50, 50],
      exposed: [1000, 1000],
      metrics: [
        {
          key: "netRevenue",
          name: "Net revenue per member",
          role: "primary",
          higherIsBetter: true,
          kind: "mean",
          arms: [arm(1000, 5000, 2000), arm(1000, 5600, 2000)],
        },
      ],
      reachedPlannedEnd: true,
    });
    const view = presentAnalysis(analysis, {
      variants: [
        { key: "control", name: "Control" },
        { key: "double", name: "Double points" },
      ],
      currency: "EUR",
      higherIsBetter: { netRevenue: true },
    });
    const [metric] = view.metrics;
    expect(metric!.arms).toEqual([
      { variant: "Control", members: "1,000", mean: "€50.00" },
      { variant: "Double points", members: "1,000", mean: "€56.00" },
    ]);
    expect(metric!.variants[0]).toMatchObject({
      variant: "Double points",
      lift: "+12.0%",
      verdict: "better",
    });
    expect(metric!.variants[0]!.interval).toMatch(/^\+\d+\.\d% to \+\d+\.\d%$/);
    expect(view.decision).toMatchObject({ verdict: "ship", label: "Ship: Double points" });
    expect(view.decision.reasons[0]).toMatch(/^Double points raised Net revenue per member by 12\.0%/);
    expect(view.srm.warning).toBe(false);
  });

  it("shows a comparison that cannot be made as its reason, never a number", () => {
    const analysis = analyseExperiment({
      variants: ["control", "b"],
      weights: [50, 50],
      exposed: [1, 0],
      metrics: [
        {
          key: "netRevenue",
          name: "Net revenue per member",
          role: "primary",
          higherIsBetter: true,
          kind: "mean",
          arms: [arm(1, 5000, 0), { n: 0, sum: 0, sumSquares: 0 }],
        },
      ],
      reachedPlannedEnd: false,
    });
    const view = presentAnalysis(analysis, {
      variants: [
        { key: "control", name: "Control" },
        { key: "b", name: "B" },
      ],
      currency: "USD",
      higherIsBetter: {},
    });
    expect(view.metrics[0]!.variants[0]).toMatchObject({ lift: "—", verdict: "none" });
    expect(view.metrics[0]!.variants[0]!.reason).toMatch(/members/);
  });
});

describe("clipSeries", () => {
  it("cuts early bounds beyond three times the final interval's reach, and says it did", () => {
    const { series, clipped } = clipSeries([
      {
        variant: "B",
        points: [
          { day: "d1", estimate: 0.5, lower: -4, upper: 5 },
          { day: "d2", estimate: 0.05, lower: 0.01, upper: 0.1 },
        ],
      },
    ]);
    expect(clipped).toBe(true);
    const [early] = series[0]!.points;
    expect(early!.estimate).toBeCloseTo(0.3, 12);
    expect(early!.lower).toBeCloseTo(-0.3, 12);
    expect(early!.upper).toBeCloseTo(0.3, 12);
    expect(series[0]!.points[1]).toEqual({ day: "d2", estimate: 0.05, lower: 0.01, upper: 0.1 });
  });
});

describe("formatChance", () => {
  it("never shows a chance to win as certain", () => {
    expect([formatChance(0.99996), formatChance(0.00004), formatChance(0.9234)]).toEqual([
      "> 99.9%",
      "< 0.1%",
      "92.3%",
    ]);
  });
});
