import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { emailSettingsStatus } from "~/campaigns/campaigns.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { startDemoCampaigns } from "./demo-campaigns.server";

// The demo's campaigns pass the app's own validation, on all three channels, and a second
// demo run replaces them rather than adding more.

const db = prisma();
const SHOP = "demo-campaigns.myshopify.com";

beforeAll(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP } });
});

describe("the demo's campaigns", () => {
  it("switches on lifecycle messages by email, best channel and the inbox, with SMTP and Twilio set", async () => {
    for (let run = 0; run < 2; run++)
      await startDemoCampaigns(db, SHOP, { host: "127.0.0.1", port: 2525 }, "Field & Harbor Goods");
    const campaigns = await db.campaign.findMany({ where: { shop: SHOP }, orderBy: { name: "asc" } });
    expect(campaigns.map((c) => [c.name, c.channel, c.enabled, c.inboxFallback])).toEqual([
      ["Almost there", "inbox", true, false],
      ["Points earned", "email", true, false],
      ["Reward unlocked", "email", true, true],
      ["Tier upgrade", "best", true, false],
      ["Welcome", "email", true, true],
    ]);
    expect(campaigns.find((c) => c.name === "Points earned")?.transactional).toBe(true);
    expect(campaigns.find((c) => c.name === "Tier upgrade")?.smsBody).toMatch(/\{tierName\}/);
    const settings = await emailSettingsStatus(db, SHOP);
    expect(settings).toMatchObject({ smtpHost: "127.0.0.1", smtpPort: 2525, hasTwilioToken: true });
  });
});
