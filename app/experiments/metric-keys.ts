// The metrics an experiment can name (their SQL and direction are in metrics.ts).

export const METRIC_KEYS = [
  "netRevenue",
  "orders",
  "conversion",
  "aov",
  "redemptionRate",
  "repeatPurchase60d",
  "rewardCost",
  "pointsLiability",
  "netMargin",
  "longTermValue",
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];
