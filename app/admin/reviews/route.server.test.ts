import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { mirrorSimulatorShop } from "~/intelligence/clv/mirror-testing.server";
import { insertSimulatorReviews } from "~/intelligence/sentiment/reviews-testing.server";
import { runSentimentRun } from "~/intelligence/sentiment/run.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { action, loader } from "~/routes/app.insights.reviews";
import { adminRequest, answer, routeArgs, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fillWeeks, formatScore, sentimentLabel, weekStart } from "./present";

// /app/insights/reviews through its route: a shop without reviews gets the empty state,
// Recompute queues one run (400 for a form it does not understand), a scored simulator shop
// shows its weeks, ratings, most negative reviews and products; scoped by the signed-in shop.

const db = prisma();
const SHOP = "reviews-route.myshopify.com";
const OTHER = "reviews-route-other.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await storeSessionWithoutShopify(SHOP);
  await storeSessionWithoutShopify(OTHER);
});
afterAll(async () => {
  await closeQueues();
});

const load = (shop = SHOP) => loader(routeArgs(adminRequest(shop, "/app/insights/reviews")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/insights/reviews", form))).then(answer);

describe("/app/insights/reviews", () => {
  it("has nothing for a shop without reviews and queues one run per Recompute", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    expect(await load()).toMatchObject({
      totals: { reviews: 0, scored: 0, meanSentiment: null },
      weeks: [],
      negative: [],
      products: [],
      computed: null,
      run: null,
      openAiConfigured: false,
    });
    expect(await submit({ intent: "nonsense" })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await submit({ intent: "recompute" })).toMatchObject({
      status: 202,
      body: { ok: true, created: true },
    });
    expect(await submit({ intent: "recompute" })).toMatchObject({ status: 200, body: { created: false } });
    const runs = await db.sentimentRun.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ shop: SHOP, trigger: "merchant", status: "queued" });
    expect(await queue(QUEUE.analytics).getJob(runs[0]!.id)).toBeDefined();
    expect((await load()).run).toMatchObject({ status: "queued" });
    expect((await load(OTHER)).run).toBeNull();
  });

  it("shows a scored shop's weeks, ratings, most negative reviews and products", async () => {
    const { shop, end } = await mirrorSimulatorShop(db, SHOP, { seed: 9, customers: 1_200 });
    const { reviews } = await insertSimulatorReviews(db, SHOP, shop);
    const run = await db.sentimentRun.create({ data: { shop: SHOP, trigger: "merchant" } });
    await runSentimentRun(db, run.id, { now: end, openAi: null });

    const page = await load();
    expect(page.computed).toMatchObject({ scored: reviews, scoredOpenai: 0, summary: null });
    expect(page.totals).toMatchObject({ reviews, scored: reviews });
    console.info("sentiment against stars", page.agreement, "reviews", reviews);
    // The simulator's wording follows its stars, and VADER reads it.
    expect(page.agreement.correlation).toBeGreaterThan(0.65);
    expect(page.agreement.polarAgreeing / page.agreement.polar).toBeGreaterThan(0.9);
    expect(page.ratings.reduce((s, r) => s + r.reviews, 0)).toBe(reviews);
    expect(page.weeks.length).toBe(26);
    expect(page.weeks.every((w) => new Date(`${w.week}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(page.weeks.reduce((s, w) => s + w.reviews, 0)).toBeGreaterThan(0);

    expect(page.negative.length).toBeGreaterThan(0);
    const scores = page.negative.map((r) => r.sentiment);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    for (const r of page.negative) {
      expect(r.sentiment).toBeLessThanOrEqual(-0.05);
      expect(r.productId).not.toBeNull();
      expect(r.product).not.toMatch(/^\d+$/); // the product's title, not its id
      expect(r.customerId).not.toBeNull();
    }
    const counts = page.products.map((p) => p.reviews);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(page.products[0]!.meanSentiment).not.toBeNull();

    expect(await load(OTHER)).toMatchObject({
      totals: { reviews: 0 },
      negative: [],
      products: [],
      computed: null,
    });
  }, 60_000);

  it("shows the stored summary's run without calling OpenAI, and says when there is no key", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    await db.sentimentRun.create({
      data: {
        shop: SHOP,
        trigger: "schedule",
        status: "computed",
        computedAt: new Date(),
        summary: "Mostly happy.",
        negativeThemes: [{ theme: "sizing", reviews: 3 }],
      },
    });
    const page = await load();
    expect(page.computed).toMatchObject({
      summary: "Mostly happy.",
      negativeThemes: [{ theme: "sizing", reviews: 3 }],
    });
    expect(page.openAiConfigured).toBe(false);
  });
});

describe("present", () => {
  it("labels and formats scores", () => {
    expect(formatScore(0.623)).toBe("+0.62");
    expect(formatScore(-0.4)).toBe("−0.40");
    expect(formatScore(-0.001)).toBe("0.00");
    expect(formatScore(null)).toBe("—");
    expect(sentimentLabel(0.05).label).toBe("Positive");
    expect(sentimentLabel(-0.05).label).toBe("Negative");
    expect(sentimentLabel(0).label).toBe("Neutral");
  });

  it("fills the weeks between two days, Mondays", () => {
    expect(weekStart("2026-12-06")).toBe("2026-11-30"); // a Sunday
    expect(weekStart("2026-11-30")).toBe("2026-11-30");
    expect(
      fillWeeks([{ week: "2026-11-23", reviews: 2, meanSentiment: 0.5 }], "2026-11-18", "2026-12-01"),
    ).toEqual([
      { week: "2026-11-16", reviews: 0, meanSentiment: null },
      { week: "2026-11-23", reviews: 2, meanSentiment: 0.5 },
      { week: "2026-11-30", reviews: 0, meanSentiment: null },
    ]);
  });
});
