// Churn features for one customer as of a cutoff day, from plain event lists (what the
// service's SQL returns per member). Only events strictly before the cutoff are seen; the label
// comes from the `horizon` days after it. BG/NBD's expected purchases over the horizon, fitted
// on the same customers as of the cutoff, is one of the features (clv-features.ts); its P(alive)
// is not (README: no AUC gain, and misleading drivers — it is 1 for every one-order buyer). Days are any
// consistent day count (fractional is fine).
import { bgnbdFeatures, type ClvFeatures } from "./clv-features";

export type ChurnCustomer = {
  id: string;
  /** Orders: day placed and net amount (major units). */
  orders: readonly { day: number; amount: number }[];
  refunds?: readonly { day: number; amount: number }[];
  /** Loyalty ledger: balance after each entry, redemptions flagged. Absent when not a member. */
  loyalty?: readonly { day: number; balance: number; redemption?: boolean }[];
  /** Tier changes: +1 up, −1 down. */
  tierChanges?: readonly { day: number; direction: 1 | -1 }[];
  /** Points scheduled to expire on `day` (known in advance). */
  expiring?: readonly { day: number; points: number }[];
  /** Review sentiment in [−1, 1] (a scorer's output, or (rating − 3) / 2). */
  reviews?: readonly { day: number; sentiment: number }[];
  /** Email/SMS engagement events. */
  engagement?: readonly { day: number; kind: "send" | "open" | "click" }[];
};

export const FEATURES = [
  "recencyDays",
  "logOrders",
  "tenureDays",
  "logMeanOrder",
  "ordersLast90",
  "recencyOverGap",
  "gapTrend",
  "refundShare",
  "logPointsBalance",
  "redemptions",
  "tierMovement",
  "logPointsExpiring30",
  "openRate90",
  "clicks90",
  "reviewSentiment",
  "logExpectedPurchases",
] as const;
export type FeatureName = (typeof FEATURES)[number];

/** What each feature means to a merchant, for the at-risk list's drivers. */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  recencyDays: "days since last order",
  logOrders: "number of orders",
  tenureDays: "days since first order",
  logMeanOrder: "average order value",
  ordersLast90: "orders in the last 90 days",
  recencyOverGap: "time since last order relative to their usual gap",
  gapTrend: "latest gap between orders against earlier gaps",
  refundShare: "share of spend refunded",
  logPointsBalance: "points balance",
  redemptions: "rewards redeemed",
  tierMovement: "tier moves in the last 180 days",
  logPointsExpiring30: "points expiring in the next 30 days",
  openRate90: "message open rate (90 days)",
  clicks90: "message clicks (90 days)",
  reviewSentiment: "review sentiment",
  logExpectedPurchases: "expected orders in the coming period (BG/NBD)",
};

const before = <T extends { day: number }>(list: readonly T[] | undefined, cutoff: number) =>
  (list ?? []).filter((e) => e.day < cutoff);

/** Median gap between consecutive orders over customers with ≥ 2 orders (imputation for one-order customers). */
export function medianGap(customers: readonly ChurnCustomer[], cutoff: number): number {
  const gaps: number[] = [];
  for (const c of customers) {
    const days = before(c.orders, cutoff).map((o) => o.day);
    if (days.length < 2) continue;
    days.sort((a, b) => a - b);
    gaps.push((days[days.length - 1]! - days[0]!) / (days.length - 1));
  }
  if (!gaps.length) return 1;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}

/**
 * The feature vector (in FEATURES order) as of `cutoff`, or null when the customer had no order
 * before it. `typicalGap` stands in for the mean gap of one-order customers.
 */
export function churnFeatures(
  c: ChurnCustomer,
  cutoff: number,
  typicalGap: number,
  clv: ClvFeatures | undefined,
): number[] | null {
  const orders = before(c.orders, cutoff).sort((a, b) => a.day - b.day);
  if (!orders.length) return null;
  const days = orders.map((o) => o.day);
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const recency = cutoff - last;
  const spend = orders.reduce((s, o) => s + o.amount, 0);
  const gaps = days.slice(1).map((d, i) => d - days[i]!);
  const meanGap = gaps.length ? (last - first) / gaps.length : typicalGap;
  const earlier = gaps.slice(0, -1);
  const gapTrend =
    earlier.length > 0
      ? Math.log((gaps[gaps.length - 1]! + 1) / (earlier.reduce((s, g) => s + g, 0) / earlier.length + 1))
      : 0;
  const refunded = before(c.refunds, cutoff).reduce((s, r) => s + r.amount, 0);
  const ledger = before(c.loyalty, cutoff).sort((a, b) => a.day - b.day);
  const balance = ledger.length ? Math.max(0, ledger[ledger.length - 1]!.balance) : 0;
  const tier = before(c.tierChanges, cutoff)
    .filter((t) => t.day >= cutoff - 180)
    .reduce((s, t) => s + t.direction, 0);
  const expiring = (c.expiring ?? [])
    .filter((e) => e.day >= cutoff && e.day < cutoff + 30)
    .reduce((s, e) => s + e.points, 0);
  const recent = before(c.engagement, cutoff).filter((e) => e.day >= cutoff - 90);
  const sends = recent.filter((e) => e.kind === "send").length;
  const opens = recent.filter((e) => e.kind === "open").length;
  const reviews = before(c.reviews, cutoff);
  return [
    recency,
    Math.log1p(orders.length),
    cutoff - first,
    Math.log1p(Math.max(0, spend / orders.length)),
    days.filter((d) => d >= cutoff - 90).length,
    recency / Math.max(meanGap, 1),
    gapTrend,
    spend > 0 ? Math.min(1, refunded / spend) : 0,
    Math.log1p(balance),
    ledger.filter((e) => e.redemption).length,
    tier,
    Math.log1p(Math.max(0, expiring)),
    sends > 0 ? Math.min(1, opens / sends) : 0,
    recent.filter((e) => e.kind === "click").length,
    reviews.length ? reviews.reduce((s, r) => s + r.sentiment, 0) / reviews.length : 0,
    Math.log1p(clv?.expected ?? 0),
  ];
}

/** 1 when the customer places no order in [cutoff, cutoff + horizon). */
export function churnLabel(c: ChurnCustomer, cutoff: number, horizon: number): 0 | 1 {
  return c.orders.some((o) => o.day >= cutoff && o.day < cutoff + horizon) ? 0 : 1;
}

export type ChurnDataset = { ids: string[]; X: number[][]; y: (0 | 1)[]; cutoff: number; horizon: number };

/** Every customer with an order before `cutoff`: features as of it, label from the `horizon` days after. */
export function buildDataset(
  customers: readonly ChurnCustomer[],
  cutoff: number,
  horizon: number,
): ChurnDataset {
  const gap = medianGap(customers, cutoff);
  const clv = bgnbdFeatures(customers, cutoff, horizon);
  const out: ChurnDataset = { ids: [], X: [], y: [], cutoff, horizon };
  for (const c of customers) {
    const x = churnFeatures(c, cutoff, gap, clv.get(c.id));
    if (!x) continue;
    out.ids.push(c.id);
    out.X.push(x);
    out.y.push(churnLabel(c, cutoff, horizon));
  }
  return out;
}
