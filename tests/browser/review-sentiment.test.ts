import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorSimulatorShop } from "../../app/intelligence/clv/mirror-testing.server";
import { insertSimulatorReviews } from "../../app/intelligence/sentiment/reviews-testing.server";
import { runSentimentRun } from "../../app/intelligence/sentiment/run.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The review-sentiment page as a merchant without an OpenAI key meets it: a 3,000-customer
// simulator shop's reviews scored by VADER (charts, the most negative reviews with their
// product and customer, the product table, the note that the summary needs a key), and the
// empty state of a shop without reviews.

const SHOP = "sentiment-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  delete process.env.OPENAI_API_KEY;
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const { shop, end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 3_000 });
      await insertSimulatorReviews(db, SHOP, shop);
      const run = await db.sentimentRun.create({ data: { shop: SHOP, trigger: "demo" } });
      if ((await runSentimentRun(db, run.id, { now: end, openAi: null })).status !== "computed")
        throw new Error("sentiment run");
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await admin?.close();
});

describe("the review-sentiment page", () => {
  it("shows sentiment over time, ratings, the most negative reviews and products", async () => {
    const { page, frame } = admin;
    await admin.openNav("Review sentiment");
    await frame.getByRole("heading", { name: "Review sentiment", level: 1 }).waitFor();
    await frame.getByText(/^Computed /).waitFor();
    await frame.getByText("The summary needs an OpenAI key").waitFor();
    await frame.getByTestId("sentiment-weekly").waitFor();
    await frame.getByTestId("rating-distribution").waitFor();
    expect(await frame.locator('[data-kpi="Mean sentiment"]').innerText()).toMatch(/^[+−]\d\.\d\d$/);
    expect(await frame.getByText("Most negative recent reviews").count()).toBe(1);
    const products = frame.locator(".Polaris-DataTable").locator("tbody tr");
    expect(await products.count()).toBeGreaterThan(3);
    expect(await products.first().innerText()).toMatch(/\d\.\d★/);
    await page.waitForTimeout(1_000);
    await page.screenshot({ path: `${SCREENSHOTS}/review-sentiment.png`, fullPage: true });
    await frame.getByTestId("sentiment-weekly-count").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/review-sentiment-weeks.png`, fullPage: true });
    await frame.getByText("Sentiment by product").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/review-sentiment-products.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("sends a shop without reviews to the Reviews page", async () => {
    const { db, page, frame } = admin;
    await db.productReview.deleteMany({ where: { shop: SHOP } });
    await admin.openNav("Churn risk");
    await admin.openNav("Review sentiment");
    await frame.getByText("No reviews yet").waitFor();
    expect(
      await frame.getByRole("link", { name: "Import reviews on the Reviews page" }).getAttribute("href"),
    ).toMatch(/\/app\/reviews/);
    await page.screenshot({ path: `${SCREENSHOTS}/review-sentiment-empty.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);
});
