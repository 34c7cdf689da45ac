import { estimatesFor } from "./stats/analysis";
import { compare, type Comparison } from "./stats/frequentist";
import { METRICS } from "./metrics";
import { meanWithInterval, metricArms } from "./report";

// The dashboard's first card: what the program adds, measured against the holdout. Each
// number is per exposed member (program arm minus holdout arm, CUPED-adjusted, Welch 95%
// interval), and in total for the program's exposed members. Reward cost is what the
// program arm's redeemed rewards gave away; ROI = net incremental margin / reward cost,
// its interval the margin's divided by the mean cost (the cost's own noise is left out).

export type Interval = { estimate: number; lower: number; upper: number };

export interface IncrementalValue {
  ok: boolean;
  reason?: string;
  members: { holdout: number; program: number };
  perMember: {
    revenue: Interval;
    grossMargin: Interval;
    rewardCost: Interval;
    netMargin: Interval;
  };
  total: { revenue: Interval; grossMargin: Interval; rewardCost: Interval; netMargin: Interval };
  roi: Interval | null;
  sentence: string;
}

const ZERO: Interval = { estimate: 0, lower: 0, upper: 0 };
const scale = (i: Interval, k: number): Interval =>
  k >= 0
    ? { estimate: i.estimate * k, lower: i.lower * k, upper: i.upper * k }
    : { estimate: i.estimate * k, lower: i.upper * k, upper: i.lower * k };

function absoluteLift(comparison: Comparison): Interval | null {
  return comparison.ok
    ? {
        estimate: comparison.absolute.estimate,
        lower: comparison.absolute.lower,
        upper: comparison.absolute.upper,
      }
    : null;
}

function lift(key: "netRevenue" | "netMargin", sums: readonly Record<string, number>[]): Interval | string {
  const [control, program] = estimatesFor(metricArms(METRICS[key], sums)).arms;
  if (!control?.ok) return `holdout: ${control?.reason ?? "missing"}`;
  if (!program?.ok) return `program: ${program?.reason ?? "missing"}`;
  const comparison = compare(control.estimate, program.estimate);
  return absoluteLift(comparison) ?? (comparison.ok ? "no comparison" : comparison.reason);
}

export function money(minor: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(
    minor / 100,
  );
}

/** `sums`: the holdout arm first, then the program arm (sufficient statistics in total). */
export function incrementalValue(
  sums: readonly Record<string, number>[],
  grossMarginBps: number,
  days: number,
  currency: string,
): IncrementalValue {
  const members = { holdout: sums[0]?.n ?? 0, program: sums[1]?.n ?? 0 };
  const revenue = lift("netRevenue", sums);
  const net = lift("netMargin", sums);
  const empty = {
    ok: false,
    members,
    perMember: { revenue: ZERO, grossMargin: ZERO, rewardCost: ZERO, netMargin: ZERO },
    total: { revenue: ZERO, grossMargin: ZERO, rewardCost: ZERO, netMargin: ZERO },
    roi: null,
  };
  if (typeof revenue === "string" || typeof net === "string") {
    const reason = typeof revenue === "string" ? revenue : (net as string);
    return {
      ...empty,
      reason,
      sentence: `Not enough data yet to measure the program against the holdout (${reason}).`,
    };
  }
  const grossMargin = scale(revenue, grossMarginBps / 10_000);
  const rewardCost = meanWithInterval(metricArms(METRICS.rewardCost, sums), 1);
  const perMember = { revenue, grossMargin, rewardCost, netMargin: net };
  const n = members.program;
  const total = {
    revenue: scale(revenue, n),
    grossMargin: scale(grossMargin, n),
    rewardCost: scale(rewardCost, n),
    netMargin: scale(net, n),
  };
  const roi = rewardCost.estimate > 0 ? scale(net, 1 / rewardCost.estimate) : null;
  const half = (total.netMargin.upper - total.netMargin.lower) / 2;
  const verb = total.netMargin.estimate >= 0 ? "more margin than it cost" : "less margin than it cost";
  const sentence =
    `The program made you ${money(Math.abs(total.netMargin.estimate), currency)} ± ${money(half, currency)} ${verb} ` +
    `over the last ${days} days (95% interval, ${n.toLocaleString("en-US")} members against a holdout of ${members.holdout.toLocaleString("en-US")}).`;
  return { ok: true, members, perMember, total, roi, sentence };
}
