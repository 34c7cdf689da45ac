import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runLifetimeValueFit } from "~/intelligence/clv/fit.server";
import { mirrorSimulatorShop } from "~/intelligence/clv/mirror-testing.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { action, loader } from "~/routes/app.insights.lifetime-value";
import { loader as memberLoader } from "~/routes/app.members.$customerId";
import { adminRequest, answer, routeArgs, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";

// /app/insights/lifetime-value through its route: a new shop is told what the model needs,
// Recompute queues one fit (400 for a form it does not understand), and a fitted shop shows
// its distribution, top members, parameters and holdout check; the member page shows the
// member's value. Everything is scoped by the signed-in shop.

const db = prisma();
const SHOP = "clv-route.myshopify.com";
const OTHER = "clv-route-other.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await storeSessionWithoutShopify(SHOP);
  await storeSessionWithoutShopify(OTHER);
});
afterAll(async () => {
  await closeQueues();
});

const load = (shop = SHOP) => loader(routeArgs(adminRequest(shop, "/app/insights/lifetime-value")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/insights/lifetime-value", form))).then(answer);

describe("/app/insights/lifetime-value", () => {
  it("tells a new shop what is needed and queues one fit per Recompute", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    const empty = await load();
    expect(empty).toMatchObject({
      model: null,
      run: null,
      needed: { customers: 50, repeatBuyers: 10, historyDays: 28 },
    });

    expect(await submit({ intent: "nonsense" })).toMatchObject({ status: 400, body: { ok: false } });
    const first = await submit({ intent: "recompute" });
    expect(first).toMatchObject({ status: 202, body: { ok: true, created: true } });
    expect(await submit({ intent: "recompute" })).toMatchObject({
      status: 200,
      body: { ok: true, created: false },
    });
    const fits = await db.lifetimeValueFit.findMany();
    expect(fits).toHaveLength(1);
    expect(fits[0]).toMatchObject({ shop: SHOP, trigger: "merchant", status: "queued" });
    expect(await queue(QUEUE.analytics).getJob(fits[0]!.id)).toBeDefined();
    expect((await load()).run).toMatchObject({ status: "queued" });
    expect((await load(OTHER)).run).toBeNull();
  });

  it("shows a fitted shop's values, and the member page the member's", async () => {
    const { end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 3_000 });
    const fit = await db.lifetimeValueFit.create({ data: { shop: SHOP, trigger: "demo" } });
    await runLifetimeValueFit(db, fit.id, { now: end });

    const page = await load();
    expect(page.model).toMatchObject({ id: fit.id, purchase: { r: expect.any(Number) } });
    expect(page.model!.evaluation).toMatchObject({ ok: true });
    expect(page.totals!.members).toBe(page.model!.customers);
    expect(page.histogram.reduce((s, b) => s + b.count, 0)).toBe(page.totals!.members);
    expect(page.histogram[0]!.label).toMatch(/^\$0–\$/);
    expect(page.top).toHaveLength(20);
    const values = page.top.map((m) => m.clvMinor);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const best = await db.memberLifetimeValue.findFirstOrThrow({
      where: { shop: SHOP },
      orderBy: { clv12mMinor: "desc" },
    });
    expect(page.top[0]!.customerId).toBe(best.customerId.toString());

    // Another shop sees none of it.
    expect(await load(OTHER)).toMatchObject({ model: null, top: [], histogram: [] });

    await db.member.create({ data: { shop: SHOP, customerId: best.customerId } });
    const member = await memberLoader({
      request: adminRequest(SHOP, `/app/members/${best.customerId}`),
      params: { customerId: String(best.customerId) },
      context: {},
    });
    expect(member.value).toMatchObject({
      clvMinor: best.clv12mMinor,
      pAlive: best.pAlive,
      expectedPurchases90d: best.expectedPurchases90d,
      computedAt: end.toISOString(),
    });
  }, 60_000);
});
