// Simulator shops with a past loyalty program (simulator params.pastLoyalty) as the reward
// model sees them: orders (merchandise subtotal), spendable points (the past program's own
// rule: points per unit of merchandise after discounts, spendable after the pending days,
// none for refunded orders) and the reward codes customers paid with. Days since the
// calendar's start.
//
// The simulator's choice (simulator/behaviour/past-loyalty.ts): on an order, a customer who can
// afford a reward whose minimum (and twice its amount) the order meets uses one with a fixed
// chance, and then always the most expensive such reward. `simulatorRule` applies that rule as
// of a cutoff to the balance then and the customer's true mean order value: the preference the
// simulator exposes, judged like the model.
import type { CustomerTruth, GeneratedShop } from "../../../simulator/index";
import { DAY_MS } from "../../../simulator/index";
import { balanceAt, type RewardMember, type RewardOffer } from "./features";

type PastLoyalty = NonNullable<GeneratedShop["params"]["pastLoyalty"]>;

const rewardId = (pointsCost: number) => `cost-${pointsCost}`;

export function simulatorRewards(config: PastLoyalty): RewardOffer[] {
  return config.rewards.map((r) => ({
    id: rewardId(r.pointsCost),
    name: `$${r.amountMinor / 100} off`,
    pointsCost: r.pointsCost,
    minimumSubtotal: r.minimumSubtotalMinor / 100,
    value: r.amountMinor / 100,
  }));
}

export function rewardMembers(shop: GeneratedShop): RewardMember[] {
  const config = shop.params.pastLoyalty;
  if (!config) throw new Error("the shop has no past loyalty program (params.pastLoyalty)");
  const day = (iso: string | null | undefined) => (Date.parse(String(iso)) - shop.calendar.startMs) / DAY_MS;
  const refunded = new Set(shop.refunds.map((r) => String(r.orderId)));
  const byId = new Map<string, RewardMember & { orders: RewardMember["orders"][number][] }>();
  const get = (id: string) => {
    let m = byId.get(id);
    if (!m) byId.set(id, (m = { id, orders: [], points: [], pending: [], redemptions: [] }));
    return m;
  };
  for (const o of shop.orders) {
    const m = get(String(o.customerId));
    const t = day(o.processedAt ?? o.createdAt);
    const subtotal = o.lineItems.reduce((s, l) => s + Number(l.unitPrice) * l.quantity, 0);
    const discount = (o.discountCodes ?? []).reduce((s, d) => s + Number(d.amount), 0);
    m.orders.push({ day: t, subtotal });
    const points = Math.floor((Math.round((subtotal - discount) * 100) / 100) * config.pointsPerUnit);
    if (points > 0 && !refunded.has(String(o.id))) {
      const opens = t + config.pendingDays + 1;
      (m.points as { day: number; delta: number }[]).push({ day: opens, delta: points });
      (m.pending as { since: number; day: number; points: number }[]).push({ since: t, day: opens, points });
    }
  }
  for (const r of shop.redemptions) {
    const m = get(String(r.customerId));
    const t = day(r.at);
    (m.points as { day: number; delta: number }[]).push({ day: t, delta: -r.pointsCost });
    (m.redemptions as { day: number; rewardId: string }[]).push({ day: t, rewardId: rewardId(r.pointsCost) });
  }
  return [...byId.values()];
}

/** The simulator's own choice rule as of `cutoff` (see the file's comment), best first. */
export function simulatorRule(
  rewards: readonly RewardOffer[],
  cutoff: number,
  truthOf: (id: string) => CustomerTruth | undefined,
): (m: RewardMember) => string[] {
  const byCost = [...rewards].sort((a, b) => b.pointsCost - a.pointsCost);
  return (m) => {
    const balance = balanceAt(m, cutoff);
    const basket = (truthOf(m.id)?.meanOrderValueMinor ?? 0) / 100;
    const fits = byCost.filter(
      (r) => r.pointsCost <= balance && basket >= Math.max(r.minimumSubtotal, 2 * r.value),
    );
    const first = fits[0] ?? [...byCost].reverse().find((r) => r.pointsCost > balance) ?? byCost[0]!;
    return [first.id, ...byCost.filter((r) => r !== first).map((r) => r.id)];
  };
}
