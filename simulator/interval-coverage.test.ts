import { describe, expect, it } from "vitest";
import type { LiftRow } from "./app-experiment.server";
import { intervalCoverage } from "./interval-coverage";

const row = (variant: string, inside: boolean | null, metric = "netRevenue"): LiftRow => ({
  report: "holdout",
  variant,
  control: "holdout",
  metric,
  measuredLift: 0.1,
  lower: 0,
  upper: 0.2,
  pValue: 0.04,
  trueLift: inside === null ? null : 0.1,
  truthInsideInterval: inside,
});

describe("intervalCoverage", () => {
  it("counts each comparison's runs inside, judges it against the level's binomial error, and counts misses per run", () => {
    // 20 runs: "a" misses in 4 of them (80%), "b" in 1 (95%); the misses of "b" fall in a run "a" missed too.
    const runs = Array.from({ length: 20 }, (_, i) => ({
      lifts: [row("a", i >= 4), row("b", i !== 0), row("c", null)],
    }));
    const summary = intervalCoverage(runs);
    const [a, b] = summary.comparisons;
    // Two standard errors at 95% over 20 runs: 2·√(0.95·0.05/20) = 0.0975, so 85.3% is the floor.
    expect(a).toMatchObject({ variant: "a", runs: 20, inside: 16, share: 0.8, met: false });
    expect(a!.standardError).toBeCloseTo(0.048734, 5);
    expect(b).toMatchObject({ variant: "b", runs: 20, inside: 19, share: 0.95, met: true });
    // A comparison with no truth or no interval is not counted.
    expect(summary.comparisons.map((c) => c.variant)).toEqual(["a", "b"]);
    expect(summary.missesPerRun).toEqual([16, 3, 1]);
  });

  it("keeps metrics of one comparison apart", () => {
    const summary = intervalCoverage([{ lifts: [row("a", true), row("a", false, "orders")] }]);
    expect(summary.comparisons.map((c) => [c.metric, c.inside])).toEqual([
      ["netRevenue", 1],
      ["orders", 0],
    ]);
    expect(summary.missesPerRun).toEqual([0, 1]);
  });
});
