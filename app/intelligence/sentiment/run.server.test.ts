import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenAiStub, type OpenAiStub } from "../../../emulator/openai/stub";
import { prisma } from "~/db.server";
import { mirrorSimulatorShop } from "~/intelligence/clv/mirror-testing.server";
import { createOpenAiClient } from "~/openai.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { customerReviewSentiments, customerSentiment } from "./customer.server";
import { insertSimulatorReviews } from "./reviews-testing.server";
import { runSentimentRun } from "./run.server";

// The sentiment service in the real database: a simulator shop's reviews scored by VADER
// without a key (all of them, a page at a time, with progress, once), by OpenAI through the
// local stub with VADER for the reviews it failed on, the summary stored on the run; the
// per-customer reader the churn model uses.

const db = prisma();
const SHOP = "sentiment-service.myshopify.com";
let stub: OpenAiStub;

beforeAll(async () => {
  stub = await startOpenAiStub({ apiKey: "sk-sentiment-test-0123456789" });
});
afterAll(() => stub.close());
beforeEach(async () => {
  await resetDatabase(db);
  stub.state.replies.length = 0;
  stub.state.requests.length = 0;
});

const newRun = (shop = SHOP) => db.sentimentRun.create({ data: { shop, trigger: "merchant" } });
const client = () =>
  createOpenAiClient({
    apiKey: "sk-sentiment-test-0123456789",
    baseURL: stub.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    maxRetries: 0,
    timeoutMs: 5_000,
  });

async function review(externalId: string, rating: number, title: string, body: string, extra = {}) {
  const imp = await db.dataImport.upsert({
    where: { id: "00000000-0000-4000-8000-00000000000a" },
    create: { id: "00000000-0000-4000-8000-00000000000a", shop: SHOP, kind: "reviews", source: "csv" },
    update: {},
  });
  return db.productReview.create({
    data: {
      shop: SHOP,
      source: "csv",
      externalId,
      productRef: "p",
      rating,
      title,
      body,
      reviewedAt: new Date("2026-11-20T12:00:00Z"),
      importId: imp.id,
      ...extra,
    },
  });
}

describe("runSentimentRun without OpenAI", () => {
  it("scores every review of a simulator shop by VADER, a page at a time, once", async () => {
    const { shop, end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 1_500 });
    const { reviews } = await insertSimulatorReviews(db, SHOP, shop);
    expect(reviews).toBeGreaterThan(200);
    await db.shop.create({ data: { domain: "other-shop.myshopify.com" } });
    await insertSimulatorReviews(db, "other-shop.myshopify.com", {
      ...shop,
      reviews: shop.reviews.slice(0, 5),
    });
    await db.productReview.updateMany({
      where: { shop: SHOP, externalId: String(shop.reviews[0]!.id) },
      data: { redactedAt: new Date(), title: null, body: null },
    });

    const run = await newRun();
    const progress: number[] = [];
    const outcome = await runSentimentRun(db, run.id, {
      now: end,
      openAi: null,
      onProgress: async (p) => void progress.push(p),
      pageSize: 50,
    });
    expect(outcome).toEqual({ status: "computed", scored: reviews - 1 });
    expect(progress.length).toBeGreaterThan(Math.floor(reviews / 50));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const stored = await db.sentimentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({
      status: "computed",
      progress: 1,
      scored: reviews - 1,
      scoredOpenai: 0,
      fellBack: 0,
      summary: null,
      negativeThemes: null,
    });

    const rows = await db.productReview.findMany({ where: { shop: SHOP, redactedAt: null } });
    expect(rows.every((r) => r.sentimentSource === "vader" && r.sentiment !== null)).toBe(true);
    expect(
      await db.productReview.count({ where: { shop: "other-shop.myshopify.com", sentiment: { not: null } } }),
    ).toBe(0);
    expect(
      await db.productReview.count({ where: { shop: SHOP, redactedAt: { not: null }, sentiment: null } }),
    ).toBe(1);
    // The simulator's wording follows its stars: the mean score rises with them.
    const meanBy = [1, 2, 3, 4, 5].map((s) => {
      const x = rows.filter((r) => r.rating === s).map((r) => r.sentiment!);
      return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
    });
    console.info("mean VADER compound by stars", meanBy, "reviews", rows.length);
    const present = meanBy.filter((m): m is number => m !== null);
    expect(present).toEqual([...present].sort((a, b) => a - b));

    const again = await newRun();
    expect(await runSentimentRun(db, again.id, { now: end, openAi: null })).toEqual({
      status: "computed",
      scored: 0,
    });
    expect(await runSentimentRun(db, run.id, { now: end, openAi: null })).toEqual({
      status: "skipped",
      scored: 0,
    });
  }, 60_000);
});

