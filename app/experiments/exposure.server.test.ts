import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPool, closeBatchPools, processOrderBatch } from "~/ingest/batch.server";
import { loadMemberStatus } from "~/storefront/member-status.server";
import { redactCustomerData } from "~/webhooks/customer-data.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { createExperiment, startHoldout } from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";

// Exposure is recorded once per member and experiment, by an event the same in every arm:
// the first paid order after launch (per-order path and webhook batch) and the first
// logged-in storefront view, held-out customers included; with the member's net revenue in
// the 90 days before as the covariate. Redaction deletes it.

// A fixed shop: assignment hashes the shop, and this one puts both holdout arms among the 12 customers.
const SHOP = "expose.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;
beforeAll(() => resetDatabase(db));
afterAll(async () => {
  await closeBatchPools();
  await db.$disconnect();
});

const t = (days: number) => new Date(Date.parse("2025-10-01T12:00:00Z") + days * 86_400_000).toISOString();
const LAUNCH = new Date("2025-10-01T00:00:00Z");

describe("exposure", () => {
  it("records each member once per experiment, in every arm, from the first order or storefront view after launch", async () => {
    await w.setup({});
    const holdout = await startHoldout(db, SHOP, { sharePercent: 30 }, { now: LAUNCH });
    const test = await createExperiment(db, SHOP, {
      key: "earn",
      name: "Earn rate",
      lever: "earnRate",
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
      ],
    });
    if (!holdout.ok || !test.ok) throw new Error("setup failed");
    await launchExperiment(db, SHOP, test.value.id, { now: LAUNCH });

    const customers = w.store.addCustomers(
      SHOP,
      Array.from({ length: 12 }, (_, i) => ({
        email: `e${i}@example.com`,
        firstName: `E${i}`,
        updatedAt: t(-100),
      })),
    );
    for (const c of customers) await w.deliver(w.customer(c));
    const line = { title: "Mug", quantity: 1, unitPrice: "40" };
    // Before launch: an order 30 days earlier (the covariate) that exposes nobody.
    const before = w.store.addOrders(
      SHOP,
      customers.map((c) => ({
        customerId: c.id,
        financialStatus: "PAID",
        createdAt: t(-30),
        updatedAt: t(-30),
        lineItems: [line],
      })),
    );
    for (const [i, o] of before.entries())
      await w.deliver(w.order("orders/paid", o, {}, { customer: customers[i]! }));
    expect(await db.experimentExposure.count({ where: { shop: SHOP } })).toBe(0);

    // After launch: half by the per-order path, half by the batch; then a second order each.
    const after = w.store.addOrders(
      SHOP,
      customers.flatMap((c) => [
        { customerId: c.id, financialStatus: "PAID", createdAt: t(2), updatedAt: t(2), lineItems: [line] },
        { customerId: c.id, financialStatus: "PAID", createdAt: t(5), updatedAt: t(5), lineItems: [line] },
      ]),
    );
    const firsts = after.filter((_, i) => i % 2 === 0);
    for (const [i, o] of firsts.entries())
      if (i < 6) await w.deliver(w.order("orders/paid", o, {}, { customer: customers[i]! }));
    const ids = [];
    for (const [i, o] of firsts.entries())
      if (i >= 6)
        ids.push(
          await recordDelivery(db, {
            shop: SHOP,
            ...w.order("orders/paid", o, {}, { customer: customers[i]! }),
          }),
        );
    await processOrderBatch(batchPool(), SHOP, ids[0]!, new Date(t(6)));
    const { processWebhookEvent } = await import("~/webhooks/process.server");
    for (const id of ids) await processWebhookEvent(db, id, { now: () => new Date(t(6)) });
    for (const [i, o] of after.entries())
      if (i % 2 === 1) await w.deliver(w.order("orders/paid", o, {}, { customer: customers[i >> 1]! }));
    for (const c of customers) await loadMemberStatus(db, SHOP, BigInt(c.legacyId), NOW);

    const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP } });
    const inHoldout = exposures.filter((e) => e.experimentId === holdout.value.id);
    const inTest = exposures.filter((e) => e.experimentId === test.value.id);
    // Everyone is in the holdout experiment (either arm); those not held out are in the test.
    expect(inHoldout).toHaveLength(12);
    expect(inTest).toHaveLength(inHoldout.filter((e) => e.variantKey.endsWith(":program")).length);
    expect(inHoldout.some((e) => e.variantKey.endsWith(":holdout"))).toBe(true);
    expect(inTest.length).toBeGreaterThan(0);
    for (const e of exposures) {
      expect(e.trigger).toBe("order");
      expect(e.exposedAt.toISOString()).toBe(t(2));
      // The $40 order 30 days before, nothing after.
      expect(e.covariate).toBe(4000);
    }

    // A customer seen first in the storefront is exposed by that view.
    const [late] = w.store.addCustomers(SHOP, [
      { email: "late@example.com", firstName: "Late", updatedAt: t(-1) },
    ]);
    await w.deliver(w.customer(late!));
    await loadMemberStatus(db, SHOP, BigInt(late!.legacyId), NOW);
    const lateExposures = await db.experimentExposure.findMany({
      where: { shop: SHOP, customerId: BigInt(late!.legacyId) },
    });
    expect(lateExposures.length).toBeGreaterThan(0);
    expect(lateExposures.every((e) => e.trigger === "storefront" && e.covariate === 0)).toBe(true);

    // Redaction deletes the customer's exposures (and shadow entries).
    const gone = BigInt(customers[0]!.legacyId);
    await db.$transaction((tx) =>
      redactCustomerData(tx, { shop: SHOP, customerId: gone, email: null, phone: null, orderIds: [] }, NOW),
    );
    expect(await db.experimentExposure.count({ where: { shop: SHOP, customerId: gone } })).toBe(0);
    expect(await db.holdoutShadowEntry.count({ where: { shop: SHOP, customerId: gone } })).toBe(0);
  });
});
