import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChurnRun } from "../../app/intelligence/churn/run.server";
import { runLifetimeValueFit } from "../../app/intelligence/clv/fit.server";
import { mirrorSimulatorShop } from "../../app/intelligence/clv/mirror-testing.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The churn-risk page as a merchant meets it, on a 2,000-customer simulator shop whose
// lifetime values and churn risks the services computed: the at-risk list (value at stake
// from the CLV, drivers in words, the intervention), the evaluation and calibration; and a
// shop without enough data.

const SHOP = "churn-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const { shop: generated, end } = await mirrorSimulatorShop(db, SHOP, { seed: 5, customers: 2_000 });
      const buyers = [...new Set(generated.orders.map((o) => String(o.customerId)))];
      await db.member.createMany({ data: buyers.map((id) => ({ shop: SHOP, customerId: BigInt(id) })) });
      const fit = await db.lifetimeValueFit.create({ data: { shop: SHOP, trigger: "demo" } });
      if ((await runLifetimeValueFit(db, fit.id, { now: end })).status !== "fitted")
        throw new Error("clv fit");
      const run = await db.churnRun.create({ data: { shop: SHOP, trigger: "demo" } });
      const outcome = await runChurnRun(db, run.id, { now: end });
      if (outcome.status !== "computed") throw new Error(`churn: ${outcome.status}`);
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await admin?.close();
});

describe("the churn-risk page", () => {
  it("shows the at-risk members with drivers, value at stake and interventions, and the evaluation", async () => {
    const { page, frame } = admin;
    await admin.openNav("Churn risk");
    await frame.getByRole("heading", { name: "Churn risk", level: 1 }).waitFor();
    await frame.getByText(/^At risk: /).waitFor();
    await frame
      .getByText(/since their last order|orders expected in the next 90 days/)
      .first()
      .waitFor();
    expect(await frame.locator('[data-kpi="AUC (model)"]').innerText()).toMatch(/^0\.\d{3}$/);
    expect(await frame.locator('[data-kpi="AUC (days since last order alone)"]').innerText()).toMatch(
      /^0\.\d{3}$/,
    );
    const firstRow = frame.getByRole("table").first().locator("tbody tr").first();
    expect(await firstRow.innerText()).toMatch(/\$[\d,.]+/);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/churn-risk.png`, fullPage: true });
    await frame.getByText("How well it predicts").scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/churn-evaluation.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("tells a shop without results that there is not enough data yet, and why", async () => {
    const { db, page, frame } = admin;
    await db.memberChurnRisk.deleteMany({ where: { shop: SHOP } });
    await db.churnRun.deleteMany({ where: { shop: SHOP } });
    await db.churnRun.create({
      data: {
        shop: SHOP,
        trigger: "schedule",
        status: "notEnoughData",
        customers: 12,
        progress: 1,
        reason:
          "not enough customers with orders before the training cutoff: the churn model needs at least 50; there are 12",
        computedAt: new Date(),
      },
    });
    await admin.openNav("Churn risk");
    await frame.getByText("Not enough data yet").waitFor();
    await frame.getByText(/there are 12/).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/churn-not-enough-data.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 60_000);
});
