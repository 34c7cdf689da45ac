import { mkdirSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackfill } from "../../app/backfill/run.server";
import { computeSegments, startSegmentRun } from "../../app/intelligence/segments/compute.server";
import { emulatorGraphql } from "../support/loyalty-world.server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { loadShopIntoStore } from "../../simulator/history";
import { createHistoryRun, prepareShop } from "../../simulator/history-app.server";
import { generateShop } from "../../simulator/shop";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// Insights › Segments on a demo-like shop: a generated shop imported by the app's real
// backfill, its segments computed as the worker computes them, then the page in the
// emulator's admin frame; Recompute queues a run whose progress the page follows.

const SCREENSHOTS = process.env.SEGMENTS_SHOTS ?? "test-results/screenshots";
const NOW = new Date();
const generated = generateShop({
  seed: 11,
  customers: 1_000,
  historyMonths: 6,
  historyEnd: `${NOW.toISOString().slice(0, 10)}T00:00:00Z`,
  domain: "demo-segments.myshopify.com",
});
const SHOP = generated.shop.domain;

let admin: EmbeddedAdmin;

async function compute(db: EmbeddedAdmin["db"]) {
  const { id } = await startSegmentRun(db, SHOP, new Date());
  await computeSegments(db, id, { now: new Date() });
}

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    {
      domain: SHOP,
      name: generated.shop.name!,
      currencyCode: generated.params.currency,
      ianaTimezone: generated.shop.ianaTimezone!,
    },
    async (db, { databaseUrl }) => {
      const source = await startTestEmulator();
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      try {
        loadShopIntoStore(source.store, generated);
        const token = await installApp(source, SHOP);
        await prepareShop(db, generated);
        const run = await createHistoryRun(db, SHOP);
        await runBackfill(run.id, {
          db,
          pool,
          graphql: emulatorGraphql(source, token),
          poll: { intervalMs: 20, maxIntervalMs: 100 },
        });
        await compute(db);
      } finally {
        await pool.end();
        await source.close();
      }
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await admin?.close();
});

describe("Insights › Segments", () => {
  it("shows the segments, the RFM grid and the personas, and follows a recomputation", async () => {
    const { frame, page, db } = admin;
    await admin.openNav("Segments");
    await frame.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
    const members = await db.memberSegment.count({ where: { shop: SHOP } });
    expect(members).toBeGreaterThan(100);
    await frame.locator('[data-segment="champions"]').waitFor();
    const cells = await frame.locator("[data-rfm-cell]").allInnerTexts();
    expect(cells.reduce((s, c) => s + Number(c.replaceAll(",", "")), 0)).toBe(members);
    expect(await frame.locator("[data-persona]").count()).toBeGreaterThanOrEqual(2);
    await frame.getByTestId("segment-chart").locator("svg").first().waitFor();
    // The admin frame fills the window: a tall window shows the whole page at once.
    await page.setViewportSize({ width: 1440, height: 2600 });
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: `${SCREENSHOTS}/segments.png`, fullPage: true });

    await frame.getByRole("button", { name: "Recompute" }).click();
    await frame.getByText("Computing segments… 0%").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/segments-recomputing.png`, fullPage: true });
    // The analytics worker's part, run here: the page's polling picks up the finished run.
    const run = await db.segmentRun.findFirstOrThrow({ where: { shop: SHOP, status: "running" } });
    await computeSegments(db, run.id, { now: new Date() });
    await frame.getByText("Computing segments").waitFor({ state: "detached", timeout: 15_000 });
    await frame.getByText("no change").first().waitFor();
    await page.waitForTimeout(1_500); // the chart's bars animate to their new heights
    await page.screenshot({ path: `${SCREENSHOTS}/segments-recomputed.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });

  it("counts the members matching the builder's conditions as they change", async () => {
    const { frame, page, db } = admin;
    const total = await db.member.count({ where: { shop: SHOP, status: { not: "deleted" } } });
    const audience = frame.locator("[data-audience-count]");
    await expect
      .poll(() => audience.innerText(), { timeout: 10_000 })
      .toBe(`${total.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} members match`);
    await frame.getByRole("checkbox", { name: "Champions" }).check();
    await frame.getByRole("checkbox", { name: "Can't lose" }).check();
    const wanted = await db.memberSegment.count({
      where: { shop: SHOP, segment: { in: ["champions", "cant_lose"] } },
    });
    await expect.poll(() => audience.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`^${wanted} of `));
    await frame.getByLabel("Points at least").fill("100");
    const rich = await db.$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS n FROM "MemberSegment" s JOIN "Member" m USING ("shop", "customerId")
      WHERE s."shop" = ${SHOP} AND s."segment" IN ('champions', 'cant_lose') AND m."availablePoints" >= 100`;
    await expect
      .poll(() => audience.innerText(), { timeout: 10_000 })
      .toMatch(new RegExp(`^${Number(rich[0]!.n)} of `));
    await frame.locator("[data-audience-count]").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/segment-builder.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });
});
