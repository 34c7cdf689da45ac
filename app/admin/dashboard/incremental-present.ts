import { formatMoney } from "~/admin/members/present";

// The dashboard's incremental-value card, in words and money: what the program earned
// against the holdout, each figure with its 95% interval, and the plain sentence.

export type Interval = { estimate: number; lower: number; upper: number };

/** The program's incremental value against the holdout (money in minor units). */
export type IncrementalValue = {
  days: number;
  perMember: { revenue: Interval; grossMargin: Interval; rewardCost: Interval; netMargin: Interval };
  total: { revenue: Interval; grossMargin: Interval; rewardCost: Interval; netMargin: Interval };
  /** Net incremental margin per unit of reward cost. */
  roi: Interval | null;
};

/** "$1,200.00 ± $300.00": the estimate and the interval's half-width (its widest side). */
export function moneyWithMargin(i: Interval, currency: string): string {
  const half = Math.max(i.upper - i.estimate, i.estimate - i.lower);
  return `${formatMoney(Math.round(i.estimate), currency)} ± ${formatMoney(Math.round(half), currency)}`;
}

export function intervalText(i: Interval, format: (x: number) => string): string {
  return `95% interval ${format(i.lower)} to ${format(i.upper)}`;
}

/** The plain sentence: what the program made over what it cost, or that it cost more. */
export function incrementalSentence(v: IncrementalValue, currency: string): string {
  const net = v.total.netMargin;
  const half = Math.max(net.upper - net.estimate, net.estimate - net.lower);
  const amount = `${formatMoney(Math.abs(Math.round(net.estimate)), currency)} ± ${formatMoney(Math.round(half), currency)}`;
  const over = `over the last ${v.days} days`;
  if (net.lower > 0) return `The program made you ${amount} more margin than it cost ${over}.`;
  if (net.upper < 0) return `The program cost you ${amount} more than the margin it brought ${over}.`;
  return `The program's net effect on your margin ${over} is ${net.estimate >= 0 ? "+" : "−"}${amount}: not yet distinguishable from zero.`;
}

export const roiText = (x: number) =>
  new Intl.NumberFormat("en-US", {
    style: "percent",
    maximumFractionDigits: 0,
    signDisplay: "exceptZero",
  }).format(x);
