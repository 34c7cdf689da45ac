import type { ExperimentStatus } from "~/generated/prisma/enums";
import { LEVERS, type Lever } from "~/experiments/levers";
import type { MetricKey } from "~/experiments/metric-keys";

// Pure presentation of experiments: status badges, lever and metric names, days running,
// and the lift texts. Dates are formatted on the server in the shop's time zone.

export type Tone = "success" | "attention" | "warning" | "critical" | "info" | undefined;

export const STATUS_BADGES: Record<ExperimentStatus, { tone: Tone; label: string }> = {
  draft: { tone: undefined, label: "Draft" },
  running: { tone: "success", label: "Running" },
  paused: { tone: "attention", label: "Paused" },
  stopped: { tone: "info", label: "Stopped" },
  shipped: { tone: "success", label: "Shipped" },
};

export const METRIC_LABELS: Record<MetricKey, string> = {
  netRevenue: "Net revenue per member",
  orders: "Orders per member",
  conversion: "Conversion (≥ 1 order)",
  aov: "Average order value",
  redemptionRate: "Redemption rate",
  repeatPurchase60d: "Repeat purchase within 60 days",
  rewardCost: "Reward cost per member",
  pointsLiability: "Points liability per member",
  netMargin: "Net incremental margin per member",
  longTermValue: "Long-term value: net margin + change in predicted lifetime value",
};

/** What the long-term objective measures, in the create flow and on the report. */
export const LONG_TERM_EXPLANATION =
  "Per member: the net margin made since exposure, plus how much the shop's lifetime-value model " +
  "(the Lifetime value page) raised or lowered its 12-month prediction for them since exposure, at the same " +
  "gross margin. It counts what a change did to customers' future buying, not only to this month's " +
  "orders, so a deep discount that pulls purchases forward does not look like a win. It needs a fitted " +
  "lifetime-value model, and trusts it: the model's prediction, not observed months, stands for the future.";

export function leverLabel(lever: string | null): string {
  if (!lever) return "Whole program (holdout)";
  return LEVERS[lever as Lever]?.label ?? lever;
}

export function metricLabel(metric: string | null | undefined): string {
  if (!metric) return "—";
  return METRIC_LABELS[metric as MetricKey] ?? metric;
}

const DAY_MS = 86_400_000;

/** Whole days from launch to the stop (or now); null before launch. */
export function daysRunning(launchedAt: Date | null, stoppedAt: Date | null, now: Date): number | null {
  if (!launchedAt) return null;
  const end = stoppedAt ?? now;
  return Math.max(0, Math.floor((end.getTime() - launchedAt.getTime()) / DAY_MS));
}

export function formatDays(days: number | null): string {
  if (days === null) return "Not launched";
  return `${days.toLocaleString("en-US")} ${days === 1 ? "day" : "days"}`;
}

const signedPercent = new Intl.NumberFormat("en-US", {
  style: "percent",
  maximumFractionDigits: 1,
  minimumFractionDigits: 1,
  signDisplay: "exceptZero",
});
const plainPercent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

/** +4.2% */
export function formatLift(relative: number): string {
  return signedPercent.format(relative);
}

/** "+4.2% (−1.0% to +9.4%)" */
export function formatLiftWithInterval(lift: { estimate: number; lower: number; upper: number }): string {
  return `${formatLift(lift.estimate)} (${formatLift(lift.lower)} to ${formatLift(lift.upper)})`;
}

export function formatPercent(fraction: number): string {
  return plainPercent.format(fraction);
}

/** "±3.1%" for an MDE. */
export function formatMde(relative: number | null): string {
  return relative === null ? "—" : `±${plainPercent.format(relative)}`;
}

export const VERDICT_LABELS: Record<string, { tone: Tone; label: string }> = {
  ship: { tone: "success", label: "Ship" },
  "keep-control": { tone: "info", label: "Keep control" },
  "keep-running": { tone: "attention", label: "Keep running" },
  "stop-for-harm": { tone: "critical", label: "Stop for harm" },
  investigate: { tone: "warning", label: "Investigate" },
};

/** How members of an experiment are exposed, in the merchant's words (ADR 0020, amended). */
export function exposureRule(trigger: string): string {
  switch (trigger) {
    case "storefront":
      return "A member is exposed once, at their first logged-in storefront view after launch, the same in every arm, and counted from then on.";
    case "message":
      return "A member is exposed once, when the campaign would first message them after launch (the holdout too, though it is sent nothing), and counted from then on.";
    default:
      return "Every member of the audience is exposed once, at launch or when they join, in every arm alike, whether or not they buy, and counted from then on.";
  }
}
