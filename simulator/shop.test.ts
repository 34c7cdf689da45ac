import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { customerInput as customerInputSchema, orderInput, productInput } from "../emulator/resources/inputs";
import { cumulativeAt } from "./model/calendar";
import { customerBatches, defineShop, generateShop, type GeneratedShop } from "./shop";

// Statistical checks on a 20k-customer shop. Tolerances are several standard errors wide at
// this size (stated per test), so a failure means the model drifted, not bad luck.

function digest(
  shop: Pick<GeneratedShop, "orders" | "customerInputs" | "refunds" | "reviews" | "truths">,
): string {
  const hash = createHash("sha256");
  for (const key of ["orders", "customerInputs", "refunds", "reviews", "truths"] as const)
    for (const item of shop[key]) hash.update(JSON.stringify(item));
  return hash.digest("hex");
}

describe("determinism", () => {
  it("same seed gives identical data, whatever the batch size; another seed differs", () => {
    const a = generateShop({ seed: 5, customers: 1500 });
    const b = generateShop({ seed: 5, customers: 1500 });
    const c = generateShop({ seed: 6, customers: 1500 });
    expect(a.orders.length).toBeGreaterThan(1000);
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
    expect(JSON.stringify(a.products)).toBe(JSON.stringify(b.products));

    const small = {
      orders: [],
      customerInputs: [],
      refunds: [],
      reviews: [],
      truths: [],
    } as unknown as GeneratedShop;
    for (const batch of customerBatches(defineShop({ seed: 5, customers: 1500 }), 97))
      for (const key of ["orders", "customerInputs", "refunds", "reviews", "truths"] as const)
        (small[key] as unknown[]).push(...batch[key]);
    expect(digest(small)).toBe(digest(a));
  });

  it("a customer's history does not depend on how many customers the shop has", () => {
    const few = generateShop({ seed: 9, customers: 50 });
    const many = generateShop({ seed: 9, customers: 400 });
    expect(many.customerInputs.slice(0, 50)).toEqual(few.customerInputs);
    expect(many.truths.slice(0, 50)).toEqual(few.truths);
  });
});

