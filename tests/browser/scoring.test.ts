import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorSimulatorShop } from "../../app/intelligence/clv/mirror-testing.server";
import { runScoring } from "../../app/intelligence/scoring/run.server";
import { currentProgramVersion, saveProgram } from "../../app/loyalty/services/program.server";
import { demoProgram } from "../../simulator/history";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The scoring page as a merchant meets it: a 1,500-customer simulator shop scored in full
// (each stage's outcome), and a scoring on its way (the bar across the stages).

const SHOP = "scoring-browser.myshopify.com";
const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Field & Harbor Goods", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const { end } = await mirrorSimulatorShop(db, SHOP, { seed: 7, customers: 1_500 });
      await db.shop.update({ where: { domain: SHOP }, data: { name: "Field & Harbor Goods" } });
      const customers = await db.customer.findMany({ where: { shop: SHOP }, select: { id: true } });
      await db.member.createMany({ data: customers.map((c) => ({ shop: SHOP, customerId: c.id })) });
      // The demo's program, so the reward stage has rewards to recommend.
      const { version } = await currentProgramVersion(db, SHOP);
      await saveProgram(db, SHOP, demoProgram("USD"), { basedOn: version, createdBy: "test", note: "test" });
      const run = await db.scoringRun.create({ data: { shop: SHOP, trigger: "schedule" } });
      if ((await runScoring(db, run.id, { now: end })).status !== "completed") throw new Error("scoring");
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);
afterAll(async () => {
  await admin?.close();
});

describe("the scoring page", () => {
  it("shows when the shop was scored and each stage's outcome", async () => {
    const { page, frame } = admin;
    await admin.openNav("Scoring");
    await frame.getByRole("heading", { name: "Scoring", level: 1 }).waitFor();
    await frame.getByText(/^Scored /).waitFor();
    expect(await frame.getByText("Updated").count()).toBe(4);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/scoring.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("follows a scoring on its way with one bar across the stages", async () => {
    const { db, page, frame } = admin;
    await db.scoringRun.create({
      data: {
        shop: SHOP,
        trigger: "merchant",
        status: "running",
        stage: "Lifetime value",
        progress: 0.42,
        stages: [
          {
            key: "segments",
            label: "Segments and clusters",
            status: "done",
            detail: "1,500 members, 1,277 buyers",
            seconds: 2.4,
          },
          { key: "lifetimeValue", label: "Lifetime value", status: "running" },
          { key: "churn", label: "Churn risk", status: "pending" },
        ],
      },
    });
    await admin.openNav("Scoring");
    await frame.getByText("Lifetime value…").waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/scoring-running.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);
});
