import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBroadcast } from "../../app/campaigns/broadcasts.server";
import { EVERYONE, storedConditions } from "../../app/intelligence/segments/audience";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { demoProgram } from "../../simulator/history";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The broadcast flow: a saved segment as the audience with its live count, the message with
// its preview, a time in the past refused (422 in the page), a shop-local time accepted after
// the confirmation naming the count, the broadcast listed as scheduled, then cancelled.

const SHOP = "broadcasts-browser.myshopify.com";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      await saveProgram(db, SHOP, demoProgram("USD"), { basedOn: 1, note: "Launch" });
      for (const [id, points] of [
        [1n, 1200],
        [2n, 800],
        [3n, 40],
      ] as const)
        await db.member.create({ data: { shop: SHOP, customerId: id, availablePoints: points } });
      await db.savedSegment.create({
        data: {
          shop: SHOP,
          name: "Big balances",
          conditions: storedConditions({ ...EVERYONE, minPoints: 500 }),
        },
      });
    },
  );
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the broadcast flow", () => {
  it("counts the audience, refuses a past time, confirms with the count, schedules and cancels", async () => {
    const { frame, page, openNav, db } = admin;
    await openNav("Campaigns");
    await frame.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    // The new triggers are listed, not set up (off) until the merchant sets them up.
    await frame.getByText("Tier downgrade warning").first().waitFor();
    expect(await frame.getByRole("button", { name: "Set up" }).count()).toBe(9);

    await frame.getByRole("button", { name: "New broadcast" }).click();
    const flow = frame.locator("[data-broadcast-flow]");
    await flow.locator("[data-broadcast-count]", { hasText: "2 members" }).waitFor();
    await flow.getByLabel("Name").fill("Spring beans");
    await flow.getByLabel("Subject").fill("{firstName}, spring beans are in");
    await flow
      .getByLabel("Message")
      .fill("Hi {firstName},\n\nYou have {balance} points to spend on the new harvest.");
    await flow.getByText("Ana, spring beans are in").waitFor();
    await flow.getByText("At a date and time (America/New_York)").click();
    await flow.getByLabel("Date", { exact: true }).fill("2020-01-01");
    await flow.getByLabel("Time (America/New_York)", { exact: true }).fill("09:00");
    await frame.getByRole("button", { name: "Review and send" }).click();
    await frame.getByRole("button", { name: "Schedule to 2 members" }).click();
    await frame.getByText("That time has passed in the shop's time zone.").waitFor();
    expect(await db.broadcastRun.count()).toBe(0);

    const next = new Date().getUTCFullYear() + 1;
    await flow.getByLabel("Date", { exact: true }).fill(`${next}-03-14`);
    await frame.getByRole("button", { name: "Review and send" }).click();
    await frame.getByText(`goes to`).waitFor();
    await page.screenshot({ path: `${SHOTS}/broadcasts-confirm.png`, fullPage: true });
    await frame.getByRole("button", { name: "Schedule to 2 members" }).click();
    await frame.getByText(/^Broadcast scheduled for Mar 14, \d{4}, 9:00 AM EDT\.$/).waitFor();
    const run = await db.broadcastRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run).toMatchObject({
      status: "scheduled",
      audienceCount: 2,
      sendAt: new Date(`${next}-03-14T13:00:00Z`),
    });
    await frame.getByText("Spring beans", { exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}/broadcasts-scheduled.png`, fullPage: true });

    await frame.getByRole("button", { name: "Cancel" }).first().click();
    await frame.getByText("Cancelled", { exact: true }).waitFor();
    expect((await db.broadcastRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("cancelled");
    expect(admin.pageErrors).toEqual([]);
  });

  it("shows the builder and a form to compose when there is no saved segment chosen", async () => {
    const { frame, page } = admin;
    await frame.getByRole("button", { name: "New broadcast" }).click();
    const flow = frame.locator("[data-broadcast-flow]");
    await flow.getByText("Members matching conditions").click();
    await flow.locator("[data-broadcast-count]", { hasText: "3 members" }).waitFor();
    await flow.getByLabel("Points at least").fill("1000");
    await flow.locator("[data-broadcast-count]", { hasText: /^1 member$/ }).waitFor();
    await page.screenshot({ path: `${SHOTS}/broadcasts-builder.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });

  it("shows a sending broadcast's progress", async () => {
    const { frame, page, db, openNav } = admin;
    const campaign = await db.campaign.create({
      data: {
        shop: SHOP,
        name: "Harvest news",
        kind: "broadcast",
        subject: "The harvest is in",
        body: "Hi {firstName}",
        enabled: true,
        enabledAt: new Date(),
        audience: { kind: "conditions", conditions: EVERYONE },
      },
    });
    const run = await db.broadcastRun.create({
      data: { shop: SHOP, campaignId: campaign.id, sendAt: new Date(), audienceCount: 3 },
    });
    expect(await runBroadcast(db, run.id, async () => undefined)).toEqual({ status: "sent", created: 3 });
    const [first, second] = await db.campaignSend.findMany({
      where: { campaignId: campaign.id },
      orderBy: { customerId: "asc" },
    });
    await db.campaignSend.update({ where: { id: first!.id }, data: { status: "sent", sentAt: new Date() } });
    await db.campaignSend.update({
      where: { id: second!.id },
      data: { status: "suppressed", error: "No email marketing consent." },
    });
    await openNav("Campaigns");
    await frame.getByText("1 sent · 1 skipped · 0 failed · 1 waiting, of 3").waitFor();
    await frame.getByText("Nothing sent").waitFor();
    await frame.getByText("Harvest news", { exact: true }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/broadcasts-progress.png` });
    expect(admin.pageErrors).toEqual([]);
  });

  it("sets up a lifecycle trigger from its default copy, with its own settings", async () => {
    const { frame, page, db, openNav } = admin;
    await openNav("Campaigns");
    const row = frame.getByRole("row").filter({ hasText: "Tier downgrade warning" });
    await row.getByRole("button", { name: "Set up" }).click();
    await frame.getByText("Keep your Silver status, Ana", { exact: true }).waitFor();
    await frame
      .getByText(/Your Silver status at Harbor Coffee ends on April 1, 2027\. Spend \$30\.00 before then/)
      .waitFor();
    const days = frame.getByLabel("Days before the drop");
    await days.fill("0");
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText("From 1 to 90 days.").waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns-trigger-settings.png`, fullPage: true });
    await days.fill("10");
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText("Campaign saved.").waitFor();
    // Saved, the editor closes and the trigger is listed, off.
    await frame.getByRole("button", { name: "Edit" }).waitFor();
    expect(await frame.getByLabel("Days before the drop").count()).toBe(0);
    expect(await frame.getByRole("button", { name: "Set up" }).count()).toBe(8);
    expect(
      await db.campaign.findFirstOrThrow({ where: { shop: SHOP, trigger: "tierDowngradeWarning" } }),
    ).toMatchObject({
      enabled: false,
      triggerSettings: { daysBefore: 10 },
      subject: "Keep your {tierName} status, {firstName}",
    });
    expect(admin.pageErrors).toEqual([]);
  });
});
