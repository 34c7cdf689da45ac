import { adjustPValues, type Adjustment } from "./adjust";
import { bayesian, type BayesianResult, type Prior } from "./bayesian";
import { cupedEstimates } from "./cuped";
import { decide, type Decision, type Guardrail } from "./decision";
import { meanEstimate, ratioEstimate, type Estimated, type MeanStats, type PairedStats } from "./estimates";
import { compare, type Comparison, type TestOptions } from "./frequentist";
import { sampleRatioMismatch, type SrmResult } from "./srm";

// A whole experiment from its sufficient statistics: every metric's per-arm estimate, every
// variant against control (frequentist and Bayesian), the SRM check, multiple-comparison
// adjustment of the secondary metrics, and the decision. Arms are listed control first.

export type MetricRole = "primary" | "secondary" | "guardrail";

/** One metric's sufficient statistics per arm: a mean, a ratio, or a mean with its pre-exposure covariate (CUPED). */
export type MetricArms =
  | { kind: "mean"; arms: MeanStats[] }
  | { kind: "ratio"; arms: PairedStats[] }
  | { kind: "cuped"; arms: PairedStats[] };

export type MetricInput = MetricArms & {
  key: string;
  name: string;
  role: MetricRole;
  higherIsBetter: boolean;
  /** Guardrails: largest relative harm tolerated. */
  threshold?: number;
};

export type AnalysisOptions = TestOptions & { prior?: Prior; adjustment?: Adjustment };

export type VariantResult = {
  variant: string;
  frequentist: Comparison;
  bayesian: BayesianResult;
  /** Secondary metrics: the p-value after adjustment across secondary metrics and variants. */
  adjustedPValue?: number;
};

export type MetricResult = {
  key: string;
  name: string;
  role: MetricRole;
  arms: Estimated[];
  cuped?: { theta: number; varianceReduction: number; reason?: string };
  variants: VariantResult[];
};

function whyNot(control: Estimated | undefined, treatment: Estimated, variant: string): string {
  if (!control) return "control: missing";
  if (!control.ok) return `control: ${control.reason}`;
  return treatment.ok ? "" : `${variant}: ${treatment.reason}`;
}

export function estimatesFor(metric: MetricArms): { arms: Estimated[]; cuped?: MetricResult["cuped"] } {
  if (metric.kind === "mean") return { arms: metric.arms.map(meanEstimate) };
  if (metric.kind === "ratio") return { arms: metric.arms.map(ratioEstimate) };
  const { arms, ...cuped } = cupedEstimates(metric.arms);
  return { arms, cuped };
}

export function analyseMetric(
  metric: MetricInput,
  variants: readonly string[],
  options: AnalysisOptions = {},
): MetricResult {
  const { arms, cuped } = estimatesFor(metric);
  const [control, ...treatments] = arms;
  const results = treatments.map((treatment, i): VariantResult => {
    const variant = variants[i + 1] ?? `variant ${i + 1}`;
    if (!control?.ok || !treatment.ok) {
      const reason = whyNot(control, treatment, variant);
      return { variant, frequentist: { ok: false, reason }, bayesian: { ok: false, reason } };
    }
    return {
      variant,
      frequentist: compare(control.estimate, treatment.estimate, options),
      bayesian: bayesian(control.estimate, treatment.estimate, {
        alpha: options.alpha,
        prior: options.prior,
        higherIsBetter: metric.higherIsBetter,
      }),
    };
  });
  return {
    key: metric.key,
    name: metric.name,
    role: metric.role,
    arms,
    ...(cuped ? { cuped } : {}),
    variants: results,
  };
}

export type ExperimentInput = {
  variants: string[];
  weights: number[];
  /** Exposed members per arm, for the SRM check. */
  exposed: number[];
  metrics: MetricInput[];
  reachedPlannedEnd: boolean;
};

export type ExperimentAnalysis = { srm: SrmResult; metrics: MetricResult[]; decision: Decision };

export function analyseExperiment(input: ExperimentInput, options: AnalysisOptions = {}): ExperimentAnalysis {
  const srm = sampleRatioMismatch(input.exposed, input.weights);
  const metrics = input.metrics.map((m) => analyseMetric(m, input.variants, options));
  adjustSecondary(metrics, options.adjustment ?? "holm");
  const primaryIndex = input.metrics.findIndex((m) => m.role === "primary");
  const primaryInput = input.metrics[primaryIndex];
  const primary = metrics[primaryIndex];
  if (!primaryInput || !primary) {
    return {
      srm,
      metrics,
      decision: { verdict: "keep-running", reasons: ["The experiment has no primary metric."] },
    };
  }
  const guardrails = input.metrics
    .map((m, i) => ({ m, result: metrics[i]! }))
    .filter(({ m }) => m.role === "guardrail");
  const decision = decide({
    primaryMetric: primaryInput.name,
    higherIsBetter: primaryInput.higherIsBetter,
    srm,
    reachedPlannedEnd: input.reachedPlannedEnd,
    variants: primary.variants.map((v, i) => ({
      variant: v.variant,
      primary: v.frequentist,
      guardrails: guardrails.map(({ m, result }): Guardrail => ({
        metric: m.name,
        comparison: result.variants[i]!.frequentist,
        higherIsBetter: m.higherIsBetter,
        threshold: m.threshold ?? 0,
      })),
    })),
  });
  return { srm, metrics, decision };
}

/** Adjust the secondary metrics' p-values (the test of the difference, as decide reads it) as one family. */
function adjustSecondary(metrics: MetricResult[], method: Adjustment): void {
  const family = metrics.filter((m) => m.role === "secondary").flatMap((m) => m.variants);
  const pValues = family.map((v) => (v.frequentist.ok ? v.frequentist.absolute.pValue : 1));
  adjustPValues(pValues, method).forEach((p, i) => {
    family[i]!.adjustedPValue = p;
  });
}

export type SeriesPoint = { day: number; variants: { variant: string; comparison: Comparison }[] };

/** The cumulative-lift chart: each day's cumulative statistics analysed as of that day. */
export function cumulativeSeries(
  days: readonly MetricArms[],
  variants: readonly string[],
  options: AnalysisOptions = {},
): SeriesPoint[] {
  return days.map((metric, day) => {
    const [control, ...treatments] = estimatesFor(metric).arms;
    return {
      day,
      variants: treatments.map((treatment, i) => {
        const variant = variants[i + 1] ?? `variant ${i + 1}`;
        const comparison: Comparison =
          control?.ok && treatment.ok
            ? compare(control.estimate, treatment.estimate, options)
            : { ok: false, reason: whyNot(control, treatment, variant) };
        return { variant, comparison };
      }),
    };
  });
}
