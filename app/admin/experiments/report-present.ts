import type { ExperimentAnalysis, SeriesPoint } from "~/experiments/stats/analysis";
import type { Comparison } from "~/experiments/stats/frequentist";
import { formatMoney } from "~/admin/members/present";
import { formatLift, formatPercent, VERDICT_LABELS, type Tone } from "./present";

// The report page's view of an analysis (experiments/stats/analysis.ts): per metric and
// variant the mean, the lift with its interval, the chance to win and the sequential
// status; the SRM banner; the decision with its reasons; and the cumulative-lift series of
// the primary metric for the chart. Pure: numbers become texts here, with the currency.

export type MetricUnit = "money" | "count" | "rate" | "points";

export const METRIC_UNITS: Record<string, MetricUnit> = {
  netRevenue: "money",
  orders: "count",
  conversion: "rate",
  aov: "money",
  redemptionRate: "rate",
  repeatPurchase60d: "rate",
  rewardCost: "money",
  pointsLiability: "points",
  netMargin: "money",
  longTermValue: "money",
};

export function formatMetricValue(value: number, unit: MetricUnit, currency: string): string {
  switch (unit) {
    case "money":
      return formatMoney(Math.round(value), currency);
    case "rate":
      return formatPercent(value);
    case "points":
      return `${Math.round(value).toLocaleString("en-US")} pts`;
    case "count":
      return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
  }
}

export type VariantRow = {
  variant: string;
  lift: string;
  interval: string;
  /** "better", "worse" or "unclear": the interval's side of zero, oriented by the metric's direction. */
  verdict: "better" | "worse" | "unclear" | "none";
  chanceToWin: string;
  pValue: string;
  reason?: string;
};

export type MetricView = {
  key: string;
  name: string;
  role: "primary" | "secondary" | "guardrail";
  arms: { variant: string; members: string; mean: string }[];
  variants: VariantRow[];
  note?: string;
};

export type ReportView = {
  srm: { warning: boolean; text: string };
  decision: { verdict: string; label: string; tone: Tone; reasons: string[] };
  metrics: MetricView[];
};

function liftOf(c: Comparison): {
  estimate: number;
  lower: number;
  upper: number;
  pValue: number;
  significant: boolean;
  relative: boolean;
} | null {
  if (!c.ok) return null;
  if (c.relative) return { ...c.relative, relative: true };
  return { ...c.absolute, relative: false };
}

/** A probability that rounds to certainty says it is not one: "> 99.9%", "< 0.1%". */
export function formatChance(p: number): string {
  if (p > 0.999) return "> 99.9%";
  if (p < 0.001) return "< 0.1%";
  return formatPercent(p);
}

