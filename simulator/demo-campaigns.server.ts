import { saveCampaign, saveEmailSettings, saveSmsSettings } from "~/campaigns/campaigns.server";
import { DEFAULT_COPY } from "~/campaigns/default-copy";
import type { CampaignInput } from "~/campaigns/definition";
import type { PrismaClient } from "~/db.server";

// The demo shop's messages on all three channels: its email server is the emulator's mail
// catcher, its SMS account the emulator's Twilio stand-in, and the widget inbox the app's own.
// Five lifecycle campaigns are on from the end of the history, so the live simulation's
// orders, sign-ups, tier upgrades and balances send real messages (Admin › Campaigns lists each
// send; the emulator's "Sent messages" page shows the email and texts that arrived; a member's
// widget shows the inbox). Saved through the app's own validation, as the admin would.

/** The emulator's Twilio stand-in knows this account (demo only: no real Twilio credentials). */
export const DEMO_TWILIO = {
  accountSid: `AC${"de".repeat(16)}`,
  authToken: "demo-twilio-auth-token",
  from: "+15550100200",
};

const CAMPAIGNS: CampaignInput[] = [
  {
    name: "Points earned",
    kind: "trigger",
    trigger: "pointsEarned",
    enabled: true,
    subject: "You earned {points} points at {shopName}",
    body:
      "Hi {firstName},\n\nThanks for your order: {points} points are on their way to you, " +
      "and your balance is {balance} points.\n\n" +
      "You are {pointsToNextReward} points away from {nearestReward}.",
  },
  {
    // Members without email consent read it in the widget's inbox.
    name: "Reward unlocked",
    kind: "trigger",
    trigger: "rewardUnlocked",
    enabled: true,
    inboxFallback: true,
    ctaLabel: "Shop now",
    ctaUrl: "/collections/all",
    frequencyCapCount: 1,
    frequencyCapHours: 72,
    subject: "{firstName}, {nearestReward} is yours to redeem",
    body:
      "Hi {firstName},\n\nYour balance of {balance} points now covers {nearestReward}. " +
      "Redeem it from the rewards panel on our store whenever you like.",
  },
  {
    // Each member's best channel: email, a text (with SMS consent) or the widget inbox.
    name: "Tier upgrade",
    kind: "trigger",
    trigger: "tierUpgrade",
    enabled: true,
    channel: "best",
    subject: "Welcome to {tierName}, {firstName}",
    body:
      "Hi {firstName},\n\nYou have reached {tierName} at {shopName}. " +
      "Your new perks apply from your next order, and you have {balance} points to spend.",
    smsBody: "{shopName}: {firstName}, you reached {tierName}! Your perks apply from your next order.",
  },
  {
    name: "Almost there",
    kind: "trigger",
    trigger: "almostThere",
    enabled: true,
    channel: "inbox",
    triggerSettings: { rewardPercent: 80 },
    ctaLabel: "See rewards",
    ctaUrl: "/collections/all",
    subject: "{firstName}, you are almost there",
    body: "Just {pointsToNextReward} more points for {nearestReward}. You have {balance} points.",
  },
  {
    name: "Welcome",
    kind: "trigger",
    trigger: "welcome",
    enabled: true,
    inboxFallback: true,
    subject: DEFAULT_COPY.welcome.subject,
    body: DEFAULT_COPY.welcome.body,
  },
];

export async function startDemoCampaigns(
  db: PrismaClient,
  shop: string,
  smtp: { host: string; port: number },
  shopName: string,
): Promise<string[]> {
  const settings = await saveEmailSettings(db, shop, {
    fromEmail: `hello@${shop.replace(/\.myshopify\.com$/, "")}.example`,
    fromName: shopName,
    smtpHost: smtp.host,
    smtpPort: smtp.port,
    smtpSecure: false,
  });
  if (!settings.ok) throw new Error(`Demo email settings refused: ${JSON.stringify(settings.fieldErrors)}`);
  const sms = await saveSmsSettings(db, shop, {
    twilioAccountSid: DEMO_TWILIO.accountSid,
    twilioAuthToken: DEMO_TWILIO.authToken,
    twilioFrom: DEMO_TWILIO.from,
  });
  if (!sms.ok) throw new Error(`Demo SMS settings refused: ${JSON.stringify(sms.fieldErrors)}`);
  await db.campaign.deleteMany({ where: { shop } });
  for (const input of CAMPAIGNS) {
    const saved = await saveCampaign(db, shop, input);
    if (!saved.ok)
      throw new Error(
        `Demo campaign "${input.name}" refused: ${JSON.stringify("fieldErrors" in saved ? saved.fieldErrors : saved)}`,
      );
  }
  return CAMPAIGNS.map((c) => c.name);
}