describe("a generated shop", () => {
  let shop: GeneratedShop;
  beforeAll(() => {
    shop = generateShop({ seed: 20261101, customers: 20_000 });
  });

  it("is accepted by the emulator's input schemas", () => {
    for (const order of shop.orders.slice(0, 2000)) orderInput.parse(order);
    for (const customer of shop.customerInputs.slice(0, 2000)) customerInputSchema.parse(customer);
    for (const product of shop.products) productInput.parse(product);
    expect(new Set(shop.orders.map((o) => o.id)).size).toBe(shop.orders.length);
    expect(new Set(shop.products.map((p) => p.handle)).size).toBe(shop.products.length);
    const variants = new Set(shop.catalog.products.flatMap((p) => p.variants.map((v) => v.id)));
    expect(shop.orders.every((o) => o.lineItems.every((l) => variants.has(Number(l.variantId))))).toBe(true);
  });

  it("draws latent purchase rates, dropout and spend from the stated priors (±4%)", () => {
    const { purchase, dropout, spend } = shop.params;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Relative SE of the mean at 20k customers: λ 0.6%, p 0.5%, mean spend 0.6%.
    expect(
      Math.abs(mean(shop.customers.map((c) => c.latent.lambdaPerYear)) / (purchase.r / purchase.alpha) - 1),
    ).toBeLessThan(0.04);
    expect(
      Math.abs(
        mean(shop.customers.map((c) => c.latent.dropoutP)) / (dropout.a / (dropout.a + dropout.b)) - 1,
      ),
    ).toBeLessThan(0.04);
    const meanValue = mean(shop.customers.map((c) => c.latent.meanOrderValueMinor / 100));
    expect(Math.abs(meanValue / ((spend.p * spend.gamma) / (spend.q - 1)) - 1)).toBeLessThan(0.04);
    const prospects = shop.customers.filter((c) => !c.latent.buyer).length / shop.customers.length;
    expect(Math.abs(prospects - shop.params.prospectShare)).toBeLessThan(0.01);
  });

  it("realises repeat purchases and dropouts as BG/NBD predicts from each customer's latents (±3%)", () => {
    const { calendar } = shop;
    let expectedRepeats = 0;
    let expectedDropouts = 0;
    let repeats = 0;
    let dropouts = 0;
    shop.customers.forEach((c, i) => {
      const h = shop.histories[i]!;
      if (!c.latent.buyer) return;
      const u = cumulativeAt(calendar, calendar.historyDays) - cumulativeAt(calendar, c.acquiredDay);
      const { lambdaPerYear: l, dropoutP: p } = c.latent;
      expectedRepeats += (1 - Math.exp(-p * l * u)) / p;
      expectedDropouts += 1 - Math.exp(-p * l * u);
      repeats += h.repeatPurchases;
      dropouts += h.droppedOut ? 1 : 0;
    });
    expect(Math.abs(repeats / expectedRepeats - 1)).toBeLessThan(0.03);
    expect(Math.abs(dropouts / expectedDropouts - 1)).toBeLessThan(0.03);
  });

  it("calibrates P(alive): its mean matches the realised alive share among repeat buyers (±2 points)", () => {
    const repeatBuyers = shop.truths.filter((t) => t.buyer && t.repeatPurchases > 0);
    const meanP = repeatBuyers.reduce((s, t) => s + t.pAlive, 0) / repeatBuyers.length;
    const aliveShare = repeatBuyers.filter((t) => t.alive).length / repeatBuyers.length;
    expect(repeatBuyers.length).toBeGreaterThan(5000);
    expect(Math.abs(meanP - aliveShare)).toBeLessThan(0.02);
    // Dropped-out customers get a lower P(alive) than the ones still alive.
    const meanOf = (alive: boolean) => {
      const xs = repeatBuyers.filter((t) => t.alive === alive);
      return xs.reduce((s, t) => s + t.pAlive, 0) / xs.length;
    };
    expect(meanOf(true) - meanOf(false)).toBeGreaterThan(0.2);
  });

  it("keeps mean order value at the customers' Gamma-Gamma means (±6%)", () => {
    const byId = new Map(shop.customers.map((c) => [c.id, c]));
    let subtotal = 0;
    let expected = 0;
    for (const order of shop.orders) {
      for (const line of order.lineItems)
        subtotal += Math.round(Number(line.unitPrice) * 100) * line.quantity;
      expected += byId.get(Number(order.customerId))!.latent.meanOrderValueMinor;
    }
    expect(Math.abs(subtotal / expected - 1)).toBeLessThan(0.06);
  });

  it("follows the seasonal intensity: the Black Friday weekend over the weeks before (±15%)", () => {
    const { calendar } = shop;
    const bf = calendar.blackFridays[0]!;
    const firstOrders = new Set<number>();
    const seen = new Set<unknown>();
    for (const o of shop.orders) {
      if (seen.has(o.customerId)) continue;
      seen.add(o.customerId);
      firstOrders.add(Number(o.id));
    }
    const perDay = new Float64Array(calendar.historyDays);
    for (const o of shop.orders) {
      if (firstOrders.has(Number(o.id))) continue;
      perDay[Math.floor((Date.parse(String(o.createdAt)) - calendar.startMs) / 86_400_000)]! += 1;
    }
    const sum = (xs: ArrayLike<number>, a: number, b: number) => {
      let s = 0;
      for (let d = a; d < b; d++) s += xs[d]!;
      return s;
    };
    const observed = sum(perDay, bf, bf + 4) / 4 / (sum(perDay, bf - 21, bf) / 21);
    const expected = sum(calendar.intensity, bf, bf + 4) / 4 / (sum(calendar.intensity, bf - 21, bf) / 21);
    expect(expected).toBeGreaterThan(2);
    expect(Math.abs(observed / expected - 1)).toBeLessThan(0.15);
  });

  it("refunds the stated share of orders (±0.8 points among orders at least 30 days old)", () => {
    const cutoff = shop.calendar.endMs - 30 * 86_400_000;
    const old = shop.orders.filter((o) => Date.parse(String(o.createdAt)) < cutoff);
    const refunded = new Set(shop.refunds.map((r) => r.orderId));
    const share = old.filter((o) => refunded.has(Number(o.id))).length / old.length;
    expect(Math.abs(share - shop.params.refundRate)).toBeLessThan(0.008);
    for (const r of shop.refunds.slice(0, 500)) {
      const order = shop.orders.find((o) => o.id === r.orderId)!;
      expect(order.financialStatus).toMatch(/REFUNDED$/);
      expect(r.totalMinor).toBeGreaterThan(0);
      expect(Date.parse(r.createdAt)).toBeGreaterThan(Date.parse(String(order.createdAt)));
    }
  });

  it("writes worse reviews on the order after which a customer churns", () => {
    const lastOrderOfChurned = new Set<number>();
    const lastOrder = new Map<number, number>();
    for (const o of shop.orders) lastOrder.set(Number(o.customerId), Number(o.id));
    shop.customers.forEach((c, i) => {
      if (shop.histories[i]!.droppedOut) lastOrderOfChurned.add(lastOrder.get(c.id)!);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const churned = shop.reviews.filter((r) => lastOrderOfChurned.has(r.orderId)).map((r) => r.rating);
    const others = shop.reviews.filter((r) => !lastOrderOfChurned.has(r.orderId)).map((r) => r.rating);
    expect(churned.length).toBeGreaterThan(100);
    expect(mean(others) - mean(churned)).toBeGreaterThan(1);
    const reviewShare = shop.reviews.length / shop.orders.length;
    expect(reviewShare).toBeGreaterThan(0.07);
    expect(reviewShare).toBeLessThan(shop.params.reviewRate + 0.01);
  });

  it("opens fewer emails after dropping out, and only sends to consenting customers", () => {
    let aliveOpen = 0;
    let aliveSent = 0;
    let deadOpen = 0;
    let deadSent = 0;
    shop.customers.forEach((c, i) => {
      const e = shop.histories[i]!.emails;
      if (!c.profile.emailConsent) return expect(e.received).toBe(0);
      expect(e.clicked).toBeLessThanOrEqual(e.opened);
      if (shop.histories[i]!.droppedOut) {
        deadOpen += e.openedLast90;
        deadSent += e.receivedLast90;
      } else if (c.latent.buyer) {
        aliveOpen += e.openedLast90;
        aliveSent += e.receivedLast90;
      }
    });
    expect(deadOpen / deadSent).toBeLessThan(0.7 * (aliveOpen / aliveSent));
    const consent = shop.customers.filter((c) => c.profile.emailConsent).length / shop.customers.length;
    expect(Math.abs(consent - shop.params.email.consentRate)).toBeLessThan(0.015);
  });

  it("spreads customers over countries, ages and income bands, with income following spend", () => {
    const countries = new Set(shop.customers.map((c) => c.profile.country));
    expect(countries.size).toBeGreaterThanOrEqual(5);
    const ages = shop.customers.map((c) => c.profile.age);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    const spend = (band: string) => {
      const xs = shop.customers.filter((c) => c.profile.incomeBand === band);
      return xs.reduce((s, c) => s + c.latent.meanOrderValueMinor, 0) / xs.length;
    };
    expect(spend("150k+")).toBeGreaterThan(spend("<25k") * 1.2);
  });
});
