import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLifetimeValueFit } from "../../app/intelligence/clv/fit.server";
import { mirrorSimulatorShop } from "../../app/intelligence/clv/mirror-testing.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The lifetime-value page as a merchant meets it, on a 3,000-customer simulator shop whose
// values the service computed: totals, the histogram, the top members, the parameters and
// the holdout check; a member's page with their value; and a shop without enough data.

const SHOP = "clv-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const { shop: generated, end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 3_000 });
      const fit = await db.lifetimeValueFit.create({ data: { shop: SHOP, trigger: "demo" } });
      const buyers = [...new Set(generated.orders.map((o) => String(o.customerId)))];
      await db.member.createMany({ data: buyers.map((id) => ({ shop: SHOP, customerId: BigInt(id) })) });
      const outcome = await runLifetimeValueFit(db, fit.id, { now: end });
      if (outcome.status !== "fitted") throw new Error(`fit: ${outcome.status}`);
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await admin?.close();
});

describe("the lifetime-value page", () => {
  it("shows the distribution, the top members, the model and its holdout check", async () => {
    const { page, frame } = admin;
    await admin.openNav("Lifetime value");
    await frame.getByRole("heading", { name: "Lifetime value", level: 1 }).waitFor();
    await frame.getByTestId("clv-histogram").locator("svg").first().waitFor();
    await frame.getByTestId("clv-holdout-chart").locator("svg").first().waitFor();
    await frame.getByText("Most valuable members").first().waitFor();
    await frame
      .getByText(/^Computed /)
      .first()
      .waitFor();
    await frame.getByText("Predicted repeat orders").first().waitFor();
    expect(await frame.locator('[data-kpi="Members valued"]').innerText()).toMatch(/^[\d,]+$/);
    expect(await frame.locator('[data-kpi="Value, next 12 months"]').innerText()).toMatch(/^\$[\d,.]+$/);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/lifetime-value.png`, fullPage: true });
    await frame.getByText("How well it predicts").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/lifetime-value-holdout.png`, fullPage: true });

    await frame.getByRole("table").first().getByRole("link").first().click();
    await frame.getByRole("heading", { name: "Lifetime value", level: 2 }).waitFor();
    await frame.getByText("Chance still active").first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/member-lifetime-value.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("tells a shop without a model what is needed", async () => {
    const { db, page, frame } = admin;
    await db.memberLifetimeValue.deleteMany({ where: { shop: SHOP } });
    await db.lifetimeValueFit.deleteMany({ where: { shop: SHOP } });
    await db.lifetimeValueFit.create({
      data: {
        shop: SHOP,
        trigger: "schedule",
        status: "notEnoughData",
        customers: 12,
        repeatBuyers: 2,
        progress: 1,
        reason:
          "Not enough purchase history yet: the model needs at least 50 customers with a purchase; there are 12.",
        finishedAt: new Date(),
      },
    });
    await admin.openNav("Lifetime value");
    await frame.getByText("Not enough data yet").waitFor();
    await frame
      .getByText(/you have 12/)
      .first()
      .waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/lifetime-value-not-enough-data.png`, fullPage: true });
  }, 60_000);
});
