import { formatDateTime, formatDayRange } from "~/admin/components/time";
import { formatMoney } from "~/admin/members/present";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { BusinessFigures, Group } from "~/stats/business.server";
import type { PointValue } from "~/stats/kpis";
import { addDays, pointsChange, ratio, relativeChange, type Change, type Period } from "~/stats/periods";

// The dashboard's business figures as the page shows them: each figure with the previous
// period's beside it and the change between them, in the shop's currency and zone.

export type Tone = "success" | "critical" | "info";
export interface Figure {
  label: string;
  value: string;
  previous: string;
  change: { text: string; tone: Tone } | null;
  note?: string;
}
export interface ComparisonRow {
  label: string;
  hint: string;
  members: string;
  others: string;
  membersPrevious: string;
  othersPrevious: string;
}

export interface BusinessInput {
  period: Period;
  timeZone: string;
  currency: string;
  now: Date;
  refreshedAt: Date | null;
  members: number;
  figures: BusinessFigures;
  redemption: {
    current: { issued: number; redeemed: number; rate: number | null };
    previous: { issued: number; redeemed: number; rate: number | null };
  };
  pointValue: PointValue;
  /** Outstanding points at the end of each day from the day before the period to today. */
  liability: Array<{ day: string; points: number; minor: number | null }>;
}

const count = new Intl.NumberFormat("en-US");
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const DASH = "—";

const orNone = <T>(x: T | null, f: (v: T) => string) => (x === null ? DASH : f(x));

/** "+12%" / "−3.4 pts", toned by whether the move is good for the merchant (`higher`: up is good). */
export function changeText(change: Change, higher: "good" | "bad" | "neutral"): Figure["change"] {
  if (change.kind === "none") return null;
  const up = change.value > 0;
  const flat = Math.abs(change.value) < 0.0005;
  const magnitude =
    change.kind === "relative"
      ? percent.format(Math.abs(change.value))
      : `${(Math.abs(change.value) * 100).toFixed(1)} pts`;
  const text = flat ? "No change" : `${up ? "+" : "−"}${magnitude}`;
  const tone: Tone =
    flat || higher === "neutral" ? "info" : up === (higher === "good") ? "success" : "critical";
  return { text, tone };
}

const aov = (g: Group) => ratio(g.revenueMinor, g.orders);
const frequency = (g: Group) => ratio(g.buyerOrders, g.buyers);
const repeatRate = (g: Group) => ratio(g.repeaters, g.buyers);
const revenueShare = (p: BusinessFigures["current"]) =>
  ratio(p.members.revenueMinor, p.members.revenueMinor + p.others.revenueMinor);

type Money = (minor: number) => string;

function headlineFigures(input: BusinessInput, money: Money, before: string): Figure[] {
  const { current, previous } = input.figures;
  const liabilityNow = input.liability.at(-1) ?? { points: 0, minor: null };
  const liabilityBefore = input.liability[0] ?? liabilityNow;
  const liabilityValue = (l: { points: number; minor: number | null }) =>
    l.minor === null ? `${count.format(l.points)} points` : money(l.minor);
  return [
    {
      label: "Revenue from members",
      value: money(current.members.revenueMinor),
      previous: `${money(previous.members.revenueMinor)} in the ${before}`,
      change: changeText(relativeChange(current.members.revenueMinor, previous.members.revenueMinor), "good"),
      note: "Orders members placed in the program (or that earned points), net of refunds",
    },
    {
      label: "Share of all revenue",
      value: orNone(revenueShare(current), percent.format),
      previous: `${orNone(revenueShare(previous), percent.format)} in the ${before}`,
      change: changeText(pointsChange(revenueShare(current), revenueShare(previous)), "good"),
      note: `Of ${money(current.members.revenueMinor + current.others.revenueMinor)} from all orders`,
    },
    {
      label: "Active members",
      value: count.format(current.members.buyers),
      previous: `${count.format(previous.members.buyers)} in the ${before}`,
      change: changeText(relativeChange(current.members.buyers, previous.members.buyers), "good"),
      note: `Members who ordered, of ${count.format(input.members)} members`,
    },
    {
      label: "Points liability",
      value: liabilityValue(liabilityNow),
      previous: `${liabilityValue(liabilityBefore)} at the start of the period`,
      change: changeText(
        relativeChange(
          liabilityNow.minor ?? liabilityNow.points,
          liabilityBefore.minor ?? liabilityBefore.points,
        ),
        "neutral",
      ),
      note:
        input.pointValue.basis === "reward"
          ? `${count.format(liabilityNow.points)} points outstanding at ${money(input.pointValue.minorPerPoint * 100)} per 100 points (${input.pointValue.rewardName})`
          : "Add an active fixed-amount reward to value points in money",
    },
  ];
}

