import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runChurnRun } from "~/intelligence/churn/run.server";
import { mirrorSimulatorShop } from "~/intelligence/clv/mirror-testing.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { action, loader } from "~/routes/app.insights.churn";
import { adminRequest, answer, routeArgs, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { driverText } from "./present";

// /app/insights/churn through its route: a new shop has no results, Recompute queues one run
// (400 for a form it does not understand), a computed shop shows its evaluation and the
// at-risk list (most at stake first, drivers, intervention). Scoped by the signed-in shop.

const db = prisma();
const SHOP = "churn-route.myshopify.com";
const OTHER = "churn-route-other.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await storeSessionWithoutShopify(SHOP);
  await storeSessionWithoutShopify(OTHER);
});
afterAll(async () => {
  await closeQueues();
});

const load = (shop = SHOP) => loader(routeArgs(adminRequest(shop, "/app/insights/churn")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/insights/churn", form))).then(answer);

describe("/app/insights/churn", () => {
  it("has no results for a new shop and queues one run per Recompute", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    expect(await load()).toMatchObject({ result: null, run: null, atRisk: [] });
    expect(await submit({ intent: "nonsense" })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await submit({ intent: "recompute" })).toMatchObject({
      status: 202,
      body: { ok: true, created: true },
    });
    expect(await submit({ intent: "recompute" })).toMatchObject({ status: 200, body: { created: false } });
    const runs = await db.churnRun.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ shop: SHOP, trigger: "merchant", status: "queued" });
    expect(await queue(QUEUE.analytics).getJob(runs[0]!.id)).toBeDefined();
    expect((await load()).run).toMatchObject({ status: "queued" });
    expect((await load(OTHER)).run).toBeNull();
  });

  it("shows a computed shop's evaluation and its at-risk members by value at stake", async () => {
    const { end } = await mirrorSimulatorShop(db, SHOP, { seed: 3, customers: 1_200 });
    const run = await db.churnRun.create({ data: { shop: SHOP, trigger: "merchant" } });
    expect((await runChurnRun(db, run.id, { now: end })).status).toBe("computed");
    const page = await load();
    expect(page.result).toMatchObject({ id: run.id, horizonDays: 90 });
    expect(page.result!.evaluation.auc).toBeGreaterThan(0.5);
    expect(page.result!.evaluation.recencyAuc).not.toBeNull();
    expect(page.atRisk.length).toBeGreaterThan(0);
    expect(page.atRisk.length).toBeLessThanOrEqual(50);
    const values = page.atRisk.map((m) => m.valueAtStakeMinor ?? -1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    for (const m of page.atRisk) {
      expect(m.intervention.kind).not.toBe("none");
      expect(m.drivers.length).toBeGreaterThan(0);
      for (const d of m.drivers) expect(driverText(d, page.currency)).not.toBe("");
    }
    expect(await load(OTHER)).toMatchObject({ result: null, atRisk: [] });
  }, 60_000);
});

describe("driverText", () => {
  it("says each feature in counts, days and money", () => {
    const d = (feature: string, value: number) =>
      driverText({ feature, label: feature, value, contribution: 1 }, "USD");
    expect(d("recencyDays", 143.4)).toBe("143 days since their last order");
    expect(d("logOrders", Math.log1p(1))).toBe("only 1 order so far");
    expect(d("logMeanOrder", Math.log1p(42.5))).toBe("average order $42.50");
    expect(d("recencyOverGap", 3.25)).toBe("3.3× their usual gap since the last order");
    expect(d("refundShare", 0.4)).toBe("40% of their spend refunded");
  });
});
