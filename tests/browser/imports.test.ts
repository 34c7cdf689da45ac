import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A merchant bringing their Judge.me reviews: the file is previewed with its bad row before
// anything is written, imported, listed with what could not be matched; the endpoint's
// secret is shown once.

const SHOP = "imports-browser.myshopify.com";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      await db.customer.createMany({
        data: [
          { shop: SHOP, id: 101n, email: "ana@example.com" },
          { shop: SHOP, id: 102n, email: "ben@example.com" },
        ],
      });
      await db.product.create({
        data: { shop: SHOP, id: 7001n, title: "Ceramic Mug", handle: "ceramic-mug" },
      });
    },
  );
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the reviews & engagement page", () => {
  it("previews a Judge.me export with its row error, imports it and lists the import", async () => {
    const { frame, page, openNav, db } = admin;
    const file = join(tmpdir(), "judgeme-reviews-export.csv");
    const judgeme = readFileSync(
      new URL("../../app/ingest/imports/fixtures/judgeme-reviews.csv", import.meta.url),
      "utf8",
    );
    writeFileSync(
      file,
      `${judgeme}Lost parcel,Never arrived,7,2024-03-09,web,ok,Dan Ito,dan@example.com,,wool-scarf,,,,,\n` +
        `Nice scarf,Warm,4,2024-03-10,web,ok,Dan Ito,dan@example.com,,wool-scarf,,,,,\n`,
    );

    await openNav("Reviews & engagement");
    await frame.getByRole("heading", { name: "Reviews & engagement", level: 1 }).waitFor();
    await frame.locator('input[type="file"]').setInputFiles(file);
    await frame.getByText("Preview of judgeme-reviews-export.csv").waitFor();
    await frame.getByText('Rating "7" is not a whole number from 1 to 5.').waitFor();
    expect(await db.productReview.count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/imports-preview.png`, fullPage: true });

    await frame.getByRole("button", { name: "Import 3 rows" }).click();
    await frame.getByText("Import finished").waitFor();
    await frame.getByText("3 reviews stored.", { exact: false }).waitFor();
    expect(await db.productReview.count({ where: { shop: SHOP } })).toBe(3);
    await frame.getByRole("button", { name: "Generate secret" }).click();
    await frame.getByText("Copy your secret now").waitFor();
    await page.screenshot({ path: `${SHOTS}/imports-done.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });
});
