import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiStub, type OpenAiStub } from "../../emulator/openai/stub";
import { mirrorSimulatorShop } from "../../app/intelligence/clv/mirror-testing.server";
import { OPENAI_BATCH } from "../../app/intelligence/sentiment/openai";
import { insertSimulatorReviews } from "../../app/intelligence/sentiment/reviews-testing.server";
import { runSentimentRun, SCORE_PAGE } from "../../app/intelligence/sentiment/run.server";
import { scoreReviewOffline } from "../../app/intelligence/sentiment/vader";
import { createOpenAiClient } from "../../app/openai.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The review-sentiment page with an OpenAI key: the run scores a simulator shop's reviews
// through the real client and the local stub (which speaks the documented Chat Completions
// API); the stub's answers are scripted here, in the run's order, by a stand-in "model"
// (VADER nudged by the stars, themes from the phrase banks' wording) and a fixed summary.
// The page shows the stored summary and the negative reviews' themes.

const SHOP = "sentiment-openai-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
const KEY = "sk-browser-stub-0123456789";
const SUMMARY =
  "Most customers are happy: reviews praise the build quality, the packaging and fast shipping. " +
  "The negative ones are mostly about items arriving damaged or smaller than expected and about slow replies from support.";
let admin: EmbeddedAdmin;
let stub: OpenAiStub;

const THEMES: Array<[RegExp, string]> = [
  [/fell apart|damaged/i, "damaged or broken"],
  [/smaller than/i, "sizing"],
  [/shipping took|slow to answer|never replied/i, "slow service"],
  [/feels cheap|cheap for the price/i, "build quality"],
  [/nothing like the photos|not as described/i, "not as pictured"],
  [/refund|returning/i, "returns"],
  [/packaging/i, "packaging"],
  [/well made|beautifully made/i, "craftsmanship"],
];

const model = (r: { rating: number; title: string | null; body: string | null }) => ({
  score: Math.max(-1, Math.min(1, 0.6 * scoreReviewOffline(r) + 0.2 * (r.rating - 3))),
  themes: THEMES.filter(([re]) => re.test(`${r.title} ${r.body}`))
    .map(([, theme]) => theme)
    .slice(0, 3),
});

beforeAll(async () => {
  stub = await startOpenAiStub({ apiKey: KEY });
  process.env.OPENAI_API_KEY = KEY;
  process.env.OPENAI_BASE_URL = stub.baseURL;
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const { shop, end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 3_000 });
      await insertSimulatorReviews(db, SHOP, shop);
      const ordered = await db.productReview.findMany({
        where: { shop: SHOP },
        orderBy: [{ source: "asc" }, { externalId: "asc" }],
      });
      for (let p = 0; p < ordered.length; p += SCORE_PAGE) {
        const page = ordered.slice(p, p + SCORE_PAGE);
        for (let c = 0; c < page.length; c += OPENAI_BATCH) {
          const chunk = page.slice(c, c + OPENAI_BATCH);
          stub.script({
            content: JSON.stringify({ reviews: chunk.map((r, i) => ({ id: String(c + i), ...model(r) })) }),
          });
        }
      }
      stub.script({ content: JSON.stringify({ summary: SUMMARY }) });
      const run = await db.sentimentRun.create({ data: { shop: SHOP, trigger: "demo" } });
      const client = createOpenAiClient({
        apiKey: KEY,
        baseURL: stub.baseURL,
        chatModel: "gpt-4o-mini",
        embeddingModel: "text-embedding-3-small",
        maxRetries: 0,
      });
      await runSentimentRun(db, run.id, { now: end, openAi: client });
      const stored = await db.sentimentRun.findUniqueOrThrow({ where: { id: run.id } });
      if (stored.scoredOpenai !== ordered.length || stored.summary !== SUMMARY)
        throw new Error(`the stub was not followed: ${JSON.stringify(stored)}`);
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  await admin?.close();
  await stub?.close();
});

describe("the review-sentiment page with OpenAI", () => {
  it("shows the stored summary and the negative reviews' themes", async () => {
    const { page, frame } = admin;
    await admin.openNav("Review sentiment");
    await frame.getByRole("heading", { name: "Review sentiment", level: 1 }).waitFor();
    await frame.getByText(SUMMARY).waitFor();
    await frame.getByText("What the negative reviews are about").waitFor();
    await frame
      .getByText(/^[a-z ]+ · \d+$/)
      .first()
      .waitFor();
    expect(await frame.getByText("The summary needs an OpenAI key").count()).toBe(0);
    await frame.getByTestId("sentiment-weekly").waitFor();
    await page.waitForTimeout(1_000);
    await page.screenshot({ path: `${SCREENSHOTS}/review-sentiment-openai.png`, fullPage: true });
    await frame.getByText("Most negative recent reviews").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/review-sentiment-openai-negative.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);
});
