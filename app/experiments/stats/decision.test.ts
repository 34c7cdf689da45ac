import { describe, expect, it } from "vitest";

import { decide, type DecisionInput, type Guardrail, type Verdict } from "./decision";
import type { Comparison, Method } from "./frequentist";
import { sampleRatioMismatch } from "./srm";

// Relative lift intervals stated directly, so each scenario reads as the report would show it.
function lift(
  lower: number,
  upper: number,
  method: Method = "sequential",
): Extract<Comparison, { ok: true }> {
  const estimate = (lower + upper) / 2;
  const interval = {
    estimate,
    standardError: (upper - lower) / 4,
    lower,
    upper,
    pValue: lower > 0 || upper < 0 ? 0.01 : 0.4,
    significant: lower > 0 || upper < 0,
  };
  return {
    ok: true,
    method,
    alpha: 0.05,
    degreesOfFreedom: Infinity,
    absolute: interval,
    relative: interval,
    notes: [],
  };
}

const refunds = (lower: number, upper: number, method?: Method): Guardrail => ({
  metric: "refund rate",
  comparison: lift(lower, upper, method),
  higherIsBetter: false,
  threshold: 0.02,
});

const balanced = sampleRatioMismatch([5000, 5000], [1, 1]);

function input(overrides: Partial<DecisionInput>): DecisionInput {
  return {
    primaryMetric: "revenue per member",
    higherIsBetter: true,
    srm: balanced,
    reachedPlannedEnd: false,
    variants: [{ variant: "B", primary: lift(-0.01, 0.03), guardrails: [refunds(-0.01, 0.01)] }],
    ...overrides,
  };
}

describe("decide", () => {
  it.each<[string, Partial<DecisionInput>, Verdict, RegExp]>([
    [
      "sample ratio mismatch",
      { srm: sampleRatioMismatch([5200, 4800], [1, 1]) },
      "investigate",
      /5200 \/ 4800 members where the weights expected 5000 \/ 5000/,
    ],
    [
      "a fixed-horizon test before its end",
      { variants: [{ variant: "B", primary: lift(0.02, 0.08, "welch"), guardrails: [] }] },
      "keep-running",
      /only be read at its planned end/,
    ],
    [
      "a clear win with guardrails inside their limits",
      { variants: [{ variant: "B", primary: lift(0.02, 0.08), guardrails: [refunds(-0.01, 0.015)] }] },
      "ship",
      /B raised revenue per member by 5.0% \(interval 2.0% to 8.0%/,
    ],
    [
      "a win that breaches a guardrail",
      { variants: [{ variant: "B", primary: lift(0.02, 0.08), guardrails: [refunds(0.03, 0.09)] }] },
      "stop-for-harm",
      /refund rate is worse by more than its 2.0% limit/,
    ],
    [
      "a win whose guardrail is not yet shown safe",
      { variants: [{ variant: "B", primary: lift(0.02, 0.08), guardrails: [refunds(-0.01, 0.05)] }] },
      "keep-running",
      /may still be worse than its 2.0% limit/,
    ],
    [
      "the same at the planned end",
      {
        reachedPlannedEnd: true,
        variants: [{ variant: "B", primary: lift(0.02, 0.08), guardrails: [refunds(-0.01, 0.05)] }],
      },
      "keep-control",
      /planned end is reached/,
    ],
    [
      "a primary metric that got worse",
      { variants: [{ variant: "B", primary: lift(-0.09, -0.02), guardrails: [] }] },
      "stop-for-harm",
      /B lowered revenue per member by 5.5%.*worse than control/,
    ],
    ["no difference yet", {}, "keep-running", /not distinguishable from control yet/],
    [
      "no difference at the end",
      { reachedPlannedEnd: true },
      "keep-control",
      /without a variant that beats control/,
    ],
  ])("%s", (_name, overrides, verdict, reason) => {
    const decision = decide(input(overrides));
    expect(decision.verdict).toBe(verdict);
    expect(decision.reasons.join(" ")).toMatch(reason);
  });

  it("ships the variant with the surest win, even when another arm is harmful", () => {
    const decision = decide(
      input({
        variants: [
          { variant: "B", primary: lift(0.01, 0.09), guardrails: [] },
          { variant: "C", primary: lift(0.03, 0.05), guardrails: [] },
          { variant: "D", primary: lift(-0.2, -0.1), guardrails: [] },
        ],
      }),
    );
    expect(decision).toMatchObject({ verdict: "ship", variant: "C" });
  });

  it("reads a lower-is-better primary metric the right way round", () => {
    const decision = decide(
      input({
        primaryMetric: "reward cost per member",
        higherIsBetter: false,
        variants: [{ variant: "B", primary: lift(-0.08, -0.02), guardrails: [] }],
      }),
    );
    expect(decision.verdict).toBe("ship");
    expect(decision.reasons[0]).toMatch(/B lowered reward cost per member by 5.0%/);
  });

  it("waits when a comparison has no data, saying why", () => {
    const decision = decide(
      input({
        variants: [
          {
            variant: "B",
            primary: { ok: false, reason: "each arm needs at least 2 members" },
            guardrails: [],
          },
        ],
      }),
    );
    expect(decision).toEqual({
      verdict: "keep-running",
      reasons: ["Not enough data yet: each arm needs at least 2 members."],
    });
  });

  it("decides on the test of the difference, not on the delta-method ratio interval", () => {
    // The ratio interval clears zero but Welch's test of the difference does not: keep running.
    const borderline: Comparison = {
      ...lift(0.001, 0.1),
      absolute: {
        estimate: 0.5,
        standardError: 0.26,
        lower: -0.01,
        upper: 1.01,
        pValue: 0.055,
        significant: false,
      },
    };
    const decision = decide(input({ variants: [{ variant: "B", primary: borderline, guardrails: [] }] }));
    expect(decision.verdict).toBe("keep-running");
  });

  it("ships a gain on a metric whose control mean is negative, read from the absolute difference", () => {
    const difference = {
      estimate: 1,
      standardError: 0.25,
      lower: 0.5,
      upper: 1.5,
      pValue: 0.0001,
      significant: true,
    };
    const gain: Comparison = { ...lift(0.5, 1.5), absolute: difference, relative: null };
    const decision = decide(
      input({
        primaryMetric: "net margin per member",
        variants: [{ variant: "B", primary: gain, guardrails: [] }],
      }),
    );
    expect(decision.verdict).toBe("ship");
    expect(decision.reasons[0]).toMatch(/B raised net margin per member by 1.00/);
  });
});
