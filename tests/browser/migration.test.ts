import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { demoProgram } from "../../simulator/history";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A merchant moving from Smile: the export goes in through the migration page, which
// recognises it, lists the row it cannot import and runs a dry run that writes nothing.

const SHOP = "migration-browser.myshopify.com";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "UTC" },
    async (db) => {
      await db.customer.createMany({
        data: ["ana@example.com", "ben@example.com", "chloe@example.com"].map((email, i) => ({
          shop: SHOP,
          id: BigInt(i + 1),
          email,
        })),
      });
      await saveProgram(db, SHOP, demoProgram("USD"), { basedOn: 1, note: "Launch" });
    },
  );
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the migration page", () => {
  it("recognises a Smile export, shows its row error and dry-runs it without writing", async () => {
    const { frame, page, openNav, db } = admin;
    const file = join(tmpdir(), "smile-customers-export.csv");
    const smile = readFileSync(
      new URL("../../app/migration/fixtures/smile-customers.csv", import.meta.url),
      "utf8",
    );
    writeFileSync(file, `${smile}304169231,Dan,Ito,dan@example.com,member,,90,,,2025-03-03T10:00:00.000Z\n`);

    await openNav("Migrate from another app");
    await frame.getByRole("heading", { name: "Migrate from another loyalty app", level: 1 }).waitFor();
    await frame.locator('input[type="file"]').setInputFiles(file);
    await frame.getByText("Detected: Smile.io").waitFor();
    await frame.getByText("Row 5: No customer of the shop has the email dan@example.com.").waitFor();
    await frame.getByRole("button", { name: "Run a dry run" }).click();
    await frame.getByText("Dry run: nothing was written.").waitFor();
    expect(await db.ledgerEntry.count({ where: { shop: SHOP } })).toBe(0);
    expect(await frame.getByRole("button", { name: "Import 3 members" }).count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/migration-preview.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });
});
