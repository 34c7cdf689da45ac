import { describe, expect, it } from "vitest";
import type { BanditReport } from "~/experiments/bandit.server";
import { presentBandit } from "./bandit-present";

// The bandit card's texts: the phase (burn-in until when, waiting for data and why, moving
// traffic), the next update in the shop's zone, and each arm's posterior in the shop's currency.

const HOUR = 3_600_000;
const launchedAt = new Date("2026-03-10T14:00:00Z");
const variants = [
  { key: "control", name: "Control", exposed: 120 },
  { key: "double", name: "Double", exposed: 80 },
];
const base = {
  bandit: { cadenceMinutes: 60, burnInPeriods: 24, minShare: 0.05, maxChange: 0.2, minMembersPerArm: 100 },
  launchedAt,
  status: "running",
  variants,
  positionKeys: ["control", "double"],
  metric: { key: "netRevenue", name: "Net revenue per member", higherIsBetter: true },
  currency: "EUR",
  timeZone: "Europe/Paris",
};
const allocation = (period: number, phase: string, reason: string, posterior: unknown = null) => ({
  period,
  effectiveFrom: new Date(launchedAt.getTime() + period * HOUR + 10_000),
  weights: { control: 0.3, double: 0.7 },
  phase,
  reason,
  posterior,
});

describe("presentBandit", () => {
  it("is in the burn-in until its last period, at equal shares, with the next update due", () => {
    const report: BanditReport = {
      allocations: [{ ...allocation(1, "burn-in", "burn-in"), weights: { control: 0.5, double: 0.5 } }],
      expectedShares: { control: 0.5, double: 0.5 },
    };
    const view = presentBandit({ ...base, report, now: new Date(launchedAt.getTime() + 90 * 60_000) });
    expect(view.phase.label).toBe("Burn-in");
    expect(view.phase.text).toBe(
      "Every arm gets an equal share until Mar 11, 2026, 3:00 PM GMT+1 (24 updates), so the first results cannot move traffic.",
    );
    expect(view.nextUpdate).toBe("Mar 10, 2026, 5:00 PM GMT+1");
    expect(view.history.map((h) => h.shares.double)).toEqual([0.5, 0.5]);
    expect(view.arms.map((a) => [a.weight, a.mean, a.probabilityBest])).toEqual([
      ["50%", "—", "—"],
      ["50%", "—", "—"],
    ]);
  });

  it("says why the allocation is kept, and shows the posterior in the shop's currency", () => {
    const posterior = {
      arms: [
        {
          n: 120,
          mean: 5000,
          variance: 1,
          effectiveN: 120,
          posterior: { kind: "normal", mean: 5000, sd: 100 },
          probabilityBest: 0.2,
          expectedLoss: 150,
        },
        {
          n: 80,
          mean: 5200,
          variance: 1,
          effectiveN: 80,
          posterior: { kind: "normal", mean: 5200, sd: 150 },
          probabilityBest: 0.8,
          expectedLoss: 20,
        },
      ],
      notes: [],
    };
    const report: BanditReport = {
      allocations: [
        allocation(
          25,
          "waiting-for-data",
          "allocation kept: 200 members, 200 needed before traffic moves",
          posterior,
        ),
      ],
      expectedShares: { control: 0.6, double: 0.4 },
    };
    const view = presentBandit({ ...base, report, now: new Date(launchedAt.getTime() + 25.5 * HOUR) });
    expect(view.phase.label).toBe("Waiting for data");
    expect(view.phase.text).toBe("The allocation is kept: 200 members, 200 needed before traffic moves.");
    const [control, double] = view.arms;
    expect(control!.mean).toBe("€50.00");
    expect(control!.interval).toBe("€48.04 to €51.96");
    expect(double!.probabilityBest).toBe("80%");
    expect(double!.expectedLoss).toBe("€0.20");
    expect(double!.weight).toBe("70%");
    const stopped = presentBandit({
      ...base,
      status: "stopped",
      report,
      now: new Date(launchedAt.getTime() + 30 * HOUR),
    });
    expect(stopped.nextUpdate).toBeNull();
    expect(stopped.phase.text).toMatch(/stopped: the allocation no longer updates\.$/);
  });
});
