import { mkdirSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackfill } from "../../app/backfill/run.server";
import { emulatorGraphql } from "../support/loyalty-world.server";
import { refreshLoyaltyStats } from "../../app/stats/refresh.server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { loadShopIntoStore } from "../../simulator/history";
import { createHistoryRun, prepareShop } from "../../simulator/history-app.server";
import { generateShop } from "../../simulator/shop";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// What `npm run demo` shows, in Chromium: a generated shop imported by the app's real
// backfill (bulk operations against an emulator holding the shop, JSONL into the mirror,
// history credited to the ledger), then the dashboard in the emulator's admin frame.

const SCREENSHOTS = "test-results/screenshots";
const NOW = new Date();
const generated = generateShop({
  seed: 7,
  customers: 1_200,
  historyMonths: 4,
  historyEnd: `${NOW.toISOString().slice(0, 10)}T00:00:00Z`,
  domain: "demo-loyalty.myshopify.com",
});
const count = new Intl.NumberFormat("en-US");

let admin: EmbeddedAdmin;
let pointsCredited = 0n;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    {
      domain: generated.shop.domain,
      name: generated.shop.name!,
      currencyCode: generated.params.currency,
      ianaTimezone: generated.shop.ianaTimezone!,
    },
    async (db, { databaseUrl }) => {
      // The history import, as the demo's worker runs it, before the admin first loads.
      const source = await startTestEmulator();
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      try {
        loadShopIntoStore(source.store, generated);
        const token = await installApp(source, generated.shop.domain);
        await prepareShop(db, generated);
        const run = await createHistoryRun(db, generated.shop.domain);
        const done = await runBackfill(run.id, {
          db,
          pool,
          graphql: emulatorGraphql(source, token),
          poll: { intervalMs: 20, maxIntervalMs: 100 },
        });
        pointsCredited = done.pointsCredited;
        await refreshLoyaltyStats(db, generated.shop.domain, { now: NOW, full: true });
      } finally {
        await pool.end();
        await source.close();
      }
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await admin?.close();
});

describe("the demo's dashboard", () => {
  it("shows the imported shop's members and points", async () => {
    const { frame, page, db } = admin;
    expect(pointsCredited).toBeGreaterThan(0n);
    const kpi = (label: string) => frame.locator(`[data-kpi="${label}"]`).innerText();
    expect(await kpi("Members")).toBe(count.format(generated.customerInputs.length));
    const issued = Number((await kpi("Points issued")).replaceAll(",", ""));
    expect(issued).toBeGreaterThan(0);
    const snapshot = await db.loyaltyStatsSnapshot.findUniqueOrThrow({
      where: { shop: generated.shop.domain },
    });
    expect(snapshot.members).toBe(generated.customerInputs.length);
    expect(await kpi("Outstanding liability")).toMatch(/^\$[\d,]+\.\d\d$/);
    // The chart draws in the browser after hydration; the import bar animates to 100%.
    await frame.getByTestId("points-chart").locator("svg").first().waitFor();
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: `${SCREENSHOTS}/demo-dashboard.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });
});
