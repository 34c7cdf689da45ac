import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { campaignsAction } from "~/admin/campaigns/page.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../emulator/server";
import { startTestEmulator } from "../../emulator/testing";
import { saveSmsSettings } from "./campaigns.server";
import { sendTestSms } from "./test-send.server";
import { twilioTransport } from "./twilio.server";

// The editor's test text against the emulator's Twilio stand-in: the SMS as typed, rendered
// for the sample member, reaches the number staff gave with its segment count; a bad number
// or text is a 422 with a message and sends nothing; no Twilio is a 409; Twilio's refusal a
// 502; and nothing of it is a campaign send.

const db = prisma();
const SHOP = "test-sms.myshopify.com";
const ACCOUNT = `AC${"12".repeat(16)}`;
const TOKEN = "twilio-test-send-token";
const FROM = "+15550001111";
let emulator: Emulator;

const viaEmulator = () => (twilio: Parameters<typeof twilioTransport>[0]) =>
  twilioTransport(twilio, `${emulator.url}/twilio`);
const form = (entries: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(entries)) data.set(k, v);
  return data;
};

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.twilio.accounts.set(ACCOUNT, TOKEN);
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await resetDatabase(db);
  emulator.twilio.messages.length = 0;
  emulator.twilio.faults.length = 0;
  await db.shop.create({ data: { domain: SHOP, name: "Harbor Coffee" } });
});

describe("the SMS test-send", () => {
  it("sends the rendered text with its segments to the number given, and counts it nowhere", async () => {
    expect(
      await saveSmsSettings(db, SHOP, {
        twilioAccountSid: ACCOUNT,
        twilioAuthToken: TOKEN,
        twilioFrom: FROM,
      }),
    ).toEqual({ ok: true });
    const answer = await sendTestSms(
      db,
      SHOP,
      {
        smsBody: "{firstName}, you are now {tierName} ☕ at {shopName}.",
        trigger: "tierUpgrade",
        to: " +1 (555) 010-2030 ",
      },
      viaEmulator(),
    );
    const body = "Ana, you are now Silver ☕ at Harbor Coffee.\nReply STOP to opt out.";
    expect(answer).toEqual({
      ok: true,
      to: "+15550102030",
      body,
      size: { encoding: "UCS-2", characters: 66, units: 66, segments: 1 },
    });
    expect(
      emulator.twilio.messages.map((m) => [m.accountSid, m.from, m.to, m.body, m.statusCallback]),
    ).toEqual([[ACCOUNT, FROM, "+15550102030", body, null]]);
    // A transactional trigger's text has no opt-out line; a long one reports its segments.
    const long = await sendTestSms(
      db,
      SHOP,
      {
        smsBody: `You earned {points} points. ${"x".repeat(200)}`,
        trigger: "pointsEarned",
        to: "+447700900123",
      },
      viaEmulator(),
    );
    expect(long).toMatchObject({ ok: true, to: "+447700900123", size: { encoding: "GSM-7", segments: 2 } });
    expect(emulator.twilio.messages[1]!.body).not.toContain("STOP");
    expect(await db.campaignSend.count()).toBe(0);
    expect(await db.campaign.count()).toBe(0);
  });

  it("answers 422 with a message for a bad number or text, 409 without Twilio, 502 on Twilio's refusal; sends nothing then", async () => {
    const ask = (entries: Record<string, string>) =>
      campaignsAction(db, SHOP, form({ intent: "test-sms", trigger: "tierUpgrade", ...entries }));
    expect(await ask({ smsBody: "Hi {firstName}", testPhone: "555-0100" })).toEqual({
      status: 422,
      body: {
        ok: false,
        error: "Check the test text.",
        fieldErrors: { testPhone: "A mobile number in international format (E.164), like +15550102030." },
      },
    });
    expect(await ask({ smsBody: "Hi {fristName}", testPhone: "+15550102030" })).toMatchObject({
      status: 422,
      body: { fieldErrors: { smsBody: expect.stringContaining("fristName") } },
    });
    expect(await ask({ smsBody: "x".repeat(1700), testPhone: "+15550102030" })).toMatchObject({
      status: 422,
      body: { fieldErrors: { smsBody: expect.stringMatching(/at most 10 segments/) } },
    });
    expect(await ask({ smsBody: "  ", testPhone: "abc" })).toMatchObject({
      status: 422,
      body: { fieldErrors: { smsBody: "Write the SMS text.", testPhone: expect.any(String) } },
    });
    expect(await ask({ smsBody: "Hi {firstName}", testPhone: "+15550102030" })).toEqual({
      status: 409,
      body: { ok: false, error: "Set up SMS (Twilio) first.", fieldErrors: {} },
    });
    await saveSmsSettings(db, SHOP, { twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN, twilioFrom: FROM });
    emulator.twilio.faults.push({ status: 400, code: 21211, message: "The 'To' number is not valid." });
    expect(
      await sendTestSms(
        db,
        SHOP,
        { smsBody: "Hi", trigger: "tierUpgrade", to: "+15550102030" },
        viaEmulator(),
      ),
    ).toMatchObject({ ok: false, status: 502, error: expect.stringContaining("21211") });
    expect(emulator.twilio.messages).toHaveLength(0);
    // A refused test condemns nothing: the number is not put on the suppression list.
    expect(await db.campaignSuppression.count()).toBe(0);
  });
});
