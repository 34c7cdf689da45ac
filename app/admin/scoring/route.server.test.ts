import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runScoring } from "~/intelligence/scoring/run.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { action, loader } from "~/routes/app.insights.scoring";
import { adminRequest, answer, routeArgs, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";

// /app/insights/scoring through its route: a new shop was never scored, "Score now" queues one
// run (400 for a form it does not understand), the run's stages show after it. Scoped by shop.

const db = prisma();
const SHOP = "scoring-route.myshopify.com";
const OTHER = "scoring-route-other.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await storeSessionWithoutShopify(SHOP);
  await storeSessionWithoutShopify(OTHER);
});
afterAll(async () => {
  await closeQueues();
});

const load = (shop = SHOP) => loader(routeArgs(adminRequest(shop, "/app/insights/scoring")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/insights/scoring", form))).then(answer);

describe("/app/insights/scoring", () => {
  it("queues one run per click while it waits, then shows each stage's outcome", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    expect(await load()).toMatchObject({ run: null, lastScoredAt: null });
    expect(await submit({ intent: "nonsense" })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await submit({ intent: "recompute" })).toMatchObject({
      status: 202,
      body: { ok: true, created: true },
    });
    expect(await submit({ intent: "recompute" })).toMatchObject({ status: 200, body: { created: false } });
    const runs = await db.scoringRun.findMany();
    expect(runs).toHaveLength(1);
    expect(await queue(QUEUE.analytics).getJob(runs[0]!.id)).toBeDefined();
    expect((await load()).run).toMatchObject({ status: "queued", trigger: "merchant" });
    expect((await load(OTHER)).run).toBeNull();

    await runScoring(db, runs[0]!.id, { now: new Date() });
    const page = await load();
    expect(page.lastScoredAt).not.toBeNull();
    expect(page.run?.stages.map((s) => [s.key, s.status])).toEqual([
      ["segments", "done"],
      ["lifetimeValue", "notEnoughData"],
      ["rewards", "notEnoughData"],
      ["churn", "notEnoughData"],
    ]);
  });
});
