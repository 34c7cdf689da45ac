import type { Comparison, Lift } from "./frequentist";
import type { SrmResult } from "./srm";

// What to do with an experiment now, and why, in words a merchant can act on. The order of
// the checks is the order of trust: broken assignment (SRM) first, then whether the test may
// be read at all today (a fixed-horizon test only at its planned end; a sequential one at
// every look), then harm, then a win that every guardrail allows, then time.

export type Verdict = "ship" | "keep-control" | "keep-running" | "stop-for-harm" | "investigate";

export type Guardrail = {
  metric: string;
  comparison: Comparison;
  higherIsBetter: boolean;
  /** Largest relative harm tolerated, e.g. 0.02 for "refund rate may not worsen by more than 2%". */
  threshold: number;
};

export type VariantOutcome = { variant: string; primary: Comparison; guardrails: Guardrail[] };

export type DecisionInput = {
  primaryMetric: string;
  higherIsBetter: boolean;
  variants: VariantOutcome[];
  srm: SrmResult;
  /** Whether the planned duration or sample has been reached. */
  reachedPlannedEnd: boolean;
};

export type Decision = { verdict: Verdict; variant?: string; reasons: string[] };

type Read = {
  scale: "relative" | "absolute";
  lift: Lift;
  lower: number;
  upper: number;
  /** Welch's (or the sequential) test of the difference rejects equality, in the good or the bad direction. */
  better: boolean;
  worse: boolean;
};

/**
 * The comparison in "better" units (positive is good), reported on the relative scale when it
 * exists. Whether a variant beats or loses to control is the test of the absolute difference:
 * it is exact for the null of equal means (the delta-method interval on the ratio is only
 * asymptotic, and ran a little over its nominal false-positive rate on skewed revenue), and
 * its sign is the direction of the change even when the control mean is negative.
 */
function read(comparison: Comparison, higherIsBetter: boolean): Read | null {
  if (!comparison.ok) return null;
  const lift = comparison.relative ?? comparison.absolute;
  const scale = comparison.relative ? "relative" : "absolute";
  const [lower, upper] = higherIsBetter ? [lift.lower, lift.upper] : [-lift.upper, -lift.lower];
  const { lower: dLower, upper: dUpper } = comparison.absolute;
  const [better, worse] = higherIsBetter ? [dLower > 0, dUpper < 0] : [dUpper < 0, dLower > 0];
  return { scale, lift, lower, upper, better, worse };
}

function amount(value: number, scale: "relative" | "absolute"): string {
  return scale === "relative" ? `${(value * 100).toFixed(1)}%` : value.toFixed(2);
}

function describe(metric: string, r: Read, method: string): string {
  const change = r.lift.estimate >= 0 ? "raised" : "lowered";
  return `${change} ${metric} by ${amount(Math.abs(r.lift.estimate), r.scale)} (interval ${amount(r.lift.lower, r.scale)} to ${amount(r.lift.upper, r.scale)}, ${method})`;
}

export type GuardrailState = { state: "safe" | "breached" | "unresolved"; text: string };

export function guardrailState(g: Guardrail): GuardrailState {
  const r = read(g.comparison, g.higherIsBetter);
  if (!r || r.scale !== "relative") {
    const why = g.comparison.ok ? "its relative change is undefined" : g.comparison.reason;
    return { state: "unresolved", text: `guardrail ${g.metric} cannot be judged yet: ${why}` };
  }
  const limit = `${(g.threshold * 100).toFixed(1)}%`;
  if (r.upper < -g.threshold)
    return {
      state: "breached",
      text: `guardrail ${g.metric} is worse by more than its ${limit} limit (it ${describe(g.metric, r, "the whole interval past the limit")})`,
    };
  if (r.lower >= -g.threshold)
    return { state: "safe", text: `guardrail ${g.metric} stays within its ${limit} limit` };
  return {
    state: "unresolved",
    text: `guardrail ${g.metric} may still be worse than its ${limit} limit (interval reaches ${amount(-r.lower, "relative")} worse)`,
  };
}

export function decide(input: DecisionInput): Decision {
  const { srm } = input;
  if (srm.warning) {
    return {
      verdict: "investigate",
      reasons: [
        `Sample ratio mismatch (χ² p = ${srm.pValue.toExponential(1)} < 0.001): the arms received ${srm.counts.join(" / ")} members where the weights expected ${srm.expected.map((e) => Math.round(e)).join(" / ")}. Assignment or exposure is broken, so no lift can be trusted; find the cause before deciding.`,
      ],
    };
  }
  const comparisons = input.variants.map((v) => v.primary);
  const notReady = comparisons.find((c) => !c.ok);
  if (notReady && !notReady.ok)
    return { verdict: "keep-running", reasons: [`Not enough data yet: ${notReady.reason}.`] };
  const sequential = comparisons.every((c) => c.ok && c.method === "sequential");
  if (!sequential && !input.reachedPlannedEnd) {
    return {
      verdict: "keep-running",
      reasons: [
        "A fixed-horizon test can only be read at its planned end; reading it earlier inflates false positives. Use the sequential method to decide early.",
      ],
    };
  }
  const method = sequential ? "always-valid sequential interval" : "fixed-horizon interval";
  const assessed = input.variants.map((v) => {
    const primary = read(v.primary, input.higherIsBetter)!;
    return { v, primary, guardrails: v.guardrails.map(guardrailState) };
  });
  const harmful = assessed.filter((a) => a.primary.worse || a.guardrails.some((g) => g.state === "breached"));
  const winners = assessed
    .filter((a) => a.primary.better && a.guardrails.every((g) => g.state === "safe") && !harmful.includes(a))
    .sort((a, b) => b.primary.lower - a.primary.lower);
  const best = winners[0];
  if (best) {
    return {
      verdict: "ship",
      variant: best.v.variant,
      reasons: [
        `${best.v.variant} ${describe(input.primaryMetric, best.primary, method)}, better than control beyond noise.`,
        ...best.guardrails.map((g) => g.text + "."),
      ],
    };
  }
  const worst = harmful[0];
  if (worst) {
    const primaryHarm = worst.primary.worse;
    return {
      verdict: "stop-for-harm",
      variant: worst.v.variant,
      reasons: [
        ...(primaryHarm
          ? [
              `${worst.v.variant} ${describe(input.primaryMetric, worst.primary, method)}: worse than control beyond noise.`,
            ]
          : []),
        ...worst.guardrails
          .filter((g) => g.state === "breached")
          .map((g) => `${worst.v.variant}: ${g.text}.`),
      ],
    };
  }
  const blocked = assessed.filter((a) => a.primary.better);
  const reasons = blocked.length
    ? blocked.flatMap((a) => [
        `${a.v.variant} ${describe(input.primaryMetric, a.primary, method)}, but not every guardrail is shown safe:`,
        ...a.guardrails.filter((g) => g.state !== "safe").map((g) => g.text + "."),
      ])
    : assessed.map(
        (a) =>
          `${a.v.variant}: ${describe(input.primaryMetric, a.primary, method)}, not distinguishable from control yet.`,
      );
  if (input.reachedPlannedEnd) {
    return {
      verdict: "keep-control",
      reasons: ["The planned end is reached without a variant that beats control safely.", ...reasons],
    };
  }
  return {
    verdict: "keep-running",
    reasons: ["No conclusion yet; the sequential interval allows looking again tomorrow.", ...reasons],
  };
}
