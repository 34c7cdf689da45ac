import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailContent } from "../../app/campaigns/content";
import { sealSecret } from "../../app/ingest/imports/secret.server";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { demoProgram } from "../../simulator/history";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The campaigns page: a tier-upgrade campaign with its sends, the editor's live preview
// refusing an unknown variable (and the save's 422), the AI writer against the emulator's
// OpenAI stub (and its template fallback), the HTML preview at desktop and mobile widths,
// the widget inbox channel, the email a member receives, and an SMS campaign with its live
// preview (characters, segments) and the Twilio settings.

const SHOP = "campaigns-browser.myshopify.com";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results/screenshots";
const OPENAI_KEY = "sk-browser-writer-0123456789abcdef";
let admin: EmbeddedAdmin;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      await saveProgram(db, SHOP, demoProgram("USD"), { basedOn: 1, note: "Launch" });
      await db.campaignSettings.create({
        data: {
          shop: SHOP,
          fromEmail: "rewards@harbor.example",
          fromName: "Harbor Coffee Rewards",
          smtpHost: "smtp.harbor.example",
          smtpPort: 587,
          smtpUser: "harbor",
          smtpPasswordCiphertext: sealSecret("never-shown", "test-api-secret", "smtp-password:v1"),
          twilioAccountSid: `AC${"0f".repeat(16)}`,
          twilioAuthTokenCiphertext: sealSecret(
            "twilio-token-never-shown",
            "test-api-secret",
            "twilio-auth-token:v1",
          ),
          twilioFrom: "+15550001111",
        },
      });
      const campaign = await db.campaign.create({
        data: {
          shop: SHOP,
          name: "Tier upgrade",
          kind: "trigger",
          trigger: "tierUpgrade",
          subject: "{firstName}, you are now {tierName}",
          body: "Hi {firstName},\n\nWelcome to {tierName}. You have {balance} points: {pointsToNextReward} more for {nearestReward}.",
          enabled: true,
          enabledAt: new Date("2026-12-01T00:00:00Z"),
        },
      });
      const sends = [
        ["ana@example.com", "sent", "Ana, you are now Gold", null],
        ["ben@example.com", "suppressed", null, "No email marketing consent."],
        ["chloe@example.com", "failed", null, "Provider: 451 Temporary failure, try again later"],
      ] as const;
      for (const [i, [to, status, subject, error]] of sends.entries())
        await db.campaignSend.create({
          data: {
            shop: SHOP,
            campaignId: campaign.id,
            customerId: BigInt(i + 1),
            occurrence: `event-${i}`,
            channel: "email",
            status,
            toAddress: to,
            subject,
            error,
            attempts: status === "failed" ? 5 : 1,
            queuedAt: new Date(`2026-12-0${i + 2}T15:00:00Z`),
            sentAt: status === "sent" ? new Date("2026-12-02T15:00:05Z") : null,
          },
        });
      // A message the fallback put in Dan's widget inbox, which he has read.
      const inboxSend = await db.campaignSend.create({
        data: {
          shop: SHOP,
          campaignId: campaign.id,
          customerId: 4n,
          occurrence: "event-3",
          channel: "inbox",
          status: "sent",
          subject: "Dan, you are now Gold",
          attempts: 1,
          queuedAt: new Date("2026-12-05T15:00:00Z"),
          sentAt: new Date("2026-12-05T15:00:01Z"),
        },
      });
      await db.inboxMessage.create({
        data: {
          shop: SHOP,
          customerId: 4n,
          sendId: inboxSend.id,
          title: "Dan, you are now Gold",
          body: "Welcome to Gold.",
          createdAt: new Date("2026-12-05T15:00:01Z"),
          readAt: new Date("2026-12-05T18:30:00Z"),
          expiresAt: new Date("2027-01-04T15:00:01Z"),
        },
      });
    },
    {
      appEnv: (emulator) => ({
        OPENAI_API_KEY: OPENAI_KEY,
        OPENAI_BASE_URL: `${emulator.url}/openai/v1`,
      }),
    },
  );
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the campaigns page", () => {
  it("lists campaigns and messages, previews the template live and refuses an unknown variable", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Campaigns");
    await frame.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    await frame.getByText("No email marketing consent.").waitFor();
    expect(await frame.getByText("never-shown").count()).toBe(0);
    await frame.getByRole("button", { name: "Edit" }).click();
    await frame.getByText("Ana, you are now Silver").waitFor();
    await frame.getByText("Welcome to Silver. You have 1,250 points: 750 more for $20 off.").waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns-editor.png`, fullPage: true });

    const subject = frame.getByLabel("Subject");
    await subject.fill("{fristName}, you are now {tierName}");
    await frame
      .getByText(/^Unknown variable \{fristName\}/)
      .first()
      .waitFor();
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText("Check the campaign.").waitFor();
    expect(await admin.db.campaign.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({
      subject: "{firstName}, you are now {tierName}",
    });
    await page.screenshot({ path: `${SHOTS}/campaigns-editor-error.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });

  it("sends a campaign to the widget inbox with a button, and shows inbox deliveries and their reading", async () => {
    const { frame, page } = admin;
    // The log: the inbox delivery, where it went and when it was read (shop time).
    await frame.getByRole("cell", { name: "Widget inbox", exact: true }).waitFor();
    await frame.getByText(/^read Dec 5, 2026/).waitFor();
    await frame.getByLabel("Subject").fill("{firstName}, welcome to {tierName}");
    await frame.getByLabel("Channel").selectOption("inbox");
    expect(await frame.getByLabel("Send a test to").count()).toBe(0);
    await frame.getByLabel("Inbox button label (optional)").fill("Shop now");
    await frame.getByLabel("Button link").fill("javascript:alert(1)");
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText(/An https:\/\/ link or a path on the store/).waitFor();
    await frame.getByLabel("Button link").fill("/collections/all");
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await expect
      .poll(async () => (await admin.db.campaign.findFirstOrThrow({ where: { shop: SHOP } })).channel)
      .toBe("inbox");
    expect(await admin.db.campaign.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({
      subject: "{firstName}, welcome to {tierName}",
      ctaLabel: "Shop now",
      ctaUrl: "/collections/all",
      inboxFallback: false,
    });
    await page.screenshot({ path: `${SHOTS}/campaigns-editor-inbox.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });

  it("writes an SMS campaign with a live preview counting characters and segments, and keeps the Twilio token secret", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Campaigns");
    await frame.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    await frame.getByRole("button", { name: "New campaign" }).click();
    await frame.getByLabel("Name", { exact: true }).fill("Tier upgrade SMS");
    await frame.getByLabel("Channel").selectOption("sms");
    const text = frame.getByLabel("SMS text");
    await text.fill(
      "{firstName}, you are now {tierName} at {shopName}. {pointsToNextReward} points to {nearestReward}.",
    );
    const preview = frame.getByTestId("sms-preview");
    await frame.getByText("Ana, you are now Silver at Harbor Coffee. 750 points to $20 off.").waitFor();
    expect(await preview.innerText()).toContain("Reply STOP to opt out.");
    await frame.getByText("87 characters · 1 segment (GSM-7)").waitFor();
    await text.fill(
      "{firstName}, you are now {tierName} ☕ at {shopName}. {pointsToNextReward} points to {nearestReward}.",
    );
    await frame.getByText("89 characters · 2 segments (Unicode, UCS-2)").waitFor();
    // The test text: a number that is not E.164 is refused with its reason, nothing sent.
    await frame.getByLabel("Send a test text to").fill("555-0100");
    await frame.getByRole("button", { name: "Send test text" }).click();
    await frame.getByText("A mobile number in international format (E.164), like +15550102030.").waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns-sms-editor.png`, fullPage: true });
    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText("Campaign saved.").waitFor();
    expect(await admin.db.campaign.findFirstOrThrow({ where: { shop: SHOP, channel: "sms" } })).toMatchObject(
      {
        name: "Tier upgrade SMS",
        smsBody:
          "{firstName}, you are now {tierName} ☕ at {shopName}. {pointsToNextReward} points to {nearestReward}.",
      },
    );

    await frame.getByRole("heading", { name: "SMS", exact: true }).scrollIntoViewIfNeeded();
    expect(await frame.getByLabel("Account SID").inputValue()).toBe(`AC${"0f".repeat(16)}`);
    expect(await frame.getByLabel("Auth token").inputValue()).toBe("");
    expect(await frame.getByText("A token is stored (encrypted). Leave empty to keep it.").count()).toBe(1);
    expect(await page.content()).not.toContain("twilio-token-never-shown");
    // The Twilio account's rate: empty shows the default for the sender (a toll-free number sends 3 a second).
    const twilioRate = frame.getByLabel("Twilio account: texts per minute");
    expect(await twilioRate.getAttribute("placeholder")).toBe("60");
    await frame.getByLabel("Send from").fill("+18005550100");
    expect(await twilioRate.getAttribute("placeholder")).toBe("180");
    await frame.getByLabel("Send from").fill("555-0100");
    await frame.getByRole("button", { name: "Save SMS settings" }).click();
    await frame.getByText(/A number in E\.164/).waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns-sms-settings.png`, fullPage: true });

    // Klaviyo for email: the key is required, and the card says a Klaviyo flow must send.
    expect(await frame.getByLabel("Email server: sends per minute").getAttribute("placeholder")).toBe("600");
    await frame.getByLabel("Sent by").selectOption("klaviyo");
    expect(await frame.getByLabel("Klaviyo account: events per minute").getAttribute("placeholder")).toBe(
      "3000",
    );
    await frame.getByText(/Nothing is delivered until you build a flow in Klaviyo/).waitFor();
    expect(await frame.getByLabel("SMTP host").count()).toBe(0);
    await frame.getByRole("button", { name: "Save email settings" }).click();
    await frame.getByText("Klaviyo's private API key.").waitFor();
    expect((await admin.db.campaignSettings.findUniqueOrThrow({ where: { shop: SHOP } })).emailProvider).toBe(
      "smtp",
    );
    await frame.getByText("Klaviyo's private API key.").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/campaigns-klaviyo-settings.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });

  it("renders the email a member receives (MJML, desktop and mobile)", async () => {
    const { page } = admin;
    const mail = await emailContent(
      {
        subject: "{firstName}, you are now {tierName}",
        body: "Hi {firstName},\n\nWelcome to {tierName}. You have {balance} points: {pointsToNextReward} more for {nearestReward}.\n\nSee you soon,\nThe {shopName} team",
      },
      {
        firstName: "Ana",
        shopName: "Harbor Coffee",
        balance: 1250,
        points: 0,
        tierName: "Gold",
        nearestReward: "Free bag of beans",
        pointsToNextReward: 250,
        expiringPoints: 0,
        expiryDate: null,
        nextTierName: null,
        amountToNextTier: null,
        tierDropDate: null,
        amountToKeepTier: null,
      },
      "http://127.0.0.1:3999/unsubscribe?token=example",
    );
    const email = await page.context().newPage();
    await email.setViewportSize({ width: 900, height: 600 });
    await email.setContent(mail.html);
    await email.screenshot({ path: `${SHOTS}/campaigns-email-desktop.png`, fullPage: true });
    await email.setViewportSize({ width: 375, height: 640 });
    await email.screenshot({ path: `${SHOTS}/campaigns-email-mobile.png`, fullPage: true });
    expect(await email.getByText("Welcome to Gold.").count()).toBe(1);
    await email.close();
  });
});

describe("the AI writer and the HTML preview", () => {
  const variants = [
    {
      subject: "{firstName}, welcome to {tierName}",
      body: "Hi {firstName},\n\nYou are now {tierName} at {shopName}: free shipping on every order starts today.\n\nSee you soon,\nThe {shopName} team",
    },
    {
      subject: "{tierName} unlocked, {firstName}",
      body: "Hi {firstName},\n\nYour orders took you to {tierName}. Free shipping is yours from now on, and {nearestReward} is {pointsToNextReward} points away.\n\nThe {shopName} team",
    },
    {
      subject: "Free shipping, {tierName} style",
      body: "Hi {firstName},\n\nAs a {tierName} member, shipping is on us.\n\nThe {shopName} team",
    },
  ];

  it("generates variants with OpenAI, uses one, edits by hand, previews desktop and mobile, and shows the template fallback", async () => {
    const { frame, page, emulator } = admin;
    await openEditor();
    await frame.getByText("OpenAI spend this month: $0.00 of $5.00").waitFor();
    await frame.getByLabel("Brief").fill("Tell them Gold brings free shipping on every order.");
    emulator.openAi.replies.push({ content: JSON.stringify({ variants }) });
    await frame.getByRole("button", { name: "Generate" }).click();
    await frame
      .getByText("Free shipping, Gold style")
      .waitFor()
      .catch(() => undefined);
    await frame.getByText("Written by OpenAI", { exact: true }).first().waitFor();
    await frame.getByText("{tierName} unlocked, {firstName}").waitFor();
    const chat = emulator.openAi.requests.find((r) => r.path === "/v1/chat/completions")!;
    expect(JSON.stringify(chat.body.messages)).toContain("Tell them Gold brings free shipping");
    expect(emulator.openAi.requests.some((r) => r.path === "/v1/moderations")).toBe(true);
    await frame.getByText(/^OpenAI spend this month: \$0\.0\d+ of \$5\.00$/).waitFor();

    await frame.getByRole("button", { name: "Use variant 2" }).click();
    expect(await frame.getByLabel("Subject").inputValue()).toBe("{tierName} unlocked, {firstName}");
    await frame.getByText("Silver unlocked, Ana").first().waitFor();
    const desktop = frame.frameLocator('iframe[title="Email preview (desktop)"]');
    await desktop.getByText("Your orders took you to Silver.", { exact: false }).waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns-writer.png`, fullPage: true });
    await frame.locator('iframe[title="Email preview (desktop)"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/campaigns-preview-desktop.png` });

    // The editor's message (the "measure against control" card below has its variants' own).
    await frame
      .getByRole("textbox", { name: "Message" })
      .first()
      .fill("Hi {firstName},\n\nShipping is on us from now on.");
    await frame.getByText("Written by hand").waitFor();
    await frame.getByRole("button", { name: "Mobile" }).click();
    const mobile = frame.frameLocator('iframe[title="Email preview (mobile)"]');
    await mobile.getByText("Shipping is on us from now on.").waitFor();
    await frame.locator('iframe[title="Email preview (mobile)"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/campaigns-preview-mobile.png` });

    // OpenAI failing (a 500 on both attempts): the template engine writes, and says why.
    emulator.openAi.replies.push(
      { status: 500, message: "The server had an error" },
      { status: 500, message: "The server had an error" },
      { status: 500, message: "The server had an error" },
    );
    await frame.getByRole("button", { name: "Regenerate" }).click();
    await frame.getByText("Written by the template engine", { exact: true }).waitFor();
    await frame.getByText(/failed \(500\)/).waitFor();
    await frame.getByText("{firstName}, you are now {tierName}").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/campaigns-writer-fallback.png`, fullPage: true });

    await frame.getByRole("button", { name: "Save", exact: true }).click();
    await frame.getByText("Campaign saved.").waitFor();
    expect(
      await admin.db.campaign.findFirstOrThrow({ where: { shop: SHOP, name: "Tier upgrade" } }),
    ).toMatchObject({
      subject: "{tierName} unlocked, {firstName}",
      body: "Hi {firstName},\n\nShipping is on us from now on.",
      writtenBy: "hand",
      brief: "Tell them Gold brings free shipping on every order.",
    });
    expect(await frame.locator("html").innerHTML()).not.toContain(OPENAI_KEY);
    expect(admin.pageErrors).toEqual([]);
  });
});

async function openEditor() {
  const { frame, openNav } = admin;
  // Away and back: a fresh page, without the earlier test's answers.
  await openNav("Program");
  await frame.getByRole("heading", { name: "Program", level: 1 }).waitFor();
  await openNav("Campaigns");
  await frame.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
  const close = frame.getByRole("button", { name: "Close", exact: true });
  if (await close.count()) await close.click();
  await frame.getByRole("button", { name: "Edit" }).first().click();
  // The tier-upgrade campaign, by email (the inbox test above moved it to the widget inbox).
  await frame.getByLabel("Channel").selectOption("email");
  await frame.getByText("AI writer").waitFor();
}
