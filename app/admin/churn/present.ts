import { formatMoney } from "~/admin/members/present";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { StoredDriver } from "./page.server";

// A driver of a member's churn risk in the merchant's words: the feature's value as they
// would say it (the model reads logs and ratios; the list shows counts, days and money).

const n = (v: number) => Math.round(v).toLocaleString("en-US");
const plural = (count: number, one: string, many = `${one}s`) =>
  `${n(count)} ${Math.round(count) === 1 ? one : many}`;
const pct = (v: number) => `${Math.round(v * 100)}%`;

export function driverText(d: StoredDriver, currency: string): string {
  const v = d.value;
  switch (d.feature) {
    case "recencyDays":
      return `${plural(v, "day")} since their last order`;
    case "logOrders":
      return `only ${plural(Math.expm1(v), "order")} so far`;
    case "tenureDays":
      return `first order ${plural(v, "day")} ago`;
    case "logMeanOrder":
      return `average order ${formatMoney(Math.round(Math.expm1(v) * minorUnitsPerMajor(currency)), currency)}`;
    case "ordersLast90":
      return `${plural(v, "order")} in the last 90 days`;
    case "recencyOverGap":
      return `${v.toFixed(1)}× their usual gap since the last order`;
    case "gapTrend":
      return `latest gap between orders ${Math.exp(v).toFixed(Math.exp(v) < 1 ? 2 : 1)}× their earlier gaps`;
    case "refundShare":
      return `${pct(v)} of their spend refunded`;
    case "logPointsBalance":
      return `${plural(Math.expm1(v), "point")} in their balance`;
    case "redemptions":
      return `${plural(v, "reward")} redeemed`;
    case "tierMovement":
      return v < 0 ? `dropped ${plural(-v, "tier")} in 180 days` : `${plural(v, "tier move")} in 180 days`;
    case "tierDowngrades180":
      return `${plural(v, "tier downgrade")} in 180 days`;
    case "logPointsExpiring30":
      return `${plural(Math.expm1(v), "point")} expiring within 30 days`;
    case "hasEngagement90":
      return v > 0 ? "received messages in the last 90 days" : "no messages received in 90 days";
    case "logSends90":
      return `${plural(Math.expm1(v), "message")} received in 90 days`;
    case "openRate90":
      return `opened ${pct(v)} of messages (90 days)`;
    case "openRateChange":
      return `open rate ${v < 0 ? "down" : "up"} ${Math.round(Math.abs(v) * 100)} points on the 180 days before`;
    case "clicks90":
      return `${plural(v, "message click")} in 90 days`;
    case "reviewSentiment":
      return `review sentiment ${v.toFixed(2)} (−1 to 1)`;
    case "reviewCount":
      return `${plural(v, "review")} written`;
    case "lowestRatingGap":
      return `lowest review ${plural(5 - v, "star")}`;
    case "logExpectedPurchases":
      return `${Math.expm1(v).toFixed(2)} orders expected in the next 90 days`;
    default:
      return d.label;
  }
}
