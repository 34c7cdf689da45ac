import { guardrailState } from "./stats/decision";
import { describe, expect, it } from "vitest";
import {
  autoApplyDecision,
  autoApplyGuardrails,
  autoApplyInputSchema,
  DEFAULT_AUTO_APPLY,
  requiredUpdates,
  type AutoApplyInput,
  type BanditUpdateRecord,
} from "./auto-apply";
import { banditGuardrails, contributors, periodWeightedComparisons } from "./auto-apply-evidence";
import { meanEstimate, type Estimate } from "./stats/estimates";
import { compare } from "./stats/frequentist";
import { sampleRatioMismatch } from "./stats/srm";

const LAUNCH = new Date("2026-11-01T00:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(LAUNCH.getTime() + days * DAY);
const est = (mean: number, sd: number, n: number): Estimate => ({ n, mean, varianceOfMean: (sd * sd) / n });
const seq = (c: Estimate, t: Estimate) => compare(c, t, { method: "sequential" });

/** A guardrail on a lower-is-better cost whose variant mean is `costLift` above the control's. */
const cost = (costLift: number, n = 5000, threshold = 0.25) => ({
  metric: "Reward cost per member",
  comparison: seq(est(1, 0.5, n), est(1 + costLift, 0.5, n)),
  higherIsBetter: false,
  threshold,
});

function fixed(
  overrides: Partial<AutoApplyInput> = {},
  lifts: Record<string, number> = { b: 0.2 },
): AutoApplyInput {
  const keys = Object.keys(lifts);
  return {
    settings: DEFAULT_AUTO_APPLY,
    now: at(10),
    launchedAt: LAUNCH,
    arms: [
      { key: "a", name: "Control", control: true, members: 5000 },
      ...keys.map((k) => ({ key: k, name: k.toUpperCase(), control: false, members: 5000 })),
    ],
    srm: sampleRatioMismatch([5000, ...keys.map(() => 5000)], [1, ...keys.map(() => 1)]),
    guardrails: keys.map((k) => ({ variant: k, guardrails: [cost(0.05)] })),
    primary: {
      kind: "fixed",
      metric: "Net revenue per member",
      higherIsBetter: true,
      comparisons: keys.map((k) => ({
        variant: k,
        comparison: seq(est(10, 5, 5000), est(10 + lifts[k]! * 10, 5, 5000)),
      })),
    },
    ...overrides,
  };
}

describe("autoApplyDecision: a fixed split", () => {
  it("ships the variant whose sequential test is significant, with its guardrails shown safe", () => {
    const d = autoApplyDecision(fixed());
    expect(d).toMatchObject({ action: "ship", variant: "b", rule: "sequential test" });
    expect(d.reasons[0]).toMatch(/B changed Net revenue per member by 20.0%/);
    expect(d.snapshot.primary).toMatchObject({ kind: "fixed", variant: "b" });
    expect(d.snapshot.guardrails[0]).toMatchObject({ variant: "b", state: "safe" });
  });

  it("ships the surest of two winners", () => {
    expect(autoApplyDecision(fixed({}, { b: 0.05, c: 0.2 }))).toMatchObject({ action: "ship", variant: "c" });
  });

  it("waits while no variant is significant", () => {
    const d = autoApplyDecision(fixed({}, { b: 0.001 }));
    expect(d.action).toBe("wait");
    expect(d.reasons[0]).toMatch(/No variant beats the control/);
  });

  it("reads a lower-is-better primary metric the other way", () => {
    const input = fixed({}, { b: -0.2 });
    const lower = { ...input, primary: { ...input.primary, higherIsBetter: false } } as AutoApplyInput;
    expect(autoApplyDecision(input).action).toBe("wait");
    expect(autoApplyDecision(lower)).toMatchObject({ action: "ship", variant: "b" });
  });

  it("ships nothing in the first days (the burn-in of a fixed split)", () => {
    const d = autoApplyDecision(fixed({ now: at(6.9) }));
    expect(d.action).toBe("wait");
    expect(d.reasons[0]).toMatch(/first 7 days/);
    expect(autoApplyDecision(fixed({ now: at(7) })).action).toBe("ship");
  });

  it("ships nothing and pauses nothing below the minimum sample", () => {
    const input = fixed();
    input.arms[0]!.members = 99;
    const d = autoApplyDecision(input);
    expect(d.action).toBe("wait");
    expect(d.reasons[0]).toMatch(/100 members.*Control has 99/);
  });

  it("blocks when a guardrail is breached, in any variant, even the losing one", () => {
    const input = fixed({}, { b: 0.2, c: 0 });
    input.guardrails[1]!.guardrails = [cost(0.6)];
    const d = autoApplyDecision(input);
    expect(d.action).toBe("block");
    expect(d.reasons).toEqual([
      expect.stringMatching(/^C: guardrail Reward cost per member is worse by more than its 25.0% limit/),
    ]);
  });

  it("waits when the winner's guardrail cannot be shown within its limit yet", () => {
    const input = fixed();
    input.guardrails[0]!.guardrails = [cost(0.2, 400)];
    const d = autoApplyDecision(input);
    expect(d.action).toBe("wait");
    expect(d.reasons.at(-1)).toMatch(
      /waits until every guardrail is shown within its limit: guardrail Reward cost per member may still be worse/,
    );
  });

  it("blocks on a sample-ratio mismatch", () => {
    const d = autoApplyDecision(fixed({ srm: sampleRatioMismatch([5000, 4500], [1, 1]) }));
    expect(d.action).toBe("block");
    expect(d.reasons[0]).toMatch(/Sample ratio mismatch/);
  });
});

describe("autoApplyDecision: a bandit", () => {
  const updates = (probabilities: (number[] | null)[], phase = "thompson"): BanditUpdateRecord[] =>
    probabilities.map((p, i) => ({
      period: i + 1,
      at: new Date(LAUNCH.getTime() + (i + 1) * 3_600_000),
      phase: p ? phase : "burn-in",
      probabilityBest: p,
    }));
  const bandit = (
    u: BanditUpdateRecord[],
    settings = { ...DEFAULT_AUTO_APPLY, holdHours: 3 },
  ): AutoApplyInput => ({
    ...fixed({ settings }, { b: 0.2, c: 0 }),
    primary: { kind: "bandit", metric: "Net revenue per member", cadenceMinutes: 60, updates: u },
  });
  const sure = [0.01, 0.97, 0.02];

  it("ships the arm that held P(best) ≥ 95% for the hold (three hourly updates here)", () => {
    const d = autoApplyDecision(bandit(updates([null, [0.2, 0.5, 0.3], sure, sure, sure])));
    expect(d).toMatchObject({ action: "ship", variant: "b", rule: "probability of being best" });
    expect(d.snapshot.primary).toMatchObject({
      kind: "bandit",
      heldUpdates: 3,
      probabilityBest: { b: 0.97 },
    });
  });

  it("waits until the hold is complete, and a dip restarts it", () => {
    expect(autoApplyDecision(bandit(updates([sure, sure]))).reasons[0]).toMatch(/held for 2 of the 3/);
    expect(autoApplyDecision(bandit(updates([sure, sure, [0.1, 0.9, 0], sure, sure]))).action).toBe("wait");
  });

  it("waits while the leader is below the threshold", () => {
    const d = autoApplyDecision(bandit(updates([[0.05, 0.9, 0.05]])));
    expect(d.reasons[0]).toMatch(/probability 90.0%; auto-apply needs 95.0%/);
  });

  it("never ships during the burn-in", () => {
    const d = autoApplyDecision(bandit(updates([null, null, null])));
    expect(d.action).toBe("wait");
    expect(d.reasons[0]).toMatch(/burn-in/);
  });

  it("does not count updates that did not follow the data (waiting for data)", () => {
    expect(autoApplyDecision(bandit(updates([sure, sure, sure], "waiting-for-data"))).action).toBe("wait");
  });

  it("ships nothing when the control is the best arm", () => {
    const d = autoApplyDecision(
      bandit(
        updates([
          [0.97, 0.02, 0.01],
          [0.97, 0.02, 0.01],
          [0.97, 0.02, 0.01],
        ]),
      ),
    );
    expect(d.action).toBe("wait");
    expect(d.reasons[0]).toMatch(/control, Control, is the best arm/);
  });

  it("blocks the best arm when it breaches a guardrail", () => {
    const input = bandit(updates([sure, sure, sure]));
    input.guardrails[0]!.guardrails = [cost(0.6)];
    expect(autoApplyDecision(input).action).toBe("block");
  });

  it("ships past a losing arm's breach when the bandit already holds that arm at its floor, saying so", () => {
    const input = bandit(updates([sure, sure, sure]));
    input.guardrails[1]!.guardrails = [cost(0.6)];
    expect(autoApplyDecision(input).action).toBe("block"); // C still gets traffic: pause
    input.arms.find((a) => a.key === "c")!.atFloor = true;
    const d = autoApplyDecision(input);
    expect(d).toMatchObject({ action: "ship", variant: "b" });
    expect(d.reasons.at(-1)).toMatch(
      /^C: guardrail Reward cost .* holds it at its minimum share, and shipping the winner ends it\.$/,
    );
    // The winner's own breach is never excused by a floor elsewhere.
    input.guardrails[0]!.guardrails = [cost(0.6)];
    expect(autoApplyDecision(input).action).toBe("block");
  });
});

describe("settings and guardrails", () => {
  it("needs at least two updates, covering the hold", () => {
    expect(requiredUpdates(24, 60)).toBe(24);
    expect(requiredUpdates(24, 3 * 24 * 60)).toBe(2);
    expect(requiredUpdates(1, 15)).toBe(4);
  });

  it("watches reward cost, liability and margin, the experiment's own threshold first, never the primary", () => {
    expect(
      autoApplyGuardrails(
        [
          { metric: "rewardCost", threshold: 0.1 },
          { metric: "orders", threshold: 0.02 },
        ],
        "netMargin",
      ),
    ).toEqual([
      { metric: "rewardCost", threshold: 0.1 },
      { metric: "pointsLiability", threshold: 0.25 },
      { metric: "orders", threshold: 0.02 },
    ]);
  });

  it("answers a field error for each setting out of bounds", () => {
    const parsed = autoApplyInputSchema.safeParse({
      probabilityBestPercent: "50",
      holdHours: "0",
      minMembersPerArm: "5",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toEqual([
      "probabilityBestPercent",
      "holdHours",
      "minMembersPerArm",
    ]);
    expect(autoApplyInputSchema.parse({})).toEqual({
      probabilityBestPercent: 95,
      holdHours: 24,
      minMembersPerArm: 100,
      minDays: 7,
    });
  });
});

describe("a bandit's guardrails", () => {
  const stats = (values: number[]) => ({
    n: values.length,
    sum: values.reduce((s, v) => s + v, 0),
    sumSquares: values.reduce((s, v) => s + v * v, 0),
  });
  const draws = (mean: number, n: number, k: number) =>
    Array.from({ length: n }, (_, i) => mean + ((i * k) % 7) - 3);

  it("with one period, is the sequential test of the plain means", () => {
    const control = stats(draws(10, 300, 3));
    const variant = stats(draws(12, 200, 5));
    const [c] = periodWeightedComparisons([[control, variant]], 0, {
      minStratumMembers: 0,
      weighting: "precision",
    });
    const e = (s: typeof control) => (meanEstimate(s) as { ok: true; estimate: Estimate }).estimate;
    const direct = seq(e(control), e(variant));
    expect(c!.ok && direct.ok).toBe(true);
    if (!c!.ok || !direct.ok) return;
    expect(c!.absolute.estimate).toBeCloseTo(direct.absolute.estimate, 12);
    expect(c!.absolute.lower).toBeCloseTo(direct.absolute.lower, 10);
  });

  it("weights periods alike for every arm, so a shifted baseline does not read as harm", () => {
    // Cost doubles in period 2 for everyone, while the variant gets 90% of period 2.
    const p1 = [stats(draws(10, 500, 3)), stats(draws(10, 500, 5))];
    const p2 = [stats(draws(20, 100, 3)), stats(draws(20, 900, 5))];
    const [weighted] = banditGuardrails(
      [{ metric: "Reward cost", higherIsBetter: false, threshold: 0.05, periods: [p1, p2] }],
      ["control", "b"],
      0,
      { minStratumMembers: 0, weighting: "precision" },
    );
    const g = weighted!.guardrails[0]!;
    expect(g.comparison.ok && Math.abs(g.comparison.absolute.estimate)).toBeLessThan(0.2);
    const pooled = seq(
      (
        meanEstimate({
          n: 600,
          sum: p1[0]!.sum + p2[0]!.sum,
          sumSquares: p1[0]!.sumSquares + p2[0]!.sumSquares,
        }) as { ok: true; estimate: Estimate }
      ).estimate,
      (
        meanEstimate({
          n: 1400,
          sum: p1[1]!.sum + p2[1]!.sum,
          sumSquares: p1[1]!.sumSquares + p2[1]!.sumSquares,
        }) as { ok: true; estimate: Estimate }
      ).estimate,
    );
    expect(pooled.ok && pooled.absolute.estimate).toBeGreaterThan(4);
  });

  it("reads a metric constant in both arms as an exact difference: none when equal, so it is safe", () => {
    const zeros = (n: number) => stats(new Array(n).fill(0));
    const [same] = periodWeightedComparisons([[zeros(300), zeros(200)]], 0, {
      minStratumMembers: 0,
      weighting: "precision",
    });
    expect(same).toMatchObject({ ok: true, relative: { estimate: 0, lower: 0, upper: 0 } });
    if (!same!.ok) return;
    expect(
      guardrailState({ metric: "Reward cost", comparison: same!, higherIsBetter: false, threshold: 0.25 })
        .state,
    ).toBe("safe");
    const [higher] = periodWeightedComparisons(
      [[stats(new Array(300).fill(10)), stats(new Array(200).fill(15))]],
      0,
      {
        minStratumMembers: 0,
        weighting: "precision",
      },
    );
    expect(higher).toMatchObject({ ok: true, relative: { estimate: 0.5, lower: 0.5, upper: 0.5 } });
    if (!higher!.ok) return;
    expect(
      guardrailState({ metric: "Reward cost", comparison: higher!, higherIsBetter: false, threshold: 0.25 })
        .state,
    ).toBe("breached");
  });

  it("does not judge a guardrail carried by a handful of members (one big order is not a 92% harm)", () => {
    const sparse = (big: number, n: number) => stats([big, ...new Array(n - 1).fill(0)]);
    const [c] = periodWeightedComparisons(
      [[sparse(22_000, 150), stats([900, 800, ...new Array(148).fill(0)])]],
      0,
      {
        minStratumMembers: 0,
        weighting: "precision",
      },
    );
    expect(c).toEqual({
      ok: false,
      reason: "about 1 members carry an arm's total so far; 30 are needed before its interval can be trusted",
    });
    expect(contributors([stats([5, 5, 5, 5, 0])])).toBeCloseTo(4, 12);
    const many = (mean: number) => stats(draws(mean, 300, 3));
    expect(
      periodWeightedComparisons([[many(10), many(12)]], 0, {
        minStratumMembers: 0,
        weighting: "precision",
      })[0]!.ok,
    ).toBe(true);
  });

  it("says why when an arm has no members", () => {
    const [c] = periodWeightedComparisons([[stats([1, 2, 3]), { n: 0, sum: 0, sumSquares: 0 }]], 0, {
      minStratumMembers: 0,
      weighting: "precision",
    });
    expect(c).toEqual({ ok: false, reason: "no members in this arm yet" });
  });
});
