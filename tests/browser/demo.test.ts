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
// history credited to the ledger), then the dashboard and the status page in the
// emulator's admin frame. The app runs as the demo runs it: the production build behind
// server.js, so the first visit renders without Vite re-optimising a dependency mid-page.

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

/** All revenue of the last 30 days in the shop's zone, computed in JS from the mirror's rows. */
async function revenueLast30Days(db: EmbeddedAdmin["db"], shop: string, timeZone: string) {
  const day = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(d);
  const today = day(new Date());
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  const orders = await db.order.findMany({ where: { shop } });
  const refunds = await db.refund.findMany({ where: { shop } });
  let minor = 0;
  for (const o of orders) {
    const placed = o.shopifyCreatedAt ?? o.processedAt;
    if (!placed || o.cancelledAt || o.test) continue;
    if (!["paid", "partially_refunded", "refunded"].includes(o.financialStatus ?? "")) continue;
    if (day(placed) < from || day(placed) > today) continue;
    minor += Number(o.totalMinor);
    for (const r of refunds) if (r.orderId === o.id) minor -= Number(r.totalMinor);
  }
  return minor;
}

describe("the demo's dashboard", () => {
  it("renders the first visit without a script error", () => {
    // startEmbeddedAdmin waited for the dashboard's heading on the very first load.
    expect(admin.pageErrors).toEqual([]);
  });

  it("shows the imported shop's revenue, members and points liability", async () => {
    const { frame, page, db } = admin;
    expect(pointsCredited).toBeGreaterThan(0n);
    const kpi = (label: string) => frame.locator(`[data-kpi="${label}"]`).innerText();
    const snapshot = await db.loyaltyStatsSnapshot.findUniqueOrThrow({
      where: { shop: generated.shop.domain },
    });
    expect(snapshot.members).toBe(generated.customerInputs.length);
    await frame
      .getByText(`of ${count.format(generated.customerInputs.length)} members`)
      .first()
      .waitFor();
    const total = await revenueLast30Days(db, generated.shop.domain, generated.shop.ianaTimezone!);
    expect(total).toBeGreaterThan(0);
    const money = new Intl.NumberFormat("en-US", { style: "currency", currency: generated.params.currency });
    expect(await frame.getByText(`Of ${money.format(total / 100)} from all orders`).count()).toBe(1);
    // The import credited the history: its orders were placed in the program.
    expect(await kpi("Revenue from members")).not.toBe("$0.00");
    expect(await kpi("Active members")).not.toBe("0");
    expect(await kpi("Points liability")).toMatch(/^\$[\d,]+\.\d\d$/);
    expect(await frame.locator('[data-comparison="Average order value:members"]').innerText()).toMatch(
      /^\$[\d,]+\.\d\d$/,
    );
    // The charts draw in the browser after hydration.
    await frame.getByTestId("revenue-chart").locator("svg").first().waitFor();
    await frame.getByTestId("liability-chart").locator("svg").first().waitFor();
    await page.setViewportSize({ width: 1440, height: 2600 });
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: `${SCREENSHOTS}/demo-dashboard.png` });
    expect(admin.pageErrors).toEqual([]);
  });

  it("changes period from the period buttons, in the shop's zone", async () => {
    const { frame } = admin;
    await frame.getByRole("link", { name: "90 days" }).click();
    await frame.getByTestId("period-range").filter({ hasText: /–/ }).waitFor();
    await expect
      .poll(() => frame.locator("[data-previous='Revenue from members']").innerText())
      .toContain("previous 90 days");
  });

  it("puts the finished import on the status page, with its figures and nothing to click", async () => {
    const { frame, page } = admin;
    await admin.openNav("Status");
    await frame.getByRole("heading", { name: "Status", level: 1 }).waitFor();
    await frame.getByText(/The shop's history is imported: finished/).waitFor();
    expect(await frame.locator('[data-backfill-count="Orders"]').innerText()).toBe(
      count.format(await admin.db.order.count({ where: { shop: generated.shop.domain } })),
    );
    expect(await frame.getByRole("button", { name: /import/i }).count()).toBe(0);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/demo-status.png` });
    expect(admin.pageErrors).toEqual([]);
  });
});
