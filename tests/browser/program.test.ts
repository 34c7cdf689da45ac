import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { refreshLoyaltyStats } from "../../app/stats/refresh.server";
import { automaticDiscountsOf } from "../../emulator/graphql/discount-automatic";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The loyalty admin as a merchant uses it: the dashboard's loyalty figures, the program's
// earning page with its live preview, cost and validation (and the confirmation a costlier
// change asks for), the rewards catalogue with the resource picker, the tiers overview with
// the perks made live, the members list and one member's page with a manual adjustment.
// Real app, emulator, database and Chromium; nothing mocked.

const SHOP = "program-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
const DAY_MS = 86_400_000;

/** Orders over the last months (for the order-value distribution and spend per tier), a used reward code and tier moves. */
async function seedSales(db: EmbeddedAdmin["db"], now: Date) {
  const subtotals = [2400, 3500, 4200, 5600, 6100, 7800, 9200, 12500, 18000, 26000];
  await db.order.createMany({
    data: subtotals.map((subtotal, i) => ({
      shop: SHOP,
      id: BigInt(5001 + i),
      customerId: BigInt((i % 2) + 1),
      name: `#${5001 + i}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(subtotal),
      totalMinor: BigInt(subtotal + 600),
      totalShippingMinor: 600n,
      totalDiscountsMinor: i === 3 ? 500n : 0n,
      processedAt: new Date(now.getTime() - i * 9 * DAY_MS),
    })),
  });
  await db.redemption.create({
    data: {
      shop: SHOP,
      customerId: 1n,
      rewardId: "five",
      reward: { value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } } },
      pointsCost: 500,
      programVersion: 2,
      experimentVariants: [],
      status: "used",
      usedAt: new Date(now.getTime() - 27 * DAY_MS),
      usedOrderId: 5004n,
      createdAt: new Date(now.getTime() - 30 * DAY_MS),
    },
  });
  const moves = [
    [1n, "upgrade", 150],
    [2n, "upgrade", 120],
    [2n, "downgrade", 80],
    [1n, "upgrade", 40],
    [2n, "upgrade", 10],
  ] as const;
  await db.loyaltyEvent.createMany({
    data: moves.map(([customerId, change, daysAgo], i) => ({
      shop: SHOP,
      customerId,
      type: "tierChanged",
      key: `seed-move-${i}`,
      payload: { change },
      occurredAt: new Date(now.getTime() - daysAgo * DAY_MS),
    })),
  });
}
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "UTC" },
    async (db) => {
      await db.customer.createMany({
        data: [
          { shop: SHOP, id: 1n, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" },
          { shop: SHOP, id: 2n, firstName: "Grace", lastName: "Hopper", email: "grace@example.com" },
        ],
      });
      const now = new Date();
      await db.member.createMany({
        data: [
          {
            shop: SHOP,
            customerId: 1n,
            availablePoints: 400,
            lifetimePoints: 400,
            enrolledAt: now,
            tierId: "gold",
            tierValue: 60_000n,
          },
          {
            shop: SHOP,
            customerId: 2n,
            availablePoints: 100,
            pendingPoints: 50,
            lifetimePoints: 150,
            enrolledAt: now,
          },
        ],
      });
      const entry = (customerId: bigint, key: string, points: number) => ({
        shop: SHOP,
        customerId,
        key,
        kind: "bonus" as const,
        points,
        bucket: "available" as const,
        occurredAt: now,
        programVersion: 1,
      });
      await db.ledgerEntry.createMany({ data: [entry(1n, "a", 400), entry(2n, "b", 100)] });
      await saveProgram(
        db,
        SHOP,
        {
          currency: "USD",
          tiers: {
            basis: "spend",
            levels: [
              { id: "silver", name: "Silver", threshold: 0 },
              {
                id: "gold",
                name: "Gold",
                threshold: 50_000,
                benefits: { earnMultiplier: 1.5, perkPercent: 10 },
              },
            ],
          },
          rewards: [
            {
              id: "five",
              name: "$5 off",
              value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
              pointsCost: 500,
            },
          ],
        },
        { basedOn: 1, note: "Launch" },
      );
      await seedSales(db, now);
      await refreshLoyaltyStats(db, SHOP, { now, full: true });
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the loyalty admin", () => {
  it("shows the program's figures on the dashboard, with liability valued by the best reward", async () => {
    const { frame, page } = admin;
    const kpi = (label: string) => frame.locator(`[data-kpi="${label}"]`).innerText();
    expect(await kpi("Members")).toBe("2");
    expect(await kpi("Points issued")).toBe("500");
    // 550 outstanding points at $5 per 500 points.
    expect(await kpi("Outstanding liability")).toBe("$5.50");
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-loyalty.png`, fullPage: true });
    await frame
      .getByTestId("points-chart")
      .locator("svg")
      .first()
      .waitFor({ state: "attached", timeout: 30_000 });
  });

  it("edits the earn rate with its preview and cost, refuses a bad value, and confirms a costlier change", async () => {
    const { frame, page, openNav, db } = admin;
    await openNav("Program");
    await frame.getByRole("heading", { name: "Program", level: 1 }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/program-overview.png`, fullPage: true });
    await frame.getByRole("link", { name: "Edit earning" }).click();
    await frame.getByRole("heading", { name: "Earning", level: 1 }).waitFor();
    const preview = frame.getByTestId("earning-preview");
    expect(await preview.innerText()).toBe("An order of $80.00 earns 80 points.");
    expect(await frame.getByText("An order of $80.00 earns 120 points for Gold members.").count()).toBe(1);
    // $5 for 500 points: a point is worth 1¢, so 1 point per $1 gives 1% back.
    const cost = frame.getByTestId("cost-per-100");
    expect(await cost.innerText()).toMatch(/Reward cost per \$100 of member sales\s+\$1\.\d\d/);
    expect(await frame.getByTestId("percent-back").innerText()).toContain("Typical order (median)");

    const rate = frame.getByLabel("Points per USD spent");
    await rate.fill("2");
    await expect.poll(() => preview.innerText()).toBe("An order of $80.00 earns 160 points.");
    await expect.poll(() => cost.innerText()).toMatch(/was \$1\.\d\d \(\+100%\)/);

    // A value the schema refuses: the server answers 422 and the field says why.
    await frame.getByLabel("Signing up").fill("1.5");
    await frame.getByRole("button", { name: "Save" }).click();
    await frame.getByText("Points are whole numbers.", { exact: true }).first().waitFor();
    expect(await db.programVersion.count({ where: { shop: SHOP } })).toBe(2);

    await frame.getByLabel("Signing up").fill("50");
    await frame.getByLabel("What changed (optional)").fill("Double points");
    await frame.getByRole("button", { name: "Save" }).click();
    // Doubling the earn rate doubles the reward cost: the save asks first and offers an experiment.
    const dialog = frame.getByRole("dialog", { name: "This change makes rewards costlier" });
    await dialog.waitFor();
    expect(await dialog.getByTestId("cost-confirmation").innerText()).toMatch(/\(\+100%\)/);
    const experiment = await dialog
      .getByRole("link", { name: "Test it as an experiment" })
      .getAttribute("href");
    expect(experiment).toMatch(/^\/app\/experiments\/new\?lever=earnRate&treatment=/);
    await page.screenshot({ path: `${SCREENSHOTS}/program-cost-confirmation.png` });
    await dialog.getByRole("button", { name: "Keep editing" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.screenshot({ path: `${SCREENSHOTS}/program-earning-cost.png` });
    expect(await db.programVersion.count({ where: { shop: SHOP } })).toBe(2);

    await frame.getByRole("button", { name: "Save" }).click();
    await dialog.getByRole("button", { name: "Save anyway" }).click();
    await page.locator("#toasts").getByText("Program saved as version 3").waitFor();
    const saved = await db.programVersion.findUniqueOrThrow({
      where: { shop_version: { shop: SHOP, version: 3 } },
    });
    expect(saved).toMatchObject({ note: "Double points" });
    expect(
      (saved.config as { earning: { pointsPerCurrencyUnit: number } }).earning.pointsPerCurrencyUnit,
    ).toBe(2);
  });

  it("lists rewards with their use, picks a free product with the resource picker, and refuses a duplicate", async () => {
    const { frame, page, openNav, db, emulator } = admin;
    emulator.store.addProducts(SHOP, [
      {
        id: 77,
        title: "Harbor mug",
        productType: "Kitchen",
        variants: [
          { id: 771, title: "Blue", sku: "MUG-B", price: "18.00" },
          { id: 772, title: "Sand", sku: "MUG-S", price: "18.00" },
        ],
      },
      { id: 78, title: "Pour-over kettle", variants: [{ id: 781, title: "Default Title", price: "64.00" }] },
    ]);
    // The app's mirror of the product (the backfill and product webhooks keep it) names it in the catalogue.
    await db.product.create({ data: { shop: SHOP, id: 77n, title: "Harbor mug" } });
    await openNav("Rewards");
    await frame.getByRole("heading", { name: "Rewards", level: 1 }).waitFor();
    const five = frame.getByRole("row").filter({ hasText: "$5 off" });
    expect(await five.innerText()).toMatch(/500 points\s+1\s+500\s+\$5\.00 \(1 used\)/);

    await frame.getByRole("button", { name: "Add reward" }).click();
    await frame.getByLabel("Name").fill("Free mug");
    await frame.getByLabel("Reward", { exact: true }).selectOption("freeProduct");
    await frame.getByRole("button", { name: "Choose product variant for Free product" }).click();
    const picker = page.getByTestId("resource-picker");
    await picker.getByRole("searchbox").fill("mug");
    await picker.getByText("Harbor mug - Sand").waitFor();
    await expect.poll(() => picker.getByText("Pour-over kettle").count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/rewards-picker-open.png` });
    await picker.getByText("Harbor mug - Sand").click();
    await picker.getByRole("button", { name: "Select" }).click();
    await frame.getByText("Harbor mug - Sand").first().waitFor();
    await frame.getByLabel("Cost").fill("1500");
    await frame.getByRole("button", { name: "Save reward" }).click();
    await page.locator("#toasts").getByText("Program saved as version 4").waitFor();
    const saved = await db.programVersion.findUniqueOrThrow({
      where: { shop_version: { shop: SHOP, version: 4 } },
    });
    expect((saved.config as { rewards: Array<{ value: unknown }> }).rewards[1]!.value).toEqual({
      kind: "freeProduct",
      productId: "gid://shopify/Product/77",
      variantId: "gid://shopify/ProductVariant/772",
    });

    await frame.getByRole("button", { name: "Add reward" }).click();
    await frame.getByLabel("Name").fill("$5 OFF");
    await frame.getByRole("button", { name: "Save reward" }).click();
    await frame.getByText("Another reward is already called “$5 OFF”.").first().waitFor();
    expect(await db.programVersion.count({ where: { shop: SHOP } })).toBe(4);
    await frame.getByRole("button", { name: "Cancel" }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/rewards-catalogue.png`, fullPage: true });
  });

  it("shows the tiers overview and makes the tier perks live from the tiers page", async () => {
    const { frame, page, openNav, emulator } = admin;
    await openNav("Tiers");
    await frame.getByRole("heading", { name: "Tiers", level: 1 }).waitFor();
    const overview = frame.getByTestId("tiers-overview");
    expect(await overview.getByRole("row").filter({ hasText: "Gold" }).innerText()).toMatch(
      /^Gold\s+1\s+50\.0%/,
    );
    await frame.getByTestId("perks-not-live").waitFor();
    await frame.getByTestId("tier-moves-chart").locator("svg").first().waitFor({ state: "attached" });
    await frame.getByTestId("tier-moves-chart").scrollIntoViewIfNeeded();
    // polaris-viz grows its bars in; let the animation finish before the picture.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${SCREENSHOTS}/tiers-overview.png` });
    await frame.getByRole("button", { name: "Update now" }).click();
    await frame.getByText("Tier perks are live at checkout").waitFor();
    expect(automaticDiscountsOf(emulator.store.requireShop(SHOP)).byId.size).toBe(1);
    await frame.getByRole("heading", { name: "Tiers", level: 1 }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/tiers-perks-live.png` });
  });

  it("chooses a collection for a points multiplier with the resource picker", async () => {
    const { frame, page, openNav, db, emulator } = admin;
    emulator.store.addCollections(SHOP, [{ id: 901, title: "Brewing gear", productIds: [78] }]);
    await openNav("Program");
    await frame.getByRole("link", { name: "Edit earning" }).click();
    await frame.getByRole("button", { name: "Add multiplier" }).click();
    await frame.getByLabel("Applies to").selectOption("collection");
    await frame.getByRole("button", { name: "Choose collection for Collection" }).click();
    const picker = page.getByTestId("resource-picker");
    await picker.getByText("Brewing gear").click();
    await picker.getByRole("button", { name: "Select" }).click();
    await frame.getByText("Brewing gear").waitFor();
    await frame.getByRole("button", { name: "Save" }).click();
    await page.locator("#toasts").getByText("Program saved as version 5").waitFor();
    const saved = await db.programVersion.findUniqueOrThrow({
      where: { shop_version: { shop: SHOP, version: 5 } },
    });
    expect((saved.config as { earning: { multipliers: unknown[] } }).earning.multipliers).toEqual([
      { target: "collection", value: "901", multiplier: 2 },
    ]);
  });

  it("lists and searches members, opens one and adjusts their points once", async () => {
    const { frame, page, openNav, db } = admin;
    await openNav("Members");
    await frame.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    expect(await frame.getByText("Ada Lovelace").count()).toBe(1);
    expect(await frame.getByText("Grace Hopper").count()).toBe(1);
    await frame.getByPlaceholder("Search by name or email").fill("grace");
    await expect.poll(() => frame.getByText("Ada Lovelace").count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/members.png`, fullPage: true });

    await frame.getByRole("link", { name: "Grace Hopper" }).click();
    await frame.getByRole("heading", { name: "Grace Hopper", level: 1 }).waitFor();
    expect(await frame.getByTestId("available-points").innerText()).toBe("100 points");
    expect(await frame.getByTestId("pending-points").innerText()).toBe("50 points");

    await frame.getByLabel("Points").fill("25");
    await frame.getByLabel("Reason").fill("Goodwill for a late delivery");
    await frame.getByRole("button", { name: "Apply adjustment" }).click();
    await frame.getByText("Balance updated: 125 points available.").waitFor();
    await expect.poll(() => frame.getByTestId("available-points").innerText()).toBe("125 points");
    expect(await frame.getByText("“Goodwill for a late delivery”", { exact: false }).count()).toBe(1);
    const entries = await db.ledgerEntry.findMany({
      where: { shop: SHOP, customerId: 2n, kind: "adjustment" },
    });
    expect(entries).toEqual([
      expect.objectContaining({ points: 25, reason: "Goodwill for a late delivery" }),
    ]);
    await page.screenshot({ path: `${SCREENSHOTS}/member.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });
});
