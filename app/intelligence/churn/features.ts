// Churn features for one customer as of a cutoff day, from plain event lists (what the
// service's SQL returns per member). Only events strictly before the cutoff are seen; the label
// comes from the `horizon` days after it. BG/NBD's expected purchases over the horizon, fitted
// on the same customers as of the cutoff, is one of the features (clv-features.ts); its P(alive)
// is not (README: no AUC gain, and misleading drivers — it is 1 for every one-order buyer). Days are any
// consistent day count (fractional is fine); a points ledger (`points`) is dated in epoch days
// (day d is the instant d × 86,400,000 ms), as the service's are.
import type { LedgerEntry } from "../../loyalty/ledger";
import { upcomingExpiries } from "../../loyalty/expiry";
import type { ExpiryConfig } from "../../loyalty/program";
import { bgnbdFeatures, type ClvFeatures } from "./clv-features";

const DAY_MS = 86_400_000;

export type ChurnCustomer = {
  id: string;
  /** Orders: day placed and net amount (major units). */
  orders: readonly { day: number; amount: number }[];
  refunds?: readonly { day: number; amount: number }[];
  /**
   * The points balance over time: after an entry (or as of a moment) on `day`, the balance and
   * the rewards redeemed so far. Absent when not a member.
   */
  loyalty?: readonly { day: number; balance: number; redemptions: number }[];
  /** Tier changes: +1 up, −1 down. */
  tierChanges?: readonly { day: number; direction: 1 | -1 }[];
  /**
   * The member's points ledger and the program's expiry rule: the points expiring in the 30 days
   * after a cutoff are projected from the lots as they stood at the cutoff (app/loyalty/expiry).
   */
  points?: { ledger: readonly LedgerEntry[]; expiry: ExpiryConfig };
  /** Reviews: sentiment in [−1, 1] (null until scored) and the star rating (1–5). */
  reviews?: readonly { day: number; sentiment: number | null; rating?: number }[];
  /**
   * Email/SMS engagement as counts per period starting on `day` (a whole-day bucket): a bucket
   * counts as before a cutoff when it starts before it, so buckets must not straddle cutoffs.
   */
  engagement?: readonly { day: number; sends: number; opens: number; clicks: number }[];
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
  "tierDowngrades180",
  "logPointsExpiring30",
  "hasEngagement90",
  "logSends90",
  "openRate90",
  "openRateChange",
  "clicks90",
  "reviewSentiment",
  "reviewCount",
  "lowestRatingGap",
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
  tierDowngrades180: "tier downgrades in the last 180 days",
  logPointsExpiring30: "points expiring in the next 30 days",
  hasEngagement90: "received messages in the last 90 days",
  logSends90: "messages received (90 days)",
  openRate90: "message open rate (90 days)",
  openRateChange: "open rate in the last 90 days against the 180 days before",
  clicks90: "message clicks (90 days)",
  reviewSentiment: "review sentiment",
  reviewCount: "reviews written",
  lowestRatingGap: "stars short of 5 in their lowest rating",
  logExpectedPurchases: "expected orders in the coming period (BG/NBD)",
};

/** Median gap between consecutive orders over customers with ≥ 2 orders (imputation for one-order customers). */
export function medianGap(customers: readonly ChurnCustomer[], cutoff: number): number {
  const gaps: number[] = [];
  for (const c of customers) {
    const o = orderStats(c.orders, cutoff);
    if (o.count >= 2) gaps.push((o.last - o.first) / (o.count - 1));
  }
  if (!gaps.length) return 1;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}

type OrderStats = {
  count: number;
  first: number;
  last: number;
  secondLast: number;
  spend: number;
  recent: number;
};

/**
 * One pass over the orders before `cutoff` (in any order): count, first and last two days,
 * spend and orders in the 90 days before it. The gaps the features need follow from these:
 * the mean gap is (last − first)/(count − 1), the earlier gaps' mean (secondLast − first)/(count − 2).
 */
