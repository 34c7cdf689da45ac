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
  const freshness = level(-z.recencyDays, "recently active", "", "lapsing");
  const title = `${buyers} ${spend}${freshness ? `, ${freshness}` : ""}`;
  const days = Math.round(means.recencyDays);
  const text =
    `${title}: last seen ${plural(days, "day")} ago on average, ` +
    `${means.frequency.toFixed(1)} orders and ${money.format(toMajor(means.monetaryMinor, currency))} spent ` +
    `(${money.format(toMajor(means.aovMinor, currency))} per order), members for ${plural(Math.round(means.tenureDays), "day")}, ` +
    `${Math.round(means.pointsBalance).toLocaleString(locale)} points in hand.`;
  return { title, text };
}
