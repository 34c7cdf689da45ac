import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorSimulatorShopWithProducts } from "../../app/intelligence/recommendations/mirror-testing.server";
import { runRecommendationRun } from "../../app/intelligence/recommendations/run.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// Product recommendations as a merchant meets them, on a 1,500-customer simulator shop whose
// neighbours the service computed: Insights › Recommendations (search a member, their list
// with reasons, the evaluation beside its baselines), the member page's card, and
// Settings › API keys (a key shown once, then only its prefix; revoke).

const SHOP = "recs-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;
let email = "";

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const { shop } = await mirrorSimulatorShopWithProducts(db, SHOP, {
        seed: 7,
        customers: 1_500,
        historyMonths: 12,
      });
      const counts = new Map<string, number>();
      for (const o of shop.orders)
        counts.set(String(o.customerId), (counts.get(String(o.customerId)) ?? 0) + 1);
      const loyal = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
      email = shop.customerInputs.find((c) => String(c.id) === loyal)!.email!;
      await db.member.create({ data: { shop: SHOP, customerId: BigInt(loyal) } });
      const run = await db.recommendationRun.create({ data: { shop: SHOP, trigger: "demo" } });
      if ((await runRecommendationRun(db, run.id, { openAi: null })).status !== "computed")
        throw new Error("recs");
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 300_000);
afterAll(async () => {
  await admin?.close();
});

describe("product recommendations in the admin", () => {
  it("previews any member's products with reasons, and the evaluation against the baselines", async () => {
    const { page, frame } = admin;
    await admin.openNav("Recommendations");
    await frame.getByRole("heading", { name: "Recommendations", level: 1 }).waitFor();
    await frame
      .getByText(/^Computed /)
      .first()
      .waitFor();
    await frame.getByLabel("Email or name").fill(email);
    await frame.getByRole("button", { name: "Search" }).click();
    await frame
      .getByRole("link", { name: new RegExp(email.replace(/[.+]/g, "\\$&")) })
      .first()
      .click();
    await frame.getByRole("heading", { name: "Recommended products" }).waitFor();
    await frame
      .getByText(/Bought together with|Similar to/)
      .first()
      .waitFor();
    const rows = await frame.getByRole("table").first().locator("tbody tr").allInnerTexts();
    expect(rows.map((r) => r.split("\t")[0])).toEqual([
      "Blend (in use)",
      "Bought together only",
      "Similar descriptions only",
      "Best sellers",
      "Random products",
    ]);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/recommendations-preview.png`, fullPage: true });
    await frame.getByTestId("recommendation-evaluation-chart").scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/recommendations-evaluation.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("shows the member's recommended products on the member page", async () => {
    const { page, frame } = admin;
    const name = await frame.locator("h2 a").first().innerText();
    await frame.locator("h2 a").first().click();
    await frame.getByRole("heading", { name, level: 1 }).waitFor();
    await frame.getByRole("heading", { name: "Recommended products" }).scrollIntoViewIfNeeded();
    await frame
      .getByText(/Bought together with|Similar to/)
      .first()
      .waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/member-recommended-products.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("creates an API key shown once, lists it by prefix, revokes it", async () => {
    const { page, frame, db } = admin;
    await admin.openNav("API keys");
    await frame.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await frame.getByLabel("Name").fill("Headless storefront");
    await frame.getByRole("button", { name: "Create key" }).click();
    const key = await frame.getByTestId("new-api-key").innerText();
    expect(key).toMatch(/^lo_[0-9A-Za-z]{40}$/);
    await frame.getByText(`${key.slice(0, 11)}…`).waitFor();
    const row = await db.apiKey.findFirstOrThrow({ where: { shop: SHOP } });
    expect(row.hash).not.toContain(key);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/api-keys.png`, fullPage: true });
    await frame.getByRole("button", { name: "Revoke" }).click();
    await frame.getByText(/^Revoked /).waitFor();
    expect((await db.apiKey.findFirstOrThrow({ where: { shop: SHOP } })).revokedAt).not.toBeNull();
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);
});