describe("runSentimentRun with OpenAI (the local stub)", () => {
  it("takes the model's scores and themes, falls back to VADER per failed batch, stores the summary", async () => {
    for (let i = 0; i < 25; i++)
      await review(`r${String(i).padStart(2, "0")}`, i % 2 ? 1 : 5, i % 2 ? "Not good" : "Love it", "Text");
    const first = Array.from({ length: 20 }, (_, i) => ({
      id: String(i),
      score: i % 2 ? -0.8 : 0.9,
      themes: i % 2 ? (i % 4 === 1 ? ["Sizing", "late delivery"] : ["sizing"]) : ["fit"],
    }));
    stub.script(
      { content: JSON.stringify({ reviews: first }) },
      { status: 500, message: "The server had an error" },
      { content: JSON.stringify({ summary: "Customers love the fit; complaints are about sizing." }) },
    );
    const run = await newRun();
    const outcome = await runSentimentRun(db, run.id, {
      now: new Date("2026-12-01T00:00:00Z"),
      openAi: client(),
    });
    expect(outcome).toEqual({ status: "computed", scored: 25 });

    const sent = stub.state.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(sent).toHaveLength(3);
    const format = sent[0]!.body.response_format as {
      type: string;
      json_schema: { name: string; strict: boolean };
    };
    expect(format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "review_sentiment", strict: true },
    });
    expect(JSON.stringify(sent[0]!.body)).not.toContain("r00"); // the review app's ids stay here

    const rows = await db.productReview.findMany({ where: { shop: SHOP }, orderBy: { externalId: "asc" } });
    expect(rows.slice(0, 20).every((r) => r.sentimentSource === "openai")).toBe(true);
    expect(rows[0]).toMatchObject({ sentiment: 0.9, sentimentThemes: ["fit"] });
    expect(rows[1]).toMatchObject({ sentiment: -0.8, sentimentThemes: ["sizing", "late delivery"] });
    expect(rows.slice(20).every((r) => r.sentimentSource === "vader" && r.sentimentThemes.length === 0)).toBe(
      true,
    );

    const stored = await db.sentimentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({
      status: "computed",
      scored: 25,
      scoredOpenai: 20,
      fellBack: 5,
      summary: "Customers love the fit; complaints are about sizing.",
      summaryReviews: 25,
      summaryModel: "gpt-4o-mini",
      summaryError: null,
      negativeThemes: [
        { theme: "sizing", reviews: 10 },
        { theme: "late delivery", reviews: 5 },
      ],
    });
  });

  it("keeps the scores and records why when the summary fails", async () => {
    await review("a", 2, "Not great", "Too small");
    stub.script(
      { content: JSON.stringify({ reviews: [{ id: "0", score: -0.6, themes: ["size"] }] }) },
      { status: 429, message: "Rate limit reached" },
    );
    const run = await newRun();
    await runSentimentRun(db, run.id, { now: new Date("2026-12-01T00:00:00Z"), openAi: client() });
    const stored = await db.sentimentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({
      status: "computed",
      scoredOpenai: 1,
      summary: null,
      negativeThemes: [{ theme: "size", reviews: 1 }],
    });
    expect(stored.summaryError).toMatch(/429/);
    expect(stored.summaryError).not.toContain("sk-sentiment");
  });
});

describe("customerSentiment", () => {
  it("aggregates each customer's reviews before asOf in SQL", async () => {
    await review("a", 5, "", "", {
      customerId: 7n,
      sentiment: 0.8,
      sentimentSource: "vader",
      reviewedAt: new Date("2026-01-01"),
    });
    await review("b", 2, "", "", {
      customerId: 7n,
      sentiment: -0.4,
      sentimentSource: "vader",
      reviewedAt: new Date("2026-03-01"),
    });
    await review("c", 1, "", "", { customerId: 7n, reviewedAt: new Date("2026-06-01") });
    await review("d", 4, "", "", {
      customerId: 8n,
      sentiment: 0.5,
      sentimentSource: "openai",
      reviewedAt: new Date("2026-02-01"),
    });
    await review("e", 1, "", "", {
      customerId: 8n,
      sentiment: -1,
      sentimentSource: "vader",
      redactedAt: new Date(),
    });
    await review("f", 3, "", "", { customerId: null, sentiment: 0, sentimentSource: "vader" });

    const now = await customerSentiment(db, SHOP, new Date("2026-12-01"));
    expect([...now.keys()].sort()).toEqual(["7", "8"]);
    expect(now.get("7")).toEqual({
      meanSentiment: expect.closeTo(0.2, 9),
      reviews: 3,
      scoredReviews: 2,
      lastReviewAt: new Date("2026-06-01"),
      minRating: 1,
    });
    expect(now.get("8")).toMatchObject({ meanSentiment: 0.5, reviews: 1, minRating: 4 });
    const earlier = await customerSentiment(db, SHOP, new Date("2026-02-15"));
    expect(earlier.get("7")).toMatchObject({ meanSentiment: 0.8, reviews: 1, minRating: 5 });
    expect(await customerSentiment(db, "nobody.myshopify.com")).toEqual(new Map());

    const events = await customerReviewSentiments(db, SHOP);
    expect(events.get("7")!.map((e) => e.sentiment)).toEqual([0.8, -0.4]);
    expect(events.get("8")).toHaveLength(1);
  });
});
