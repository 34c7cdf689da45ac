import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { redactCustomerData } from "~/webhooks/customer-data.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { BgNbdParams } from "./bgnbd";
import { runLifetimeValueFit } from "./fit.server";
import type { HoldoutEvaluation } from "./holdout";
import { mirrorSimulatorShop } from "./mirror-testing.server";

// The lifetime-value service on a 3,000-customer simulator shop in the real database: the
// fitted parameters against the generator's (per year of average intensity: r 1.4, α 0.5,
// a 1.3, b 4.2; per day α is ×365 and seasonality is unmodelled noise), the stored member
// values, the holdout check, a later fit without enough data keeping the model, redaction.

const db = prisma();
const SHOP = "clv-service.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
});

const newFit = (trigger = "merchant") => db.lifetimeValueFit.create({ data: { shop: SHOP, trigger } });

describe("runLifetimeValueFit", () => {
  it("fits a simulator shop, stores every buyer's value and keeps the model when a later fit lacks data", async () => {
    const { shop, end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 3_000 });
    const fit = await newFit();
    const progress: number[] = [];
    const outcome = await runLifetimeValueFit(db, fit.id, {
      now: end,
      onProgress: async (p) => void progress.push(p),
    });
    expect(outcome.status).toBe("fitted");
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const stored = await db.lifetimeValueFit.findUniqueOrThrow({ where: { id: fit.id } });
    expect(stored).toMatchObject({ status: "fitted", progress: 1, currencyCode: shop.params.currency });
    const params = stored.purchaseParams as BgNbdParams;
    const errors = stored.purchaseErrors as BgNbdParams;
    const truth = shop.params;
    console.info("fitted per day", params, "errors", errors, "spend", stored.spendParams);
    // r is unitless; α per day against the generator's per year; a and b are unitless.
    expect(Math.abs(params.r - truth.purchase.r)).toBeLessThan(0.35 * truth.purchase.r);
    expect(Math.abs(params.alpha / 365 - truth.purchase.alpha)).toBeLessThan(0.35 * truth.purchase.alpha);
    expect(Math.abs(params.a - truth.dropout.a)).toBeLessThan(3 * errors.a + 0.3);
    expect(Math.abs(params.b - truth.dropout.b)).toBeLessThan(3 * errors.b + 1);
    expect(stored.purchaseLogLik).toBeLessThan(0);
    expect(stored.spendReason).toBeNull();

    const buyers = new Set(shop.orders.map((o) => String(o.customerId)));
    const values = await db.memberLifetimeValue.findMany({ where: { shop: SHOP } });
    expect(values.length).toBeGreaterThan(0.95 * buyers.size);
    expect(values.length).toBe(stored.customers);
    for (const v of values) {
      expect(v.fitId).toBe(fit.id);
      expect(v.pAlive).toBeGreaterThan(0);
      expect(v.pAlive).toBeLessThanOrEqual(1);
      expect(v.expectedPurchases12m).toBeGreaterThanOrEqual(v.expectedPurchases90d);
      expect(v.clv12mMinor).toBeGreaterThan(0);
    }
    // Mean P(alive) against the simulator's truth at the end of history.
    const meanAlive = values.reduce((s, v) => s + v.pAlive, 0) / values.length;
    const realised = shop.truths.filter(
      (t, i) => shop.histories[i]!.firstOrderDay !== null && t.alive,
    ).length;
    const buyersWithHistory = shop.histories.filter((h) => h.firstOrderDay !== null).length;
    expect(Math.abs(meanAlive - realised / buyersWithHistory)).toBeLessThan(0.08);

    const evaluation = stored.evaluation as HoldoutEvaluation;
    if (!evaluation.ok) throw new Error(evaluation.reason);
    console.info("holdout", evaluation.predicted, evaluation.actual, evaluation.holdoutDays);
    expect(Math.abs(evaluation.relativeError!)).toBeLessThan(0.25);
    expect(evaluation.byFrequency[0]!.x).toBe(0);

    // The orders disappear (say, a currency change): the next fit lacks data and says so.
    await db.order.deleteMany({ where: { shop: SHOP } });
    const thin = await newFit("schedule");
    expect((await runLifetimeValueFit(db, thin.id, { now: end })).status).toBe("notEnoughData");
    const recorded = await db.lifetimeValueFit.findUniqueOrThrow({ where: { id: thin.id } });
    expect(recorded.reason).toMatch(/needs at least 50 customers/);
    expect(await db.memberLifetimeValue.count({ where: { shop: SHOP, fitId: fit.id } })).toBe(values.length);

    // A finished fit run again (a replayed job) changes nothing.
    expect((await runLifetimeValueFit(db, fit.id, { now: end })).status).toBe("skipped");

    // customers/redact deletes the member's value.
    const gone = values[0]!.customerId;
    await db.$transaction((tx) =>
      redactCustomerData(tx, { shop: SHOP, customerId: gone, email: null, phone: null, orderIds: [] }, end),
    );
    expect(await db.memberLifetimeValue.count({ where: { shop: SHOP, customerId: gone } })).toBe(0);
    expect(await db.memberLifetimeValue.count({ where: { shop: SHOP } })).toBe(values.length - 1);
  }, 120_000);
});
