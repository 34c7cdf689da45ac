import { formatDateTime } from "~/admin/components/time";
import type { BanditReport } from "~/experiments/bandit.server";
import type { EarnRateOptimizer } from "~/experiments/earn-rate-optimizer";
import { formatMetricValue } from "./report-present";

// The response curve of a one-dimensional optimizer (ADR 0041): the objective
// against the lever's value, with its 95% band, as the last update's Gaussian process smoothed
// it over the range (stats/bandit-gp.ts stores it with the posterior). Points have the shape
// the shared response-curve chart takes: `{ x, label, mean, lower, upper }`, metric units.

const Z95 = 1.959963984540054;

export type ResponseCurvePoint = { x: number; label: string; mean: number; lower: number; upper: number };

export type ResponseCurveView = {
  kind: "earnRate";
  title: string;
  points: ResponseCurvePoint[];
  /** The candidates the bandit tries, as the same points (their smoothed estimates). */
  candidates: (ResponseCurvePoint & { variant: string; probabilityBest: number })[];
  /** The candidate most likely to be best, in words. */
  recommendation: string;
  asOf: string;
  range: string;
};

type StoredPosterior = {
  arms: { posterior: { mean: number; sd: number }; probabilityBest: number }[];
  curve?: { x: number; mean: number; sd: number }[];
} | null;

const rateLabel = (x: number) => `${Math.round(x * 100) / 100} pts`;

const point = (x: number, mean: number, sd: number): ResponseCurvePoint => ({
  x,
  label: rateLabel(x),
  mean,
  lower: mean - Z95 * sd,
  upper: mean + Z95 * sd,
});

/** The earn-rate optimizer's curve from the latest stored posterior; null for other experiments or before one. */
export function presentResponseCurve(input: {
  bandit: unknown;
  report: BanditReport;
  /** Variant names by key, and keys in position order (the posterior's arm order). */
  variants: { key: string; name: string }[];
  positionKeys: readonly string[];
  metricName: string;
  currency: string;
  timeZone: string | null;
}): ResponseCurveView | null {
  const optimizer = (input.bandit as { optimizer?: EarnRateOptimizer } | null)?.optimizer;
  if (optimizer?.kind !== "earnRate") return null;
  const latest = [...input.report.allocations].reverse().find((a) => a.posterior);
  const posterior = (latest?.posterior ?? null) as StoredPosterior;
  if (!latest || !posterior?.curve) return null;
  const names = new Map(input.variants.map((v) => [v.key, v.name]));
  const candidates = input.positionKeys.map((key, i) => {
    const arm = posterior.arms[i]!;
    return {
      ...point(optimizer.candidates[i]!, arm.posterior.mean, arm.posterior.sd),
      variant: names.get(key) ?? key,
      probabilityBest: arm.probabilityBest,
    };
  });
  const best = candidates.reduce((a, b) => (b.probabilityBest > a.probabilityBest ? b : a));
  const money = (x: number) => formatMetricValue(x, "money", input.currency);
  return {
    kind: "earnRate",
    title: `${input.metricName} by earn rate`,
    points: posterior.curve.map((p) => point(p.x, p.mean, p.sd)),
    candidates: candidates.sort((a, b) => a.x - b.x),
    recommendation:
      `${best.variant}: ${Math.round(best.probabilityBest * 100)}% chance of being the best of the rates tried, ` +
      `an estimated ${money(best.mean)} per member (${money(best.lower)} to ${money(best.upper)}).`,
    asOf: formatDateTime(latest.effectiveFrom, input.timeZone),
    range: `${optimizer.min} to ${optimizer.max} points per ${input.currency}`,
  };
}
