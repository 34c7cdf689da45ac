import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshSendTimes } from "../../app/campaigns/send-time/refresh.server";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { demoProgram } from "../../simulator/history";
import { seedMember } from "../support/loyalty-world.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A member's best hour and channel on their page (with the reason), and the campaign editor's
// "send at each member's best hour" option with the shop's hours at a glance, in Paris time.

const SHOP = "sendtime-browser.myshopify.com";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results/screenshots";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Lumen Tea", currencyCode: "EUR", ianaTimezone: "Europe/Paris" },
    async (db) => {
      await saveProgram(db, SHOP, demoProgram("EUR"), { basedOn: 1, note: "Launch" });
      const people = [
        [1n, "Ana", "Martin", "ana@lumen.example"],
        [2n, "Léo", "Bernard", "leo@lumen.example"],
        [3n, "Zoé", "Petit", null],
      ] as const;
      for (const [id, firstName, lastName, email] of people) {
        await db.customer.create({
          data: { shop: SHOP, id, firstName, lastName, email, emailConsent: email !== null },
        });
        await seedMember(db, SHOP, id, 300);
      }
      let orderId = 100n;
      const order = (customerId: bigint | null, iso: string) =>
        db.order.create({
          data: {
            shop: SHOP,
            id: (orderId += 1n),
            customerId,
            name: `#${orderId}`,
            currencyCode: "EUR",
            subtotalMinor: 2500n,
            totalMinor: 2500n,
            processedAt: new Date(iso),
          },
        });
      // Ana orders before work (07:xx in Paris); the shop's customers mostly in the evening.
      for (const day of [3, 5, 9, 12, 16, 19, 23])
        await order(1n, `2026-11-${String(day).padStart(2, "0")}T06:40:00Z`);
      for (let d = 1; d <= 20; d++) await order(null, `2026-11-${String(d).padStart(2, "0")}T18:15:00Z`);
      for (let d = 1; d <= 10; d++) await order(null, `2026-11-${String(d).padStart(2, "0")}T12:15:00Z`);
      await order(2n, "2026-11-21T02:00:00Z");
      await db.campaign.create({
        data: {
          shop: SHOP,
          name: "Tier upgrade",
          kind: "trigger",
          trigger: "tierUpgrade",
          subject: "{firstName}, you are now {tierName}",
          body: "Hi {firstName},\n\nWelcome to {tierName}.",
          enabled: true,
          enabledAt: new Date("2026-12-01T00:00:00Z"),
        },
      });
      // The app learns the time zone at install, after this seed: the nightly run would know it.
      await db.shop.upsert({
        where: { domain: SHOP },
        create: { domain: SHOP, ianaTimezone: "Europe/Paris" },
        update: { ianaTimezone: "Europe/Paris" },
      });
      await refreshSendTimes(db, SHOP, new Date("2026-12-07T03:30:00Z"));
    },
  );
  mkdirSync(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await admin?.close();
});

const openMember = async (name: string) => {
  const { frame } = admin;
  await admin.openNav("Members");
  await frame.getByRole("heading", { name: "Members", level: 1 }).waitFor();
  await frame.getByRole("button", { name: "Search and filter results" }).click();
  await frame.getByPlaceholder("Search by name or email").fill(name);
  await expect
    .poll(async () => frame.locator("tbody tr [data-primary-link]").count(), { timeout: 30_000 })
    .toBe(1);
  await frame.locator("tbody tr [data-primary-link]").first().click();
  await frame.getByRole("heading", { name: "Messages", level: 2 }).waitFor();
};

describe("send time in the admin", () => {
  it("shows a member's best hour and channel with the reason, in the shop's time zone", async () => {
    const { frame, page } = admin;
    await openMember("Ana");
    expect(await frame.locator("[data-send-hour]").innerText()).toBe("07:00–08:00");
    await frame.getByText("from 7 orders · Europe/Paris").waitFor();
    expect(await frame.locator("[data-send-channel]").innerText()).toBe("Email");
    await frame.getByRole("heading", { name: "Messages", level: 2 }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SHOTS}/send-time-member.png`, fullPage: true });

    // One order at 03:00 does not move Léo from the shop's evening hour.
    await openMember("Léo");
    expect(await frame.locator("[data-send-hour]").innerText()).toBe("19:00–20:00");
    await frame.getByText("shop default (1 order: too few to move it) · Europe/Paris").waitFor();
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);

  it("offers the best-hour option in the campaign editor and saves it", async () => {
    const { frame, page, db } = admin;
    await admin.openNav("Campaigns");
    await frame.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    await frame.getByRole("button", { name: "Edit" }).click();
    await frame.getByLabel("Channel").selectOption("best");
    await frame.getByText(/The channel each member answers most/).waitFor();
    await frame.getByLabel("Send time").first().selectOption("bestHour");
    await frame.getByText(/3 members: 1 from their own orders, the rest at the shop default/).waitFor();
    await frame.getByText(/Most common \(Europe\/Paris\): 19:00 \(2\), 07:00 \(1\)\./).waitFor();
    await frame.getByRole("button", { name: "Save", exact: true }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/send-time-campaign-editor.png`, fullPage: true });
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await expect
      .poll(async () => (await db.campaign.findFirstOrThrow({ where: { shop: SHOP } })).channel, {
        timeout: 15_000,
      })
      .toBe("best");
    await expect
      .poll(async () => (await db.campaign.findFirstOrThrow({ where: { shop: SHOP } })).sendTime, {
        timeout: 15_000,
      })
      .toBe("bestHour");
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);
});
