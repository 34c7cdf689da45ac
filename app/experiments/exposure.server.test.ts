import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPool, closeBatchPools, processOrderBatch } from "~/ingest/batch.server";
import { closeQueues } from "~/jobs/queue.server";
import { loadMemberStatus } from "~/storefront/member-status.server";
import { redactCustomerData } from "~/webhooks/customer-data.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { createExperiment, startHoldout } from "./experiments.server";
import { sweepExposures } from "./exposure-sweep.server";
import { launchExperiment } from "./lifecycle.server";
import { forgetRunning } from "./running.server";

// Exposure at assignment (ADR 0020, amended): every member of the audience is exposed at
// launch, or when they became the shop's customer if later, in every arm and the holdout,
// whether or not they ever order; orders and storefront views expose nobody to such an
// experiment. The covariate is the member's net revenue in the 90 days before exposure.
// Redaction deletes exposures and a later sweep does not bring them back.

// A fixed shop: assignment hashes the shop, and this one puts both holdout arms among the 12 customers.
const SHOP = "expose.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;
beforeAll(() => resetDatabase(db));
afterAll(async () => {
  await closeBatchPools();
  await closeQueues();
  await db.$disconnect();
});

const t = (days: number) => new Date(Date.parse("2025-10-01T12:00:00Z") + days * 86_400_000).toISOString();
const LAUNCH = new Date("2025-10-01T00:00:00Z");
const line = { title: "Mug", quantity: 1, unitPrice: "40" };
const earnRate = {
  key: "earn",
  name: "Earn rate",
  lever: "earnRate",
  primaryMetric: "netRevenue",
  variants: [
    { key: "control", name: "Control", weight: 50, control: true },
    { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
  ],
} as const;

describe("exposure at assignment", () => {
  it("exposes every member at launch, in every arm, whether or not they order; orders and views add nothing", async () => {
    await w.setup({});
    const customers = w.store.addCustomers(
      SHOP,
      Array.from({ length: 12 }, (_, i) => ({
        email: `e${i}@example.com`,
        firstName: `E${i}`,
        createdAt: t(-100),
        updatedAt: t(-100),
      })),
    );
    for (const c of customers) await w.deliver(w.customer(c));
    // Half of them bought $40 thirty days before launch (the covariate); the others never buy.
    const buyers = customers.slice(0, 6);
    const before = w.store.addOrders(
      SHOP,
      buyers.map((c) => ({
        customerId: c.id,
        financialStatus: "PAID",
        createdAt: t(-30),
        updatedAt: t(-30),
        lineItems: [line],
      })),
    );
    for (const [i, o] of before.entries())
      await w.deliver(w.order("orders/paid", o, {}, { customer: buyers[i]! }));

    const holdout = await startHoldout(db, SHOP, { sharePercent: 30 }, { now: LAUNCH });
    const test = await createExperiment(db, SHOP, earnRate);
    if (!holdout.ok || !test.ok) throw new Error("setup failed");
    expect(test.value.exposureTrigger).toBe("assignment");
    await launchExperiment(db, SHOP, test.value.id, { now: LAUNCH });

    const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP } });
    const inHoldout = exposures.filter((e) => e.experimentId === holdout.value.id);
    const inTest = exposures.filter((e) => e.experimentId === test.value.id);
    // Everyone is in the holdout experiment (either arm); those not held out are in the test.
    expect(inHoldout).toHaveLength(12);
    expect(inTest).toHaveLength(inHoldout.filter((e) => e.variantKey.endsWith(":program")).length);
    expect(new Set(inHoldout.map((e) => e.variantKey)).size).toBe(2);
    expect(new Set(inTest.map((e) => e.variantKey)).size).toBe(2);
    const bought = new Set(buyers.map((c) => BigInt(c.legacyId)));
    for (const e of exposures) {
      expect(e.trigger).toBe("assignment");
      expect(e.exposedAt).toEqual(LAUNCH);
      expect(e.covariate).toBe(bought.has(e.customerId) ? 4000 : 0);
    }

    // Orders after launch, by the per-order path and the batch, and storefront views, expose nobody more.
    const after = w.store.addOrders(
      SHOP,
      buyers.map((c) => ({
        customerId: c.id,
        financialStatus: "PAID",
        createdAt: t(2),
        updatedAt: t(2),
        lineItems: [line],
      })),
    );
    for (const [i, o] of after.entries())
      if (i < 3) await w.deliver(w.order("orders/paid", o, {}, { customer: buyers[i]! }));
    const ids = [];
    for (const [i, o] of after.entries())
      if (i >= 3)
        ids.push(
          await recordDelivery(db, {
            shop: SHOP,
            ...w.order("orders/paid", o, {}, { customer: buyers[i]! }),
          }),
        );
    await processOrderBatch(batchPool(), SHOP, ids[0]!, new Date(t(3)));
    for (const c of customers) await loadMemberStatus(db, SHOP, BigInt(c.legacyId), NOW);
    await sweepExposures(db, SHOP, new Date(t(4)));
    const again = await db.experimentExposure.findMany({ where: { shop: SHOP } });
    expect(again.map((e) => [e.experimentId, e.customerId, e.exposedAt.getTime()]).sort()).toEqual(
      exposures.map((e) => [e.experimentId, e.customerId, e.exposedAt.getTime()]).sort(),
    );

    // A customer who joins after launch is exposed at joining, however late the sweep runs.
    const [late] = w.store.addCustomers(SHOP, [
      { email: "late@example.com", firstName: "Late", createdAt: t(3), updatedAt: t(3) },
    ]);
    await w.deliver(w.customer(late!));
    await sweepExposures(db, SHOP, new Date(t(9)));
    const lateExposures = await db.experimentExposure.findMany({
      where: { shop: SHOP, customerId: BigInt(late!.legacyId) },
    });
    expect(lateExposures.length).toBeGreaterThan(0);
    for (const e of lateExposures) {
      expect(e.exposedAt.toISOString()).toBe(t(3));
      expect([e.trigger, e.covariate]).toEqual(["assignment", 0]);
    }

    // Redaction deletes the customer's exposures (and shadow entries); the sweep does not restore them.
    const gone = BigInt(customers[0]!.legacyId);
    await db.$transaction((tx) =>
      redactCustomerData(tx, { shop: SHOP, customerId: gone, email: null, phone: null, orderIds: [] }, NOW),
    );
    await sweepExposures(db, SHOP, new Date(t(10)));
    expect(await db.experimentExposure.count({ where: { shop: SHOP, customerId: gone } })).toBe(0);
    expect(await db.holdoutShadowEntry.count({ where: { shop: SHOP, customerId: gone } })).toBe(0);
  });

  it("takes a surface trigger only for a lever seen on that surface alone, and exposes on it", async () => {
    const refused = await createExperiment(db, SHOP, {
      ...earnRate,
      key: "earn-view",
      exposureTrigger: "storefront",
    });
    expect(refused).toMatchObject({ ok: false, status: 422 });
    if (refused.ok) return;
    expect(refused.fieldErrors.exposureTrigger).toMatch(/more than one surface/);
    expect(await db.experiment.count({ where: { shop: SHOP, key: "earn-view" } })).toBe(0);

    // As a widget-copy lever would be: exposed by the first logged-in view, not by the sweep.
    await db.experiment.updateMany({ where: { shop: SHOP, kind: "test" }, data: { status: "stopped" } });
    const copy = await createExperiment(db, SHOP, { ...earnRate, key: "copy" });
    if (!copy.ok) throw new Error(copy.message);
    await db.experiment.update({ where: { id: copy.value.id }, data: { exposureTrigger: "storefront" } });
    await launchExperiment(db, SHOP, copy.value.id, { now: new Date(t(20)) });
    await sweepExposures(db, SHOP, new Date(t(21)));
    expect(await db.experimentExposure.count({ where: { experimentId: copy.value.id } })).toBe(0);
    forgetRunning(SHOP);
    // Two viewers: one held out (in no test) and one in the program arm, exposed by the view.
    const arm = (suffix: string) =>
      db.experimentExposure.findFirstOrThrow({
        where: { shop: SHOP, variantKey: { endsWith: suffix }, customerId: { not: 0n } },
        orderBy: { customerId: "asc" },
      });
    const [heldOut, viewer] = [await arm(":holdout"), await arm(":program")];
    await loadMemberStatus(db, SHOP, heldOut.customerId, new Date(t(22)));
    await loadMemberStatus(db, SHOP, viewer.customerId, new Date(t(22)));
    const viewed = await db.experimentExposure.findMany({ where: { experimentId: copy.value.id } });
    expect(viewed.map((e) => [e.customerId, e.trigger, e.exposedAt.toISOString()])).toEqual([
      [viewer.customerId, "storefront", t(22)],
    ]);
  });
});
