// A persona per cluster, templated from its centroid: how often and how much its members
// buy compared with the shop's other buyers (standard units), and their typical figures.

import { toMajor } from "~/loyalty/money";

import type { Cluster } from "./clusters";

export type Persona = { title: string; text: string };

/** Half a standard deviation from the shop's buyers counts as "more" or "less". */
const NOTABLE = 0.5;

function level(z: number, high: string, middle: string, low: string): string {
  if (z >= NOTABLE) return high;
  if (z <= -NOTABLE) return low;
  return middle;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What else sets the cluster apart: its most distinctive other feature, if notable. */
const QUALIFIERS = [
  { feature: "recencyDays", high: "lapsing", low: "recently active" },
  { feature: "tenureDays", high: "long-time members", low: "new members" },
  { feature: "pointsBalance", high: "holding many points", low: "holding few points" },
  { feature: "aovMinor", high: "big baskets", low: "small baskets" },
] as const;

function qualifier(z: Cluster["z"]): string | null {
  const strongest = [...QUALIFIERS].sort((a, b) => Math.abs(z[b.feature]) - Math.abs(z[a.feature]))[0]!;
  const value = z[strongest.feature];
  return Math.abs(value) >= NOTABLE ? (value > 0 ? strongest.high : strongest.low) : null;
}

export function personaOf(cluster: Cluster, currency: string, locale = "en-US"): Persona {
  const money = new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 });
  const { means, z } = cluster;
  const buyers = level(
    z.frequency,
    "Frequent",
    "Occasional",
    cluster.means.frequency < 1.5 ? "One-time" : "Infrequent",
  );
  const spend = level(z.monetaryMinor, "high spenders", "mid spenders", "low spenders");
  const title = `${buyers} ${spend}${qualifier(z) ? `, ${qualifier(z)}` : ""}`;
  const days = Math.round(means.recencyDays);
  const text =
    `${title}: last seen ${plural(days, "day")} ago on average, ` +
    `${means.frequency.toFixed(1)} orders and ${money.format(toMajor(means.monetaryMinor, currency))} spent ` +
    `(${money.format(toMajor(means.aovMinor, currency))} per order), members for ${plural(Math.round(means.tenureDays), "day")}, ` +
    `${Math.round(means.pointsBalance).toLocaleString(locale)} points in hand.`;
  return { title, text };
}
