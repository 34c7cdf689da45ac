import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { metafieldsOf } from "../../emulator/graphql/metafields";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The storefront widget's appearance editor as a merchant uses it: a colour that makes the
// launcher unreadable is refused as it is typed, a sound one reaches the live preview (the
// extension's own Liquid and script in a sandboxed frame), and Save writes the shop's
// $app.widget metafield that the theme reads. Real app, emulator, database and Chromium.

const SHOP = "widget-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "UTC" },
    async (db) => {
      await saveProgram(
        db,
        SHOP,
        {
          currency: "USD",
          earning: { pointsPerCurrencyUnit: 5, bonuses: { signup: 200, birthday: 300 } },
          tiers: {
            basis: "spend",
            levels: [
              { id: "bean", name: "Bean", threshold: 0 },
              {
                id: "roast",
                name: "Roast",
                threshold: 30_000,
                benefits: { perkPercent: 5, earnMultiplier: 1.5 },
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
            {
              id: "bag",
              name: "Free bag of beans",
              value: { kind: "freeProduct", productId: "1", variantId: "1" },
              pointsCost: 1500,
              minimumSubtotal: { amountMinor: 2000, currency: "USD" },
              perMemberLimit: 1,
            },
          ],
        },
        { basedOn: 1, note: "Launch" },
      );
    },
  );
}, 240_000);

afterAll(async () => {
  await admin?.close();
});

describe("the storefront widget editor", () => {
  it("checks contrast as it is typed, previews the draft and saves it to the shop's metafield", async () => {
    const { frame, page, openNav, emulator } = admin;
    await openNav("Storefront widget");
    await frame.getByRole("heading", { name: "Storefront widget", level: 1 }).waitFor();
    const preview = frame.frameLocator("#widget-preview");
    await preview.locator("[data-lw-program]").getByText("Tiers").waitFor();
    expect(await preview.getByText("5 points for every $1 spent").count()).toBe(1);

    const accent = frame.getByRole("textbox", { name: "Accent (launcher, header, buttons)", exact: true });
    await accent.fill("#ffee00");
    await frame.getByText(/Contrast 1\.\d:1 on the accent colour is too low/).waitFor();
    await accent.fill("#6b2d0f");
    await frame.getByRole("textbox", { name: "Launcher text", exact: true }).fill("Coffee club");
    await frame.getByLabel("Icon").selectOption("star");
    await expect.poll(() => preview.locator(".lw-launcher").innerText()).toBe("Coffee club");
    expect(await preview.locator(".lw-root").getAttribute("style")).toContain("--lw-accent: #6b2d0f");

    await frame.getByRole("tab", { name: "Member" }).click();
    await preview.getByText("Hi Mia!").waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/widget-editor-member.png` });
    await frame.getByRole("tab", { name: "Guest" }).click();
    await preview.locator("[data-lw-program]").getByText("Tiers").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/widget-editor.png` });

    await frame.getByRole("button", { name: "Save" }).click();
    const shop = emulator.store.requireShop(SHOP);
    await expect.poll(() => metafieldsOf(shop, shop.shop.id).length, { timeout: 15_000 }).toBe(1);
    expect(JSON.parse(metafieldsOf(shop, shop.shop.id)[0]!.value)).toMatchObject({
      accentColor: "#6b2d0f",
      launcherText: "Coffee club",
      launcherIcon: "star",
    });
    // The page reloads its data after the save: still the editor, now past its first save.
    await expect.poll(() => frame.getByText("The widget uses its default look").count()).toBe(0);
    expect(await frame.getByRole("heading", { name: "Storefront widget", level: 1 }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/widget-editor-saved.png` });
    expect(admin.pageErrors).toEqual([]);
  });
});
