import type { MetricKey } from "./metric-keys";

// The experiment metrics, defined once: what each one measures per exposed member, as SQL
// over the member facts that metrics.server.ts aggregates, and which way is better. Every
// metric counts a member's behaviour from their exposure on (never before), up to the
// analysis instant.
//
// Money is in minor units of the shop currency. Net revenue is what paid orders (not test,
// not cancelled) totalled, tax and shipping included, minus what their refunds gave back.
// Gross margin is net revenue times the experiment's `grossMarginBps`: the mirror holds no
// product cost, so the margin is a merchant setting (default 40%), stated on the report.

/** An order `o` that counts: paid (or refunded after payment), not a test, not cancelled. */
export const COUNTED_ORDER_SQL = `o."cancelledAt" IS NULL AND NOT o."test"
    AND o."financialStatus" IN ('paid', 'partially_refunded', 'refunded')`;

/** When order `o` was placed (as the crediting paths date it). */
export const PLACED_AT_SQL = `COALESCE(o."shopifyCreatedAt", o."processedAt")`;

/**
 * The shop's ($1) counted orders with their placement and net revenue after refunds, the
 * refunds looked up per order (for the exposure covariate, which reads one member's orders).
 */
export const ORDER_NET_REVENUE_SQL = `
  SELECT o."customerId", ${PLACED_AT_SQL} AS "placedAt",
         (o."totalMinor" - COALESCE((SELECT sum(r."totalMinor") FROM "Refund" r
                                     WHERE r."shop" = o."shop" AND r."orderId" = o."id"), 0))::float8 AS net
  FROM "Order" o
  WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}`;

/**
 * The per-member facts each metric reads (columns of the member row in metrics.server.ts):
 * `rev` net revenue, `ord` orders, `ord60` orders within 60 days of exposure, `cost` reward
 * cost (discounts actually given by redeemed rewards, at their value), `red` redemptions,
 * `pts` points credited net (the liability the member added), `gm` the margin share,
 * `cov` net revenue in the 90 days before exposure (CUPED), `dclv` the change in predicted
 * lifetime value from exposure to the analysis instant (long-term.ts; 0 unless the caller
 * computed it, which metrics.server.ts does whenever `longTermValue` is asked for).
 */
export type MemberFact = "rev" | "ord" | "ord60" | "cost" | "red" | "pts" | "gm" | "cov" | "dclv";

export type MetricDefinition =
  | {
      key: MetricKey;
      name: string;
      kind: "mean";
      /** SQL over the member facts: the member's value. */
      value: string;
      /** Adjusted with the pre-exposure revenue (CUPED). */
      cuped: boolean;
      higherIsBetter: boolean;
      unit: "money" | "count" | "share" | "points";
    }
  | {
      key: MetricKey;
      name: string;
      kind: "ratio";
      numerator: string;
      denominator: string;
      higherIsBetter: boolean;
      unit: "money";
    };

export const METRICS: Record<MetricKey, MetricDefinition> = {
  netRevenue: {
    key: "netRevenue",
    name: "Net revenue per member",
    kind: "mean",
    value: "rev",
    cuped: true,
    higherIsBetter: true,
    unit: "money",
  },
  orders: {
    key: "orders",
    name: "Orders per member",
    kind: "mean",
    value: "ord",
    cuped: true,
    higherIsBetter: true,
    unit: "count",
  },
  conversion: {
    key: "conversion",
    name: "Conversion (at least one order)",
    kind: "mean",
    value: "(ord > 0)::int",
    cuped: false,
    higherIsBetter: true,
    unit: "share",
  },
  aov: {
    key: "aov",
    name: "Average order value",
    kind: "ratio",
    numerator: "rev",
    denominator: "ord",
    higherIsBetter: true,
    unit: "money",
  },
  redemptionRate: {
    key: "redemptionRate",
    name: "Redemption rate",
    kind: "mean",
    value: "(red > 0)::int",
    cuped: false,
    higherIsBetter: true,
    unit: "share",
  },
  repeatPurchase60d: {
    key: "repeatPurchase60d",
    name: "Repeat purchase within 60 days",
    kind: "mean",
    value: "(ord60 >= 2)::int",
    cuped: false,
    higherIsBetter: true,
    unit: "share",
  },
  rewardCost: {
    key: "rewardCost",
    name: "Reward cost per member",
    kind: "mean",
    value: "cost",
    cuped: false,
    higherIsBetter: false,
    unit: "money",
  },
  pointsLiability: {
    key: "pointsLiability",
    name: "Points liability per member",
    kind: "mean",
    value: "pts",
    cuped: false,
    higherIsBetter: false,
    unit: "points",
  },
  netMargin: {
    key: "netMargin",
    name: "Net incremental margin per member",
    kind: "mean",
    value: "(rev * gm - cost)",
    cuped: true,
    higherIsBetter: true,
    unit: "money",
  },
  // The long-term objective (ADR 0043): the net margin since exposure plus
  // the change in the member's predicted lifetime value (the shop's current BG/NBD +
  // Gamma-Gamma fit applied to their history at exposure and now), valued at the same gross
  // margin. A surrogate index: what the member made so far plus what the model now expects of
  // them beyond what it expected at exposure.
  longTermValue: {
    key: "longTermValue",
    name: "Long-term value: net margin + change in predicted lifetime value",
    kind: "mean",
    value: "((rev + dclv) * gm - cost)",
    cuped: true,
    higherIsBetter: true,
    unit: "money",
  },
};

/** Metrics that read the lifetime-value surrogate (the shop needs a fitted lifetime-value model). */
export const needsSurrogate = (metrics: readonly { key: MetricKey }[]) =>
  metrics.some((m) => m.key === "longTermValue");

/** The SELECT list of sufficient statistics for `metrics` over the member rows, with stable aliases. */
export function sufficientStatisticsSql(metrics: readonly MetricDefinition[]): string {
  const parts = ["count(*)::float8 AS n", "sum(cov)::float8 AS cov_s", "sum(cov * cov)::float8 AS cov_ss"];
  for (const m of metrics) {
    const k = m.key;
    if (m.kind === "mean") {
      parts.push(
        `sum(${m.value})::float8 AS "${k}_s"`,
        `sum((${m.value})::float8 * (${m.value}))::float8 AS "${k}_ss"`,
      );
      if (m.cuped) parts.push(`sum((${m.value})::float8 * cov)::float8 AS "${k}_sx"`);
    } else {
      const [y, x] = [m.numerator, m.denominator];
      parts.push(
        `sum(${y})::float8 AS "${k}_sy"`,
        `sum(${x})::float8 AS "${k}_sx"`,
        `sum((${y})::float8 * (${y}))::float8 AS "${k}_syy"`,
        `sum((${x})::float8 * (${x}))::float8 AS "${k}_sxx"`,
        `sum((${y})::float8 * (${x}))::float8 AS "${k}_sxy"`,
      );
    }
  }
  return parts.join(",\n       ");
}
