import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { demoProgram } from "../../simulator/history";
import { seedMeasuredCampaign } from "../support/campaign-report-world.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A measured campaign's report: the messages and outcomes per arm (holdout and two
// variants), the engagement chart and the experiments' decision and cumulative lift.

const SHOP = "campaign-report-browser.myshopify.com";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      await saveProgram(db, SHOP, demoProgram("USD"), { basedOn: 1, note: "Launch" });
      await seedMeasuredCampaign(db, SHOP, "Win-back");
      await db.campaign.create({
        data: {
          shop: SHOP,
          name: "Reward unlocked",
          kind: "trigger",
          trigger: "rewardUnlocked",
          subject: "{firstName}, {nearestReward} is yours",
          body: "You have {balance} points. Treat yourself: https://harbor.example/rewards",
          enabled: true,
          enabledAt: new Date("2026-12-01T00:00:00Z"),
        },
      });
    },
  );
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the campaign report", () => {
  it("shows the funnel, the outcomes against the holdout and the charts", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Campaigns");
    await frame
      .getByRole("button", { name: "Report" })
      .or(frame.getByRole("link", { name: "Report" }))
      .first()
      .click();
    await frame.getByRole("heading", { name: "Win-back", level: 1 }).waitFor();
    await frame.getByRole("heading", { name: "Messages" }).waitFor();
    await frame.getByText("Holdout (no message)").first().waitFor();
    // Dated: the stored aggregate the whole page reads (one aggregation per view).
    await frame.getByText(/^Figures as of .+, recomputed every 5 minutes\.$/).waitFor();
    // Each arm's channel, and who its channel could not reach (the seeded arms are all email).
    await frame.getByRole("columnheader", { name: "Channel" }).waitFor();
    await frame.getByRole("columnheader", { name: "Not reachable" }).waitFor();
    expect(await frame.getByRole("cell", { name: "Email", exact: true }).count()).toBeGreaterThanOrEqual(2);
    await frame.getByRole("heading", { name: "Decision" }).waitFor();
    await frame
      .getByTestId("engagement-chart")
      .locator("svg")
      .first()
      .waitFor({ state: "attached", timeout: 30_000 });
    await frame
      .getByTestId("lift-chart")
      .locator("svg")
      .first()
      .waitFor({ state: "attached", timeout: 30_000 });
    await page.waitForTimeout(2_000);
    await page.screenshot({ path: `${SHOTS}/campaign-report.png`, fullPage: true });
    await frame.getByRole("heading", { name: "Decision" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/campaign-report-analysis.png` });
    expect(admin.pageErrors).toEqual([]);
  });

  it("starts a test from the editor: a 422 put on its field, then the holdout, an email and an SMS variant", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Campaigns");
    await frame
      .getByRole("row", { name: /Reward unlocked/ })
      .getByRole("button", { name: "Edit" })
      .click();
    await frame.getByRole("heading", { name: "Measure against control" }).waitFor();
    await frame.getByRole("button", { name: "Set up a test" }).click();
    await frame.getByRole("button", { name: "Start the test" }).click();
    await frame.getByText("The holdout and the variants make 55%, not 100%.").waitFor();
    await frame.getByLabel("Name", { exact: true }).nth(2).fill("By text");
    // Variant B on SMS: its subject and message give way to the SMS text, counted in segments.
    await frame.getByLabel("Channel", { exact: true }).last().selectOption("sms");
    await frame
      .getByLabel("SMS text", { exact: true })
      .last()
      .fill("Last chance, {firstName}: {nearestReward} waits for you.");
    await frame
      .getByText(/^\d+ characters · 1 segment \(GSM-7\)$/)
      .last()
      .waitFor();
    await frame.getByLabel("Bonus points (optional)").nth(1).fill("50");
    await frame.getByLabel("SMS text", { exact: true }).last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/campaign-test-form-sms.png` });
    await frame.getByRole("button", { name: "Start the test" }).click();
    await frame.getByText("The test runs from the next message.").waitFor();
    await frame
      .getByRole("row", { name: /Reward unlocked/ })
      .getByRole("link", { name: "Report" })
      .waitFor();
    await frame.getByRole("heading", { name: "Measure against control" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/campaign-test-form.png` });
    expect(admin.pageErrors).toEqual([]);
  });
});