function pText(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

export function presentAnalysis(
  analysis: ExperimentAnalysis,
  options: {
    /** Control first, as the analysis lists its arms; keys are the analysis's variant names. */
    variants: { key: string; name: string }[];
    currency: string;
    higherIsBetter: Record<string, boolean>;
  },
): ReportView {
  const { currency } = options;
  const nameOf = (key: string) => options.variants.find((v) => v.key === key)?.name ?? key;
  const metrics = analysis.metrics.map((m): MetricView => {
    const unit = METRIC_UNITS[m.key] ?? "count";
    const up = options.higherIsBetter[m.key] ?? true;
    return {
      key: m.key,
      name: m.name,
      role: m.role,
      arms: m.arms.map((a, i) => ({
        variant: options.variants[i]?.name ?? `arm ${i + 1}`,
        members: a.ok ? a.estimate.n.toLocaleString("en-US") : "—",
        mean: a.ok ? formatMetricValue(a.estimate.mean, unit, currency) : a.reason,
      })),
      variants: m.variants.map((v): VariantRow => {
        const lift = liftOf(v.frequentist);
        const name = nameOf(v.variant);
        if (!lift)
          return {
            variant: name,
            lift: "—",
            interval: "—",
            verdict: "none",
            chanceToWin: "—",
            pValue: "—",
            reason: v.frequentist.ok ? undefined : v.frequentist.reason,
          };
        const fmt = (x: number) => (lift.relative ? formatLift(x) : formatMetricValue(x, unit, currency));
        // Better or worse is the test of the difference, as the decision reads it (stats/decision.ts).
        const test = v.frequentist.ok ? v.frequentist.absolute : lift;
        const better = up ? test.lower > 0 : test.upper < 0;
        const worse = up ? test.upper < 0 : test.lower > 0;
        const p = v.adjustedPValue ?? test.pValue;
        return {
          variant: name,
          lift: fmt(lift.estimate),
          interval: `${fmt(lift.lower)} to ${fmt(lift.upper)}`,
          verdict: better ? "better" : worse ? "worse" : "unclear",
          chanceToWin: v.bayesian.ok ? formatChance(v.bayesian.chanceToWin) : "—",
          pValue: `${pText(p)}${v.adjustedPValue === undefined ? "" : " (adjusted)"}`,
        };
      }),
      note:
        m.cuped?.reason ??
        (m.cuped ? `CUPED reduced the variance by ${formatPercent(m.cuped.varianceReduction)}.` : undefined),
    };
  });
  const verdict = VERDICT_LABELS[analysis.decision.verdict] ?? {
    tone: undefined,
    label: analysis.decision.verdict,
  };
  const shipName = analysis.decision.variant === undefined ? null : nameOf(analysis.decision.variant);
  return {
    srm: {
      warning: analysis.srm.warning,
      text: analysis.srm.reason
        ? analysis.srm.reason
        : `Exposed members per arm ${analysis.srm.counts.map((c) => c.toLocaleString("en-US")).join(" / ")} against expected ${analysis.srm.expected
            .map((c) => Math.round(c).toLocaleString("en-US"))
            .join(
              " / ",
            )} (χ² p = ${analysis.srm.pValue < 0.001 ? "< 0.001" : analysis.srm.pValue.toFixed(3)}).`,
    },
    decision: {
      verdict: analysis.decision.verdict,
      label: shipName ? `${verdict.label}: ${shipName}` : verdict.label,
      tone: verdict.tone,
      // The analysis names variants by key; the merchant knows them by name.
      reasons: analysis.decision.reasons.map((r) => {
        const v = options.variants.find((x) => r.startsWith(`${x.key} `));
        return v ? `${v.name}${r.slice(v.key.length)}` : r;
      }),
    },
    metrics,
  };
}

export type LiftSeries = {
  variant: string;
  points: { day: string; estimate: number; lower: number; upper: number }[];
};

/** The cumulative relative lift per treatment, one point per day with an interval. */
export function presentSeries(series: readonly SeriesPoint[], dayLabels: readonly string[]): LiftSeries[] {
  const out = new Map<string, LiftSeries>();
  series.forEach((point, i) => {
    for (const v of point.variants) {
      const lift = v.comparison.ok ? v.comparison.relative : null;
      if (!lift) continue;
      const s = out.get(v.variant) ?? { variant: v.variant, points: [] };
      s.points.push({
        day: dayLabels[i] ?? String(point.day),
        estimate: lift.estimate,
        lower: lift.lower,
        upper: lift.upper,
      });
      out.set(v.variant, s);
    }
  });
  return [...out.values()];
}

/**
 * The chart's vertical range: the first days' intervals (a handful of members) are many
 * times wider than the final one and would flatten the lines, so bounds beyond
 * `factor` × the final interval's farthest bound are cut at that edge. Returns the
 * clipped series and whether anything was cut (the chart says so).
 */
export function clipSeries(series: LiftSeries[], factor = 3): { series: LiftSeries[]; clipped: boolean } {
  const finals = series.flatMap((s) => {
    const last = s.points.at(-1);
    return last ? [Math.abs(last.lower), Math.abs(last.upper)] : [];
  });
  const limit = Math.max(0.05, ...finals) * factor;
  let clipped = false;
  const clip = (x: number) => {
    if (x > limit || x < -limit) clipped = true;
    return Math.max(-limit, Math.min(limit, x));
  };
  return {
    series: series.map((s) => ({
      ...s,
      points: s.points.map((p) => ({
        ...p,
        estimate: clip(p.estimate),
        lower: clip(p.lower),
        upper: clip(p.upper),
      })),
    })),
    clipped,
  };
}
