import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, writeLoyaltyShop } from "../../app/intelligence/rewards/loyalty-testing.server";
import { runRewardRecommendationRun } from "../../app/intelligence/rewards/run.server";
import { rewardMembers } from "../../app/intelligence/rewards/simulator-testing";
import { generateShop } from "../../simulator/index";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A member's page with the "Recommended reward" card, on a 2,000-customer simulator shop with
// a past loyalty program whose recommendations the service computed: the reward, the chance to
// redeem, the expected value and why; then the affordability rule's label and reason.

const SHOP = "reward-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;
let showcase = "";

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const shop = generateShop({ seed: 31, customers: 2_000, pastLoyalty: {} });
      const members = rewardMembers(shop);
      await writeLoyaltyShop(db, SHOP, shop, members);
      const ids = new Set(members.map((m) => m.id));
      await db.customer.createMany({
        data: shop.customerInputs
          .filter((c) => ids.has(String(c.id)))
          .map((c) => ({
            shop: SHOP,
            id: BigInt(c.id!),
            email: c.email ?? null,
            firstName: c.firstName ?? null,
            lastName: c.lastName ?? null,
          })),
      });
      const run = await db.rewardRecommendationRun.create({ data: { shop: SHOP, trigger: "demo" } });
      const outcome = await runRewardRecommendationRun(db, run.id, {
        now: at(shop, shop.calendar.historyDays),
      });
      if (outcome.method !== "model") throw new Error(`reward run: ${JSON.stringify(outcome)}`);
      // A member who can almost afford the recommended reward and has drivers to show.
      const pick = await db.memberRewardRecommendation.findFirstOrThrow({
        where: { shop: SHOP, pointsGap: { gt: 0 }, probability: { gt: 0.05 } },
        orderBy: { expectedValueMinor: "desc" },
      });
      showcase = String(pick.customerId);
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 900_000);
afterAll(async () => {
  await admin?.close();
});

/** Members → search for the id (the list matches a customer id exactly) → their page. */
const openMember = async (id: string) => {
  const { frame } = admin;
  await admin.openNav("Members");
  await frame.getByRole("heading", { name: "Members", level: 1 }).waitFor();
  await frame.getByRole("button", { name: "Search and filter results" }).click();
  await frame.getByPlaceholder("Search by name or email").fill(id);
  await expect
    .poll(async () => frame.locator("tbody tr [data-primary-link]").count(), { timeout: 30_000 })
    .toBe(1);
  await frame.locator("tbody tr [data-primary-link]").first().click();
  await frame.getByRole("heading", { name: "Recommended reward", level: 2 }).waitFor();
};

describe("the member page's recommended reward", () => {
  it("shows the reward, the chance to redeem, the expected value, the points gap and why", async () => {
    const { page, frame } = admin;
    await openMember(showcase);
    await frame.getByText("Model", { exact: true }).waitFor();
    expect(await frame.locator("[data-recommended-reward]").innerText()).toMatch(/^\$\d+ off$/);
    expect(await frame.locator('[data-kpi="Chance to redeem, 90 days"]').innerText()).toMatch(/^\d+%$/);
    expect(await frame.locator('[data-kpi="Expected value"]').innerText()).toMatch(/^-?\$[\d,.]+$/);
    expect(await frame.locator('[data-kpi="Points gap"]').innerText()).toMatch(/to go$/);
    await frame.getByRole("heading", { name: "Why", level: 3 }).first().waitFor();
    await frame.getByRole("heading", { name: "Recommended reward", level: 2 }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SCREENSHOTS}/member-recommended-reward.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("labels the affordability rule and says why the model is not in use", async () => {
    const { db, page, frame } = admin;
    const reason =
      "not enough redemptions yet: the reward model learns from at least 20 redemptions in a 90-day window; there are 3";
    const run = await db.rewardRecommendationRun.create({
      data: {
        shop: SHOP,
        trigger: "schedule",
        status: "computed",
        method: "affordability",
        reason,
        computedAt: new Date(),
      },
    });
    await db.memberRewardRecommendation.update({
      where: { shop_customerId: { shop: SHOP, customerId: BigInt(showcase) } },
      data: {
        runId: run.id,
        method: "affordability",
        probability: null,
        expectedValueMinor: null,
        drivers: [],
      },
    });
    await openMember(showcase);
    await frame.getByText("Rule: affordability").waitFor();
    await frame.getByText(/there are 3/).waitFor();
    expect(await frame.locator('[data-kpi="Chance to redeem, 90 days"]').innerText()).toBe("—");
    await frame.getByRole("heading", { name: "Recommended reward", level: 2 }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/member-recommended-reward-rule.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);
});