function orderStats(orders: ChurnCustomer["orders"], cutoff: number): OrderStats {
  const o: OrderStats = {
    count: 0,
    first: Infinity,
    last: -Infinity,
    secondLast: -Infinity,
    spend: 0,
    recent: 0,
  };
  for (const { day, amount } of orders) {
    if (!(day < cutoff)) continue;
    o.count++;
    o.spend += amount;
    if (day >= cutoff - 90) o.recent++;
    if (day < o.first) o.first = day;
    if (day >= o.last) [o.secondLast, o.last] = [o.last, day];
    else if (day > o.secondLast) o.secondLast = day;
  }
  return o;
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
  const o = orderStats(c.orders, cutoff);
  if (!o.count) return null;
  const { first, last, spend } = o;
  const recency = cutoff - last;
  const meanGap = o.count >= 2 ? (last - first) / (o.count - 1) : typicalGap;
  const gapTrend =
    o.count >= 3 ? Math.log((last - o.secondLast + 1) / ((o.secondLast - first) / (o.count - 2) + 1)) : 0;
  // One loop per list, summing in list order as filter-then-reduce would (the same floats),
  // without the intermediate arrays: this runs for every customer at three cutoffs.
  let refunded = 0;
  for (const r of c.refunds ?? []) if (r.day < cutoff) refunded += r.amount;
  // The state after the latest entry before the cutoff (entries of the same instant: the later listed).
  let latest = -Infinity;
  let balance = 0;
  let redemptions = 0;
  for (const e of c.loyalty ?? []) {
    if (!(e.day < cutoff) || e.day < latest) continue;
    [latest, balance, redemptions] = [e.day, Math.max(0, e.balance), e.redemptions];
  }
  let tierMovement = 0;
  let tierDowngrades = 0;
  for (const t of c.tierChanges ?? [])
    if (t.day < cutoff && t.day >= cutoff - 180) {
      tierMovement += t.direction;
      if (t.direction < 0) tierDowngrades++;
    }
  // The last 90 days, and the 180 days before them.
  let sends = 0;
  let opens = 0;
  let clicks = 0;
  let earlierSends = 0;
  let earlierOpens = 0;
  for (const e of c.engagement ?? []) {
    if (!(e.day < cutoff)) continue;
    if (e.day >= cutoff - 90) {
      sends += e.sends;
      opens += e.opens;
      clicks += e.clicks;
    } else if (e.day >= cutoff - 270) {
      earlierSends += e.sends;
      earlierOpens += e.opens;
    }
  }
  const openRate = sends > 0 ? Math.min(1, opens / sends) : 0;
  const earlierRate = earlierSends > 0 ? Math.min(1, earlierOpens / earlierSends) : 0;
  let reviewCount = 0;
  let sentimentSum = 0;
  let scored = 0;
  let rated = 0;
  let lowestRating = Infinity;
  for (const r of c.reviews ?? []) {
    if (!(r.day < cutoff)) continue;
    reviewCount++;
    if (r.sentiment !== null) {
      sentimentSum += r.sentiment;
      scored++;
    }
    if (r.rating !== undefined) {
      rated++;
      lowestRating = Math.min(lowestRating, r.rating);
    }
  }
  return [
    recency,
    Math.log1p(o.count),
    cutoff - first,
    Math.log1p(Math.max(0, spend / o.count)),
    o.recent,
    recency / Math.max(meanGap, 1),
    gapTrend,
    spend > 0 ? Math.min(1, refunded / spend) : 0,
    Math.log1p(balance),
    redemptions,
    tierMovement,
    tierDowngrades,
    Math.log1p(expiringWithin30(c, cutoff)),
    sends > 0 ? 1 : 0,
    Math.log1p(sends),
    openRate,
    sends > 0 && earlierSends > 0 ? openRate - earlierRate : 0,
    clicks,
    scored ? sentimentSum / scored : 0,
    reviewCount,
    rated ? 5 - lowestRating : 0,
    Math.log1p(clv?.expected ?? 0),
  ];
}

/** Points the ledger, as it stood at `cutoff`, would expire in [cutoff, cutoff + 30 days). */
export function expiringWithin30(c: ChurnCustomer, cutoff: number): number {
  if (!c.points || c.points.expiry.policy === "none") return 0;
  const at = cutoff * DAY_MS;
  const seen = c.points.ledger.filter((e) => e.occurredAt.getTime() < at);
  return upcomingExpiries(seen, c.points.expiry, new Date(at))
    .filter((u) => u.expiresAt.getTime() >= at && u.expiresAt.getTime() < at + 30 * DAY_MS)
    .reduce((s, u) => s + Math.max(0, u.points), 0);
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
