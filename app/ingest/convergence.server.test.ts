import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balancesFromLedger } from "~/loyalty/ledger";
import { memberLedger } from "~/loyalty/services/ledger.server";
import { currentProgram } from "~/loyalty/services/program.server";
import { discountClassesFor, previewTierPerk, tierPerkConfig } from "~/loyalty/tier-perks";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { CustomerRecord, OrderRecord } from "../../emulator/resources/records";
import type { RefundSpec } from "../../emulator/webhook-payloads";
import { createWorld, type Delivery } from "~tests/support/test-world.server";

// Property: whatever order Shopify delivers one customer's webhooks in, and however many
// times, the mirror and the member's balances end where in-order delivery puts them.

const IN_ORDER = "in-order.myshopify.com";
const SHUFFLED = "shuffled.myshopify.com";
const inOrder = createWorld(IN_ORDER);
const shuffled = createWorld(SHUFFLED);
const { db } = inOrder;

const PROGRAM = { earning: { bonuses: { firstOrder: 25, signup: 10 } } };
const t = (minutes: number) => new Date(Date.parse("2025-10-01T12:00:00Z") + minutes * 60_000).toISOString();

interface Scenario {
  refunds: number[];
  cancel: "none" | "refunded" | "paid";
}

/** The deliveries of one customer's order, in the order Shopify would send them. */
function deliveries(w: ReturnType<typeof createWorld>, ana: CustomerRecord, order: OrderRecord, s: Scenario) {
  const [mug, wrap] = order.lineItems;
  const specs: RefundSpec[] = [
    { id: 801, createdAt: t(60), lines: [{ lineItemId: mug!.legacyId, quantity: 1 }] },
    { id: 802, createdAt: t(120), lines: [{ lineItemId: wrap!.legacyId, quantity: 1 }], shippingMinor: 499 },
    { id: 803, createdAt: t(180), lines: [{ lineItemId: mug!.legacyId, quantity: 1 }] },
  ];
  const chosen = s.refunds.map((i) => specs[i]!);
  const list: Delivery[] = [
    { ...w.customer(ana), topic: "customers/create" },
    w.order("orders/create", order, { financialStatus: "PENDING", updatedAt: t(0) }, { customer: ana }),
    w.order("orders/paid", order, { financialStatus: "PAID", updatedAt: t(1) }, { customer: ana }),
  ];
  chosen.forEach((spec, i) => {
    list.push(w.refund(order, spec));
    const refunds = chosen.slice(0, i + 1);
    const status = s.refunds.length === 3 && i === 2 ? "REFUNDED" : "PARTIALLY_REFUNDED";
    list.push(
      w.order(
        "orders/updated",
        order,
        { financialStatus: status, updatedAt: t(61 + 60 * i) },
        { customer: ana, refunds },
      ),
    );
  });
  if (s.cancel !== "none") {
    list.push(
      w.order(
        "orders/cancelled",
        order,
        {
          financialStatus: s.cancel === "refunded" ? "REFUNDED" : "PAID",
          cancelledAt: t(300),
          updatedAt: t(300),
        },
        { customer: ana, refunds: chosen },
      ),
    );
  }
  return list;
}

async function snapshot(shop: string, customerId: bigint) {
  const strip = <T extends { syncedAt: Date; shop: string }>({ syncedAt: _s, shop: _shop, ...rest }: T) =>
    rest;
  const member = await db.member.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });
  const ledger = await memberLedger(db, shop, customerId);
  const { conflicts, ...fromLedger } = balancesFromLedger(ledger, new Date(8.64e15));
  return {
    member: {
      status: member.status,
      available: member.availablePoints,
      pending: member.pendingPoints,
      lifetime: member.lifetimePoints,
      ordersEarned: member.ordersEarned,
    },
    fromLedger,
    conflicts,
    customers: (await db.customer.findMany({ where: { shop } })).map(strip),
    orders: (await db.order.findMany({ where: { shop }, orderBy: { id: "asc" } })).map(strip),
    refunds: (await db.refund.findMany({ where: { shop }, orderBy: { id: "asc" } })).map(strip),
  };
}

/** The member's tier standing and what it gives at checkout (the perk the discount function applies). */
async function tierSnapshot(shop: string, customerId: bigint) {
  const member = await db.member.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });
  const config = tierPerkConfig((await currentProgram(db, shop)).tiers);
  const perk = previewTierPerk({
    config,
    discountClasses: discountClassesFor(config),
    tierId: member.tierId,
    cart: {
      currency: "USD",
      lines: [{ id: "1", productId: "gid://shopify/Product/1", quantity: 1, subtotalMinor: 10_000 }],
      deliveryGroups: [{ id: "g", selectedCostMinor: 500 }],
    },
  });
  return {
    tierId: member.tierId,
    belowSince: member.tierBelowSince,
    value: member.tierValue,
    nextTierId: member.nextTierId,
    remaining: member.tierRemaining,
    perk: { reason: perk.reason, totalMinor: perk.totalMinor },
  };
}

