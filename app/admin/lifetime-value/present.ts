import { formatMoney } from "~/admin/members/present";

// Pure helpers of the lifetime-value page: histogram bins and figures as text.

export type HistogramBin = { label: string; count: number; fromMinor: number };

/** Bins of `width` minor units from 0; bucket `last` and above are gathered in the last bin. */
export function histogramBins(
  rows: readonly { bucket: number; count: number }[],
  width: number,
  last: number,
): HistogramBin[] {
  const counts = new Array<number>(last + 1).fill(0);
  for (const r of rows) counts[Math.min(Math.max(r.bucket, 0), last)]! += r.count;
  return counts.map((count, i) => ({ count, fromMinor: i * width, label: "" }));
}

/** A round bin width (1, 2, 2.5 or 5 × 10^k major units) giving at most `bins` bins up to `top`. */
export function roundBinWidth(topMinor: number, minorPerMajor: number, bins = 12): number {
  const raw = Math.max(topMinor / minorPerMajor / bins, 1e-9);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((w) => w >= raw - 1e-12) ?? 10 * power;
  return step * minorPerMajor;
}

/** Labels for bins in the shop's currency ("$0–$25", …, "$300+"). */
export function labelBins(bins: readonly HistogramBin[], currency: string): HistogramBin[] {
  const money = (minor: number) => formatMoney(Math.round(minor), currency).replace(/\.00$/, "");
  return bins.map((b, i) => ({
    ...b,
    label:
      i === bins.length - 1
        ? `${money(b.fromMinor)}+`
        : `${money(b.fromMinor)}–${money(bins[i + 1]!.fromMinor)}`,
  }));
}

export const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

export const decimal = (value: number, digits = 2) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A parameter with its standard error ("0.243 ± 0.013"). */
export function estimate(value: number, error: number | null | undefined): string {
  const digits = value >= 100 ? 1 : 3;
  return error == null || !Number.isFinite(error)
    ? decimal(value, digits)
    : `${decimal(value, digits)} ± ${decimal(error, digits)}`;
}
