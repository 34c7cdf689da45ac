import { formatMoney } from "~/admin/members/present";

// The dashboard's incremental-value card in money: each figure with its 95% interval.

export type Interval = { estimate: number; lower: number; upper: number };

/** "$1,200.00 ± $300.00": the estimate and the interval's half-width (its widest side). */
export function moneyWithMargin(i: Interval, currency: string): string {
  const half = Math.max(i.upper - i.estimate, i.estimate - i.lower);
  return `${formatMoney(Math.round(i.estimate), currency)} ± ${formatMoney(Math.round(half), currency)}`;
}

export function intervalText(i: Interval, format: (x: number) => string): string {
  return `95% interval ${format(i.lower)} to ${format(i.upper)}`;
}

export const roiText = (x: number) =>
  new Intl.NumberFormat("en-US", {
    style: "percent",
    maximumFractionDigits: 0,
    signDisplay: "exceptZero",
  }).format(x);
