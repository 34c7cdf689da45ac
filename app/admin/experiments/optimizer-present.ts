import type { BanditReport } from "~/experiments/bandit.server";
import {
  armThreshold,
  recommendedArm,
  thresholdFormatter,
  type OptimizerSettings,
} from "~/experiments/optimizer";
import type { ArmSummary } from "~/experiments/stats/bandit-allocation";
import type { BanditView } from "./bandit-present";
import { formatChance, formatMetricValue, METRIC_UNITS } from "./report-present";

// A threshold optimizer's part of the report (ADR 0042): the response curve
// (the objective per member at each candidate threshold, with the 95% interval of the last
// update's posterior) and the recommendation: the candidate most likely to be best, its
// evidence, and whether applying it changes the program. Pure.

const Z95 = 1.959963984540054;

/** One point of a response curve; the earn-rate tuner draws its own with the same shape. */
export type CurvePoint = { x: number; label: string; mean: number; lower: number; upper: number };

export type OptimizerView = {
  title: string;
  objective: string;
  /** Formats the objective's values on the chart's axis (the metric's unit and currency). */
  unit: string;
  currency: string;
  points: CurvePoint[];
  /** Where the live value sits on the curve (its label), for the legend. */
  liveLabel: string;
  range: string;
  rule: string;
  recommendation: {
    variantKey: string;
    label: string;
    live: boolean;
    probabilityBest: string;
    expectedLoss: string;
    mean: string;
    interval: string;
    sentence: string;
  } | null;
};

export function presentOptimizer(input: {
  settings: OptimizerSettings;
  report: BanditReport;
  view: BanditView;
  positionKeys: readonly string[];
  targetName: string;
  targetUnit: "points" | "money" | "orders";
  currency: string;
  status: string;
}): OptimizerView {
  const { settings, view, currency } = input;
  const format = thresholdFormatter(input.targetUnit, currency);
  const unit = METRIC_UNITS[view.metric.key] ?? "count";
  const value = (x: number) => formatMetricValue(x, unit, currency);
  const withPosterior = [...input.report.allocations].reverse().find((a) => a.posterior);
  const summaries = ((withPosterior?.posterior as { arms?: ArmSummary[] } | null)?.arms ?? []).map(
    (a, i) => ({
      ...a,
      key: input.positionKeys[i]!,
    }),
  );
  const points = summaries
    .map((a): CurvePoint => {
      const x = armThreshold(settings, a.key);
      const half = Z95 * a.posterior.sd;
      return {
        x,
        label: format(x),
        mean: a.posterior.mean,
        lower: a.posterior.mean - half,
        upper: a.posterior.mean + half,
      };
    })
    .sort((a, b) => a.x - b.x);
  const best = recommendedArm(summaries);
  const what =
    settings.kind === "rewardCost" ? `the cost of ${input.targetName}` : `the ${input.targetName} threshold`;
  let recommendation: OptimizerView["recommendation"] = null;
  if (best) {
    const x = armThreshold(settings, best.key);
    const live = best.key === "live";
    const half = Z95 * best.posterior.sd;
    const chance = formatChance(best.probabilityBest);
    const loss = value(best.expectedLoss);
    recommendation = {
      variantKey: best.key,
      label: format(x),
      live,
      probabilityBest: chance,
      expectedLoss: loss,
      mean: value(best.posterior.mean),
      interval: `${value(best.posterior.mean - half)} to ${value(best.posterior.mean + half)}`,
      sentence: live
        ? `Keep ${what} at ${format(x)}: the live value is the most likely best (${chance}); stopping the search keeps it.`
        : `Set ${what} to ${format(x)}: ${chance} likely the best of ${points.length} candidates, expected loss ${loss} per member if it is not.`,
    };
  }
  return {
    title:
      settings.kind === "rewardCost"
        ? `Point cost of ${input.targetName}`
        : `Threshold of ${input.targetName}`,
    objective: view.metric.name,
    unit,
    currency,
    points,
    liveLabel: format(settings.current),
    range: `${format(settings.min)} to ${format(settings.max)}`,
    rule:
      settings.rule === "quantiles"
        ? "Candidates: both ends of the range, and between them the values that split the members inside it evenly by what they earn or spend per period."
        : "Candidates: evenly spaced over the range (too few members inside it for quantiles).",
    recommendation,
  };
}
