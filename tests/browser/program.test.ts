import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { refreshLoyaltyStats } from "../../app/stats/refresh.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The loyalty admin as a merchant uses it: the dashboard's loyalty figures, editing the
// program with its live preview and validation, the members list and one member's page
// with a manual adjustment. Real app, emulator, database and Chromium; nothing mocked.

const SHOP = "program-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
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
              { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5 } },
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
    expect(await frame.getByText("Members who ordered, of 2 members").count()).toBe(1);
    expect(await frame.getByText("0 of 500 points issued were redeemed").count()).toBe(1);
    // 550 outstanding points at $5 per 500 points.
    expect(await kpi("Points liability")).toBe("$5.50");
    await frame
      .getByTestId("liability-chart")
      .locator("svg")
      .first()
      .waitFor({ state: "attached", timeout: 30_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-loyalty.png`, fullPage: true });
  });

  it("edits the earn rate with a live preview, refuses a bad value inline, and saves a new version", async () => {
    const { frame, page, openNav, db } = admin;
    await openNav("Program");
    await frame.getByRole("heading", { name: "Program", level: 1 }).waitFor();
    const preview = frame.getByTestId("earning-preview");
    expect(await preview.innerText()).toBe("An order of $80.00 earns 80 points.");
    expect(await frame.getByText("An order of $80.00 earns 120 points for Gold members.").count()).toBe(1);

    const rate = frame.getByLabel("Points per USD spent");
    await rate.fill("2");
    await expect.poll(() => preview.innerText()).toBe("An order of $80.00 earns 160 points.");
    expect(await frame.getByText("An order of $80.00 earns 240 points for Gold members.").count()).toBe(1);

    // A value the schema refuses: the server answers 422 and the field says why.
    await frame.getByLabel("Signing up").fill("1.5");
    await frame.getByRole("button", { name: "Save" }).click();
    // The live preview may say the same thing; the field's own error is the exact text.
    await frame.getByText("Points are whole numbers.", { exact: true }).waitFor();
    expect(await db.programVersion.count({ where: { shop: SHOP } })).toBe(2);

    await frame.getByLabel("Signing up").fill("50");
    await frame.getByLabel("What changed (optional)").fill("Double points");
    await frame.getByRole("button", { name: "Save" }).click();
    await frame.getByText("Version 3 (current)").waitFor();
    await page.locator("#toasts").getByText("Program saved as version 3").waitFor();
    const saved = await db.programVersion.findUniqueOrThrow({
      where: { shop_version: { shop: SHOP, version: 3 } },
    });
    expect(saved).toMatchObject({ note: "Double points" });
    expect(
      (saved.config as { earning: { pointsPerCurrencyUnit: number } }).earning.pointsPerCurrencyUnit,
    ).toBe(2);
    await page.screenshot({ path: `${SCREENSHOTS}/program.png`, fullPage: true });
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
