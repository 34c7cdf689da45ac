import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { mirrorSimulatorCatalogue } from "~/intelligence/picks/mirror-testing.server";
import { runWeeklyPicks } from "~/intelligence/picks/run.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { redis } from "~/redis.server";
import { action, loader } from "~/routes/app.insights.weekly-picks";
import { adminRequest, answer, routeArgs, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";

// /app/insights/weekly-picks through its route: a new shop has no picks, Recompute queues one
// run (with how many picks; 422 for a bad number, 400 for a form it does not understand), a
// computed shop shows its picks and backtest, Launch asks for the confirmation then saves a
// version; scoped by the signed-in shop.

const db = prisma();
const SHOP = "weekly-picks-route.myshopify.com";
const OTHER = "weekly-picks-route-other.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await storeSessionWithoutShopify(SHOP);
  await storeSessionWithoutShopify(OTHER);
});
afterAll(async () => {
  await closeQueues();
});

const load = (shop = SHOP) => loader(routeArgs(adminRequest(shop, "/app/insights/weekly-picks")));
const submit = (form: Record<string, string>, shop = SHOP) =>
  action(routeArgs(adminRequest(shop, "/app/insights/weekly-picks", form))).then(answer);

describe("/app/insights/weekly-picks", () => {
  it("has no picks for a new shop and queues one run per Recompute", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    expect(await load()).toMatchObject({ result: null, run: null });
    expect(await submit({ intent: "nonsense" })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await submit({ intent: "recompute", top: "0" })).toMatchObject({
      status: 422,
      body: { ok: false, fieldErrors: { top: "At least 1 product." } },
    });
    expect(await db.weeklyPicksRun.count()).toBe(0);
    expect(await submit({ intent: "recompute", top: "3" })).toMatchObject({
      status: 202,
      body: { ok: true, created: true },
    });
    expect(await submit({ intent: "recompute" })).toMatchObject({ status: 200, body: { created: false } });
    const runs = await db.weeklyPicksRun.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      shop: SHOP,
      trigger: "merchant",
      status: "queued",
      settings: { top: 3 },
    });
    expect(await queue(QUEUE.analytics).getJob(runs[0]!.id)).toBeDefined();
    expect((await load(OTHER)).run).toBeNull();
  });

  it("shows a computed shop's picks and launches them once confirmed", async () => {
    const { end } = await mirrorSimulatorCatalogue(db, SHOP, {
      seed: 9,
      customers: 1_500,
      historyMonths: 12,
    });
    const run = await db.weeklyPicksRun.create({ data: { shop: SHOP, trigger: "merchant" } });
    expect((await runWeeklyPicks(db, run.id, { now: end })).status).toBe("computed");
    const page = await load();
    expect(page.result).toMatchObject({ id: run.id, launchedVersion: null });
    expect(page.result!.picks.length).toBeGreaterThan(0);
    expect(page.result!.picks[0]!.history).toHaveLength(26);
    expect(page.result!.backtest.wape).toBeGreaterThan(0);
    expect((await load(OTHER)).result).toBeNull();

    // The other shop cannot launch this shop's run.
    await db.shop.create({ data: { domain: OTHER } });
    expect(await submit({ intent: "launch", runId: run.id, confirm: "yes" }, OTHER)).toMatchObject({
      status: 404,
    });
    expect(await submit({ intent: "launch", runId: "not-a-uuid" })).toMatchObject({ status: 400 });
    const unconfirmed = await submit({ intent: "launch", runId: run.id });
    expect(unconfirmed).toMatchObject({ status: 409, body: { ok: false } });
    expect((unconfirmed.body as { estimate: { products: number } }).estimate.products).toBe(
      page.result!.picks.length,
    );
    const before = (await currentProgramVersion(db, SHOP)).version;
    expect(await submit({ intent: "launch", runId: run.id, confirm: "yes" })).toMatchObject({
      status: 200,
      body: { ok: true, version: before + 1 },
    });
    expect((await load()).result).toMatchObject({ launchedVersion: before + 1 });
  }, 120_000);
});
