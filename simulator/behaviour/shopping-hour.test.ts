import { describe, expect, it } from "vitest";
import { bestHour, emptyCounts, shopPrior, type HourCounts } from "~/campaigns/send-time/best-hour";
import { generateShop } from "../shop";

// The app's send-time model (app/campaigns/send-time) against the simulator's truth: in a shop
// whose customers have a preferred shopping hour, the member's best hour must land near it
// more often than the shop's single best hour does.

const SHOP = { seed: 17, customers: 4000, shoppingHour: { share: 0.6, spreadHours: 1.5 } };
const hourOf = (iso: string) => new Date(iso).getUTCHours();
const within1 = (a: number, b: number) => Math.min((a - b + 24) % 24, (b - a + 24) % 24) <= 1;

describe("shopping hour in the simulator", () => {
  const on = generateShop(SHOP);

  it("moves only the orders' clock times: same orders, days and amounts as without it", () => {
    const off = generateShop({ ...SHOP, shoppingHour: undefined });
    expect(on.orders.length).toBe(off.orders.length);
    const strip = (o: (typeof on.orders)[number]) => ({
      ...o,
      createdAt: o.createdAt?.slice(0, 10),
      processedAt: o.processedAt?.slice(0, 10),
      updatedAt: o.updatedAt?.slice(0, 10),
    });
    expect(on.orders.map(strip)).toEqual(off.orders.map(strip));
    expect(on.orders.some((o, i) => o.createdAt !== off.orders[i]!.createdAt)).toBe(true);
    expect(off.truths.every((t) => t.preferredHour === undefined)).toBe(true);
  });

  it("is recovered by the member's best hour better than by the shop's best hour (target: +15 points)", () => {
    const shop = emptyCounts();
    const members = new Map<number, HourCounts>();
    for (const o of on.orders) {
      if (o.customerId == null || !o.processedAt) continue;
      const h = hourOf(o.processedAt);
      shop.order[h]! += 1;
      const m =
        members.get(Number(o.customerId)) ??
        members.set(Number(o.customerId), emptyCounts()).get(Number(o.customerId))!;
      m.order[h]! += 1;
    }
    const alpha = shopPrior(shop);
    const shopHour = bestHour(emptyCounts(), alpha).hour;
    // Customers with at least 3 orders: enough history for a personal hour to be knowable.
    const judged = on.truths.filter(
      (t) => (members.get(t.customerId)?.order.reduce((a, b) => a + b, 0) ?? 0) >= 3,
    );
    expect(judged.length).toBeGreaterThan(300);
    let model = 0;
    let shopWide = 0;
    for (const t of judged) {
      if (within1(bestHour(members.get(t.customerId)!, alpha).hour, t.preferredHour!)) model += 1;
      if (within1(shopHour, t.preferredHour!)) shopWide += 1;
    }
    const modelRate = model / judged.length;
    const shopRate = shopWide / judged.length;
    console.info(
      `send-time recovery: model ${modelRate.toFixed(3)}, shop-wide ${shopRate.toFixed(3)}, n=${judged.length}`,
    );
    expect(modelRate).toBeGreaterThan(shopRate + 0.15);
  });
});