function comparisonRows(figures: BusinessFigures, money: Money): ComparisonRow[] {
  const { current, previous } = figures;
  const row = (
    label: string,
    hint: string,
    f: (g: Group) => number | null,
    format: (x: number) => string,
  ): ComparisonRow => ({
    label,
    hint,
    members: orNone(f(current.members), format),
    others: orNone(f(current.others), format),
    membersPrevious: orNone(f(previous.members), format),
    othersPrevious: orNone(f(previous.others), format),
  });
  return [
    row("Average order value", "Revenue per order", aov, money),
    row("Purchase frequency", "Orders per customer who ordered", frequency, (x) => decimal.format(x)),
    row("Repeat purchase rate", "Customers who ordered with at least two orders by then", repeatRate, (x) =>
      percent.format(x),
    ),
    row("Revenue", "Net of refunds", (g) => g.revenueMinor, money),
    row(
      "Orders",
      "Guest orders count as non-member",
      (g) => g.orders,
      (x) => count.format(x),
    ),
  ];
}

function costFigures(input: BusinessInput, money: Money, before: string): Figure[] {
  const { figures } = input;
  const { current, previous } = figures;
  const costShare = (cost: number, p: BusinessFigures["current"]) => ratio(cost, p.members.revenueMinor);
  const red = input.redemption;
  const costNow = figures.rewardCost.currentMinor;
  const costBefore = figures.rewardCost.previousMinor;
  return [
    {
      label: "Redemption rate",
      value: orNone(red.current.rate, percent.format),
      previous: `${orNone(red.previous.rate, percent.format)} in the ${before}`,
      change: changeText(pointsChange(red.current.rate, red.previous.rate), "neutral"),
      note: `${count.format(red.current.redeemed)} of ${count.format(red.current.issued)} points issued were redeemed`,
    },
    {
      label: "Reward cost",
      value: money(costNow),
      previous: `${money(costBefore)} in the ${before}`,
      change: changeText(relativeChange(costNow, costBefore), "bad"),
      note: "Discounts members used, at their value",
    },
    {
      label: "Cost as % of member revenue",
      value: orNone(costShare(costNow, current), percent.format),
      previous: `${orNone(costShare(costBefore, previous), percent.format)} in the ${before}`,
      change: changeText(pointsChange(costShare(costNow, current), costShare(costBefore, previous)), "bad"),
    },
  ];
}

export function presentBusiness(input: BusinessInput) {
  const { period, currency, figures } = input;
  const money = (minor: number) => formatMoney(Math.round(minor), currency);
  const before = `previous ${period.days} days`;
  const { current } = figures;
  const headline = headlineFigures(input, money, before);
  const comparison = comparisonRows(figures, money);
  const cost = costFigures(input, money, before);

  const rewards = figures.rewards
    .filter((r) => r.redeemed > 0 || r.used > 0)
    .slice(0, 5)
    .map((r) => ({
      id: r.rewardId,
      name: r.name,
      redeemed: count.format(r.redeemed),
      redeemedPrevious: count.format(r.redeemedPrevious),
      used: count.format(r.used),
      cost: money(r.costMinor),
    }));

  return {
    period: {
      days: period.days,
      range: formatDayRange(period.from, period.to),
      previousRange: formatDayRange(period.previousFrom, period.previousTo),
    },
    currency,
    headline,
    comparison,
    cost,
    rewards,
    revenueChart: revenueSeries(input),
    liabilityChart: {
      unit: input.pointValue.basis === "reward" ? ("money" as const) : ("points" as const),
      days: input.liability.slice(1).map((d) => ({
        day: d.day,
        value: d.minor === null ? d.points : d.minor / minorUnitsPerMajor(currency),
      })),
    },
    /** Why the comparison has one side only, when it does. */
    comparisonNote:
      current.others.orders === 0 && current.members.orders > 0
        ? "Every order in this period was a member's: there are no non-members to compare with."
        : current.members.orders === 0 && current.others.orders > 0
          ? "No member ordered in this period: there is nothing to compare yet."
          : null,
    refreshed: input.refreshedAt ? formatDateTime(input.refreshedAt, input.timeZone) : null,
    asOf: formatDateTime(input.now, input.timeZone),
  };
}

/** Member and other revenue per day of the period, in major units; every day present. */
function revenueSeries(input: BusinessInput) {
  const byDay = new Map(input.figures.revenueByDay.map((d) => [d.day, d]));
  const unit = minorUnitsPerMajor(input.currency);
  const out: Array<{ day: string; members: number; others: number }> = [];
  for (let day = input.period.from; day <= input.period.to; day = addDays(day, 1)) {
    const d = byDay.get(day);
    out.push({ day, members: (d?.memberMinor ?? 0) / unit, others: (d?.otherMinor ?? 0) / unit });
  }
  return out;
}

export type BusinessView = ReturnType<typeof presentBusiness>;
