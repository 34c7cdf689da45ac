import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBackfillRun, runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { batchPool, closeBatchPools, processOrderBatch } from "~/ingest/batch.server";
import type { ProgramInput } from "~/loyalty/program";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { emulatorGraphql, seedProgram } from "~tests/support/loyalty-world.server";
import type { Emulator } from "../../../emulator/server";
import { installApp, startTestEmulator } from "../../../emulator/testing";
import type { OrderInput } from "../../../emulator/resources/inputs";

// A product-scoped campaign (the weekly picks' launch) on the three crediting paths, which
// all settle through settleOrder → pointsForOrder (ADR 0011): an order with one promoted and
// one plain line earns the campaign's multiplier on the promoted line only, and its fixed
// points once; an order without the product earns neither.

const WEBHOOK_SHOP = "product-campaign-webhooks.myshopify.com";
const BACKFILL_SHOP = "product-campaign-backfill.myshopify.com";
const w = createWorld(WEBHOOK_SHOP);
const { db } = w;
const PROMOTED = 8_100_000_000_001;
const PLAIN = 8_100_000_000_002;

const PROGRAM: Partial<ProgramInput> = {
  earning: {
    pointsPerCurrencyUnit: 1,
    bonuses: { signup: 0, birthday: 0, firstOrder: 0 },
    campaigns: [
      {
        id: "picks",
        name: "Weekly picks",
        kind: "multiplier",
        multiplier: 3,
        startsAt: "2025-06-01T00:00:00Z",
        endsAt: "2025-10-10T00:00:00Z",
        productIds: [String(PROMOTED)],
      },
      {
        id: "picks-fixed",
        name: "Weekly picks bonus",
        kind: "fixed",
        points: 7,
        startsAt: "2025-06-01T00:00:00Z",
        endsAt: "2025-10-10T00:00:00Z",
        productIds: [String(PROMOTED)],
      },
    ],
  },
};

const products = [
  { id: PROMOTED, title: "Promoted mug", variants: [{ id: 44_100_000_000_001, price: "20.00" }] },
  { id: PLAIN, title: "Plain tea", variants: [{ id: 44_100_000_000_002, price: "10.00" }] },
];
/** $20 promoted + $10 plain: 3 × 20 + 10 = 70 points and 7 bonus; $10 plain alone: 10. */
const orders = (customerId: number, at: string): OrderInput[] => [
  {
    customerId,
    financialStatus: "PAID",
    createdAt: at,
    updatedAt: at,
    lineItems: [
      { title: "Promoted mug", quantity: 1, unitPrice: "20.00", productId: PROMOTED },
      { title: "Plain tea", quantity: 1, unitPrice: "10.00", productId: PLAIN },
    ],
  },
  {
    customerId,
    financialStatus: "PAID",
    createdAt: at,
    updatedAt: at,
    lineItems: [{ title: "Plain tea", quantity: 1, unitPrice: "10.00", productId: PLAIN }],
  },
];

let emulator: Emulator;
let graphql: ReturnType<typeof emulatorGraphql>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: BACKFILL_SHOP });
  graphql = emulatorGraphql(emulator, await installApp(emulator, BACKFILL_SHOP));
});
afterAll(async () => {
  await emulator.close();
  await closeBatchPools();
  await closeBackfillPools();
});
beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(WEBHOOK_SHOP);
  emulator.store.resetShop(BACKFILL_SHOP);
});

async function expectScopedCredit(shop: string, customerId: bigint, orderIds: [string, string]) {
  const entries = await db.ledgerEntry.findMany({ where: { shop, customerId }, orderBy: { key: "asc" } });
  const of = (orderId: string, kind: string) =>
    entries.filter((e) => String(e.orderId) === orderId && e.kind === kind);
  expect(of(orderIds[0], "earn").map((e) => e.points)).toEqual([70]);
  expect(of(orderIds[0], "bonus").map((e) => e.points)).toEqual([7]);
  expect(of(orderIds[1], "earn").map((e) => e.points)).toEqual([10]);
  expect(of(orderIds[1], "bonus")).toEqual([]);
}

async function webhookOrders() {
  await w.setup(PROGRAM);
  w.store.addProducts(WEBHOOK_SHOP, products);
  const [customer] = w.store.addCustomers(WEBHOOK_SHOP, [{ email: "buyer@example.com" }]);
  expect(await w.deliver({ ...w.customer(customer!), topic: "customers/create" })).toBe("processed");
  const placed = w.store.addOrders(WEBHOOK_SHOP, orders(customer!.legacyId, "2025-10-02T12:00:00Z"));
  return {
    customerId: BigInt(customer!.legacyId),
    ids: placed.map((o) => String(o.legacyId)) as [string, string],
    deliveries: placed.map((o) => w.order("orders/paid", o, {}, { customer: customer! })),
  };
}

describe("product-scoped campaigns on every crediting path", () => {
  it("the per-order path", async () => {
    const { customerId, ids, deliveries } = await webhookOrders();
    for (const d of deliveries) expect(await w.deliver(d)).toBe("processed");
    await expectScopedCredit(WEBHOOK_SHOP, customerId, ids);
  });

  it("the webhook batch", async () => {
    const { customerId, ids, deliveries } = await webhookOrders();
    const eventIds: string[] = [];
    for (const [i, d] of deliveries.entries()) {
      const id = await recordDelivery(db, { shop: WEBHOOK_SHOP, ...d });
      await db.webhookEvent.update({ where: { id }, data: { receivedAt: new Date(NOW.getTime() + i) } });
      eventIds.push(id);
    }
    const result = await processOrderBatch(batchPool(), WEBHOOK_SHOP, eventIds[0]!, NOW);
    expect(result.processed.size + result.deferred.size).toBe(2);
    await expectScopedCredit(WEBHOOK_SHOP, customerId, ids);
  });

  it("the backfill replay", async () => {
    await seedProgram(db, BACKFILL_SHOP, PROGRAM);
    emulator.store.addProducts(BACKFILL_SHOP, products);
    const [customer] = emulator.store.addCustomers(BACKFILL_SHOP, [{ email: "buyer@example.com" }]);
    const placed = emulator.store.addOrders(
      BACKFILL_SHOP,
      orders(customer!.legacyId, "2025-06-02T10:00:00Z"),
    );
    const { run } = await createBackfillRun(db, BACKFILL_SHOP, {
      historyEarnsPoints: true,
      trigger: "merchant",
    });
    const done = await runBackfill(run.id, {
      db,
      graphql,
      now: () => NOW,
      poll: { intervalMs: 5, maxIntervalMs: 20 },
    });
    expect(done).toMatchObject({ status: "completed", ordersLoaded: 2 });
    await expectScopedCredit(
      BACKFILL_SHOP,
      BigInt(customer!.legacyId),
      placed.map((o) => String(o.legacyId)) as [string, string],
    );
  });
});