/** The deliveries plus copies of some, in the order the sort keys give. */
function shuffle(list: Delivery[], sortKeys: number[], duplicates: number[]): Delivery[] {
  const copies = duplicates.filter((i) => i < list.length).map((i) => list[i]!);
  return [...list, ...copies]
    .map((d, i) => ({ d, k: sortKeys[i % sortKeys.length]! + i * 1e-9 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.d);
}

/** The shuffled shop ends where the in-order one did, and its cached balances are its ledger's. */
function expectConverged([expected, actual]: Awaited<ReturnType<typeof snapshot>>[]) {
  expect(actual).toEqual(expected);
  expect(actual!.conflicts).toEqual([]);
  expect(actual!.fromLedger).toMatchObject({
    available: actual!.member.available,
    pending: actual!.member.pending,
    lifetimeEarned: actual!.member.lifetime,
  });
}

describe("delivery order and duplication", () => {
  it("any permutation or duplication of a customer's deliveries yields the same balances and mirror rows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          refunds: fc.subarray([0, 1, 2]),
          cancel: fc.constantFrom<Scenario["cancel"]>("none", "refunded", "paid"),
        }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.nat({ max: 11 }), { maxLength: 4 }),
        async (scenario, sortKeys, duplicates) => {
          await resetDatabase(db);
          const results = [];
          for (const w of [inOrder, shuffled]) {
            const shop = w === inOrder ? IN_ORDER : SHUFFLED;
            w.store.resetShop(shop);
            await w.setup(PROGRAM);
            const [ana] = w.store.addCustomers(shop, [
              { id: 7001, email: "ana@example.com", updatedAt: t(-60) },
            ]);
            const [order] = w.store.addOrders(shop, [
              {
                id: 9001,
                customerId: ana!.id,
                createdAt: t(0),
                financialStatus: "PAID",
                discountCodes: [{ code: "TEN", amount: "10" }],
                lineItems: [
                  { title: "Mug", quantity: 2, unitPrice: "12.5" },
                  { title: "Gift wrap", quantity: 1, unitPrice: "5" },
                ],
                shippingPrice: "4.99",
                taxPrice: "2.4",
              },
            ]);
            const list = deliveries(w, ana!, order!, scenario);
            for (const d of w === shuffled ? shuffle(list, sortKeys, duplicates) : list) await w.deliver(d);
            results.push(await snapshot(shop, 7001n));
          }
          expectConverged(results);
        },
      ),
      { numRuns: 20 },
    );
  }, 240_000);

  it("a customer's orders across tier thresholds earn the same, whatever order their deliveries come in", async () => {
    // Three orders a day apart. Ana's first order reaches Silver (1.5×), the second Gold
    // (2×), so the second and third earn more than the first, and the first-order bonus
    // belongs to the first. A refund of the first order (before the second was placed) or
    // its cancellation pulls the tiers back down. Delivered in any order, repeated, on
    // every tier basis, the member ends with the balances in-order delivery gives.
    const day = 24 * 60;
    const levels = {
      spend: [2_000, 5_000],
      orders: [1, 2],
      points: [30, 80],
    } as const;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          basis: fc.constantFrom<"spend" | "orders" | "points">("spend", "orders", "points"),
          refundFirst: fc.boolean(),
          cancelFirst: fc.boolean(),
          refundThird: fc.boolean(),
        }),
        fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
        fc.array(fc.nat({ max: 15 }), { maxLength: 4 }),
        async (scenario, sortKeys, duplicates) => {
          await resetDatabase(db);
          const [silver, gold] = levels[scenario.basis];
          const program = {
            earning: { bonuses: { firstOrder: 25, signup: 0 } },
            tiers: {
              basis: scenario.basis,
              window: "lifetime" as const,
              downgradeGraceDays: 0,
              levels: [
                { id: "silver", name: "Silver", threshold: silver, benefits: { earnMultiplier: 1.5 } },
                { id: "gold", name: "Gold", threshold: gold, benefits: { earnMultiplier: 2 } },
              ],
            },
          };
          const results = [];
          for (const w of [inOrder, shuffled]) {
            const shop = w === inOrder ? IN_ORDER : SHUFFLED;
            w.store.resetShop(shop);
            await w.setup(program);
            const [ana] = w.store.addCustomers(shop, [
              { id: 7001, email: "ana@example.com", updatedAt: t(-60) },
            ]);
            const orders = w.store.addOrders(
              shop,
              [30, 40, 20].map((dollars, i) => ({
                id: 9001 + i,
                customerId: ana!.id,
                createdAt: t(i * day),
                financialStatus: "PAID" as const,
                lineItems: [
                  { title: "Mug", quantity: 1, unitPrice: String(dollars / 2) },
                  { title: "Bowl", quantity: 1, unitPrice: String(dollars / 2) },
                ],
              })),
            );
            const list: Delivery[] = [{ ...w.customer(ana!), topic: "customers/create" }];
            orders.forEach((order, i) => {
              const minute = i * day;
              list.push(
                w.order(
                  "orders/create",
                  order!,
                  { financialStatus: "PENDING", updatedAt: t(minute) },
                  { customer: ana },
                ),
                w.order(
                  "orders/paid",
                  order!,
                  { financialStatus: "PAID", updatedAt: t(minute + 1) },
                  { customer: ana },
                ),
              );
              const refunded = (i === 0 && scenario.refundFirst) || (i === 2 && scenario.refundThird);
              const spec: RefundSpec = {
                id: 8001 + i,
                createdAt: t(minute + 60),
                lines: [{ lineItemId: order!.lineItems[0]!.legacyId, quantity: 1 }],
              };
              if (refunded)
                list.push(
                  w.refund(order!, spec),
                  w.order(
                    "orders/updated",
                    order!,
                    { financialStatus: "PARTIALLY_REFUNDED", updatedAt: t(minute + 61) },
                    { customer: ana, refunds: [spec] },
                  ),
                );
              if (i === 0 && scenario.cancelFirst)
                list.push(
                  w.order(
                    "orders/cancelled",
                    order!,
                    {
                      financialStatus: refunded ? "PARTIALLY_REFUNDED" : "PAID",
                      cancelledAt: t(minute + 120),
                      updatedAt: t(minute + 120),
                    },
                    { customer: ana, refunds: refunded ? [spec] : [] },
                  ),
                );
            });
            for (const d of w === shuffled ? shuffle(list, sortKeys, duplicates) : list) await w.deliver(d);
            results.push(await snapshot(shop, 7001n));
          }
          expectConverged(results);
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);

  it("a member's tier, its grace and its perks are the same whatever order the deliveries come in", async () => {
    // Ana's first order reaches Silver, her second Gold; a refund, partial or full (spend),
    // or the cancellation (orders) of the second pulls her below Gold a few days before the
    // deliveries are processed, so she keeps Gold through the 30-day grace, from the
    // refund's or cancellation's date. Delivered in any order, repeated, the member ends
    // with the same tier, grace start, progress and checkout perk as in-order delivery.
    const day = 24 * 60;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          basis: fc.constantFrom<"spend" | "orders">("spend", "orders"),
          refundSecond: fc.constantFrom<"none" | "partly" | "fully">("none", "partly", "fully"),
          cancelSecond: fc.boolean(),
        }),
        fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
        fc.array(fc.nat({ max: 9 }), { maxLength: 4 }),
        async (scenario, sortKeys, duplicates) => {
          await resetDatabase(db);
          const [silver, gold] = scenario.basis === "spend" ? [2_000, 5_000] : [1, 2];
          const program = {
            earning: { bonuses: { firstOrder: 0, signup: 0 } },
            tiers: {
              basis: scenario.basis,
              window: "lifetime" as const,
              downgradeGraceDays: 30,
              levels: [
                { id: "silver", name: "Silver", threshold: silver, benefits: { perkPercent: 5 } },
                {
                  id: "gold",
                  name: "Gold",
                  threshold: gold,
                  benefits: { perkPercent: 10, freeShipping: true },
                },
              ],
            },
          };
          const results = [];
          for (const w of [inOrder, shuffled]) {
            const shop = w === inOrder ? IN_ORDER : SHUFFLED;
            w.store.resetShop(shop);
            await w.setup(program);
            const [ana] = w.store.addCustomers(shop, [
              { id: 7001, email: "ana@example.com", updatedAt: t(-60) },
            ]);
            const orders = w.store.addOrders(
              shop,
              [30, 30].map((dollars, i) => ({
                id: 9001 + i,
                customerId: ana!.id,
                createdAt: t(i * day),
                financialStatus: "PAID" as const,
                lineItems: [
                  { title: "Mug", quantity: 1, unitPrice: String(dollars / 2) },
                  { title: "Bowl", quantity: 1, unitPrice: String(dollars / 2) },
                ],
              })),
            );
            const list: Delivery[] = [{ ...w.customer(ana!), topic: "customers/create" }];
            orders.forEach((order, i) => {
              const minute = i * day;
              list.push(
                w.order(
                  "orders/create",
                  order!,
                  { financialStatus: "PENDING", updatedAt: t(minute) },
                  { customer: ana },
                ),
                w.order(
                  "orders/paid",
                  order!,
                  { financialStatus: "PAID", updatedAt: t(minute + 1) },
                  { customer: ana },
                ),
              );
            });
            const second = orders[1]!;
            const refunded = scenario.refundSecond !== "none";
            const refundStatus = scenario.refundSecond === "fully" ? "REFUNDED" : "PARTIALLY_REFUNDED";
            const spec: RefundSpec = {
              id: 8002,
              createdAt: t(day + 60),
              lines: second.lineItems
                .slice(0, scenario.refundSecond === "fully" ? 2 : 1)
                .map((l) => ({ lineItemId: l.legacyId, quantity: 1 })),
            };
            if (refunded)
              list.push(
                w.refund(second, spec),
                w.order(
                  "orders/updated",
                  second,
                  { financialStatus: refundStatus, updatedAt: t(day + 61) },
                  { customer: ana, refunds: [spec] },
                ),
              );
            if (scenario.cancelSecond)
              list.push(
                w.order(
                  "orders/cancelled",
                  second,
                  {
                    financialStatus: refunded ? refundStatus : "PAID",
                    cancelledAt: t(day + 120),
                    updatedAt: t(day + 120),
                  },
                  { customer: ana, refunds: refunded ? [spec] : [] },
                ),
              );
            for (const d of w === shuffled ? shuffle(list, sortKeys, duplicates) : list) await w.deliver(d);
            results.push(await tierSnapshot(shop, 7001n));
          }
          expect(results[1]).toEqual(results[0]);
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);

  it("concurrent processing of the same deliveries settles to the in-order result", async () => {
    await resetDatabase(db);
    const scenario: Scenario = { refunds: [0, 1], cancel: "none" };
    const results = [];
    for (const w of [inOrder, shuffled]) {
      const shop = w === inOrder ? IN_ORDER : SHUFFLED;
      w.store.resetShop(shop);
      await w.setup(PROGRAM);
      const [ana] = w.store.addCustomers(shop, [{ id: 7001, email: "ana@example.com", updatedAt: t(-60) }]);
      const [order] = w.store.addOrders(shop, [
        {
          id: 9001,
          customerId: ana!.id,
          createdAt: t(0),
          financialStatus: "PAID",
          lineItems: [
            { title: "Mug", quantity: 2, unitPrice: "12.5" },
            { title: "Gift wrap", quantity: 1, unitPrice: "5" },
          ],
        },
      ]);
      const list = deliveries(w, ana!, order!, scenario);
      if (w === inOrder) for (const d of list) await w.deliver(d);
      // Each delivery twice, all at once: the member lock and conditional upserts serialise them.
      else await Promise.all([...list, ...list].map((d) => w.deliver(d)));
      results.push(await snapshot(shop, 7001n));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[1]!.member.pending).toBeGreaterThan(0);
  }, 60_000);

  it("an order and its refund, or a guest order and its customer, processed at the same moment never miss each other", async () => {
    await resetDatabase(db);
    const w = inOrder;
    w.store.resetShop(IN_ORDER);
    await w.setup(PROGRAM);
    for (let i = 0; i < 6; i++) {
      const [ana] = w.store.addCustomers(IN_ORDER, [{ email: `racer${i}@example.com`, updatedAt: t(-60) }]);
      const [order] = w.store.addOrders(IN_ORDER, [
        {
          customerId: ana!.id,
          createdAt: t(0),
          financialStatus: "PAID",
          lineItems: [{ title: "Mug", quantity: 2, unitPrice: "10" }],
        },
      ]);
      const refund = {
        id: 5000 + i,
        createdAt: t(30),
        lines: [{ lineItemId: order!.lineItems[0]!.legacyId, quantity: 1 }],
      };
      const [guest] = w.store.addOrders(IN_ORDER, [
        {
          email: `walkin${i}@example.com`,
          createdAt: t(0),
          financialStatus: "PAID",
          lineItems: [{ title: "Y", quantity: 1, unitPrice: "30" }],
        },
      ]);
      const [walkin] = w.store.addCustomers(IN_ORDER, [
        { email: `walkin${i}@example.com`, updatedAt: t(-60) },
      ]);
      await Promise.all([
        w.deliver(w.order("orders/paid", order!, {}, { customer: ana! })),
        w.deliver(w.refund(order!, refund)),
        w.deliver(w.order("orders/paid", guest!)),
        w.deliver({ ...w.customer(walkin!), topic: "customers/create" }),
      ]);
      // 20 points + 25 first-order bonus − the refunded half (10).
      expect(await w.member(ana!.legacyId)).toMatchObject({ pendingPoints: 35 });
      expect(await w.member(walkin!.legacyId)).toMatchObject({ pendingPoints: 30 + 25, availablePoints: 10 });
    }
  }, 120_000);
});
