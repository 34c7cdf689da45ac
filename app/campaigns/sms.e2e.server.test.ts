import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, createQueue } from "~/jobs/queue.server";
import { createRedis, redis } from "~/redis.server";
import { emulatorGraphql } from "~tests/support/loyalty-world.server";
import { createWorld } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { CustomerRecord } from "../../emulator/resources/records";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { twilioSignature } from "../../emulator/twilio/handler";
import {
  customerEmailConsentPayload,
  customerPayload,
  customerSmsConsentPayload,
} from "../../emulator/webhook-payloads";
import { campaignsProcessor } from "../../workers/processors/campaigns";
import { saveCampaign, saveEmailSettings, saveSmsSettings } from "./campaigns.server";
import { deliverSend } from "./deliver.server";
import { feedbackToken, receiveFeedback } from "./feedback.server";
import { KLAVIYO_METRIC, KLAVIYO_REVISION } from "./klaviyo.server";
import { channelTransport } from "./providers.server";
import { requeueSend } from "./jobs.server";
import { receiveInboundSms, receiveSmsStatus } from "./sms-webhooks.server";
import { E2E_PROGRAM, waitFor, flushRedisQuietly } from "~tests/support/campaign-e2e";

// SMS and the Klaviyo provider end to end, with every part real but the third parties,
// which the emulator plays: a tier upgrade recorded by the webhook pipeline → the trigger
// scan → a delivery job in a BullMQ worker → Twilio's Messages API (the emulator's sink);
// STOP through Twilio's signed inbound webhook → suppressed, Shopify told, the next send
// suppressed; a 5xx retried without a second message; refusals that never send; Klaviyo's
// Create Event for an email campaign.

const SHOP = "campaigns-sms.myshopify.com";
const APP_URL = "http://127.0.0.1:3999";
const ACCOUNT = `AC${"a1".repeat(16)}`;
const TOKEN = "twilio-auth-token-0123456789";
const FROM = "+15550001111";
const ANA_PHONE = "+15550102030";
const w = createWorld(SHOP);
const { db } = w;
const connection = createRedis();
const campaigns = createQueue(QUEUE.campaigns, connection);
let emulator: Emulator;
let worker: Worker;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  emulator.twilio.accounts.set(ACCOUNT, TOKEN);
  const token = await installApp(emulator, SHOP);
  const urls = { twilio: `${emulator.url}/twilio`, klaviyo: `${emulator.url}/klaviyo` };
  worker = new Worker(
    QUEUE.campaigns,
    campaignsProcessor(db, campaigns, connection, async () => emulatorGraphql(emulator, token), {
      sendJobOptions: { attempts: 3, backoff: { type: "fixed", delay: 200 } },
      delivery: { transportFor: (sending, channel) => channelTransport(sending, channel, urls) },
    }),
    { connection: createRedis(), concurrency: 4 },
  );
});
afterAll(async () => {
  await worker.close();
  await campaigns.close();
  await closeQueues();
  await emulator.close();
});
beforeEach(async () => {
  await resetDatabase(db);
  await flushRedisQuietly(worker, () => redis().flushdb());
  w.store.resetShop(SHOP);
  emulator.store.resetShop(SHOP);
  emulator.twilio.messages.length = 0;
  emulator.twilio.faults.length = 0;
  emulator.klaviyo.events.length = 0;
  emulator.klaviyo.faults.length = 0;
  await w.setup(E2E_PROGRAM);
  await db.shop.update({
    where: { domain: SHOP },
    data: { name: "Lamp & Co", ianaTimezone: "Europe/Paris" },
  });
  expect(
    await saveSmsSettings(db, SHOP, { twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN, twilioFrom: FROM }),
  ).toEqual({ ok: true });
});

async function smsCampaign(smsBody = "{firstName}, you are now {tierName} at {shopName}.") {
  const saved = await saveCampaign(db, SHOP, {
    name: "Tier upgrade SMS",
    kind: "trigger",
    trigger: "tierUpgrade",
    channel: "sms",
    subject: "Tier upgrade",
    body: "Tier upgrade",
    smsBody,
    enabled: true,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

/** A customer subscribed to SMS (and email) in both the pipeline's store and the Shopify emulator. */
async function subscribedCustomer(phone = ANA_PHONE) {
  const input = {
    email: "ana@example.com",
    phone,
    firstName: "Ana",
    emailMarketingState: "SUBSCRIBED" as const,
    smsMarketingState: "SUBSCRIBED" as const,
  };
  const [ana] = w.store.addCustomers(SHOP, [input]);
  emulator.store.addCustomers(SHOP, [{ id: ana!.legacyId, ...input }]);
  await w.deliver(w.customer(ana!), new Date());
  return ana!;
}

async function buy(customer: CustomerRecord, dollars: number) {
  const now = new Date();
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId: customer.id,
      financialStatus: "PAID",
      createdAt: new Date(now.getTime() - 60_000).toISOString(),
      lineItems: [{ title: "Lamp", quantity: 1, unitPrice: String(dollars) }],
    },
  ]);
  await w.deliver(w.order("orders/paid", order!, {}, { customer }), now);
}

/** The scan for the shop, then the settled send of the campaign (not queued any more). */
async function scanAndSettle(campaignId: string, nth = 1) {
  await campaigns.add("scan-campaign-triggers", { shop: SHOP });
  return waitFor(async () => {
    const sends = await db.campaignSend.findMany({ where: { campaignId }, orderBy: { queuedAt: "asc" } });
    const send = sends[nth - 1];
    return send && send.status !== "queued" && send;
  });
}

/** A form POST to the app as Twilio sends it, signed with `token` over the public URL. */
function twilioRequest(path: string, params: Record<string, string>, token = TOKEN) {
  const url = `${APP_URL}${path}?shop=${encodeURIComponent(SHOP)}`;
  return new Request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": twilioSignature(token, url, params),
    },
    body: new URLSearchParams(params),
  });
}

const inbound = (body: string, sid: string, from = ANA_PHONE) => ({
  MessageSid: sid,
  AccountSid: ACCOUNT,
  From: from,
  To: FROM,
  Body: body,
  NumMedia: "0",
});

describe("an SMS campaign, end to end", () => {
  it("texts the member through Twilio, honours STOP on the next send, and tells Shopify", async () => {
    const campaign = await smsCampaign();
    const ana = await subscribedCustomer("+1 (555) 010-2030");
    await buy(ana, 60);
    const send = await scanAndSettle(campaign.id);

    expect(emulator.twilio.messages).toHaveLength(1);
    const [message] = emulator.twilio.messages;
    expect(message).toMatchObject({
      accountSid: ACCOUNT,
      to: ANA_PHONE,
      from: FROM,
      body: "Ana, you are now Silver at Lamp & Co.\nReply STOP to opt out.",
      statusCallback: `${APP_URL}/twilio/status?shop=${encodeURIComponent(SHOP)}`,
    });
    expect(send).toMatchObject({
      status: "sent",
      channel: "sms",
      toAddress: ANA_PHONE,
      providerMessageId: message!.sid,
      attempts: 1,
    });

    // A forged STOP (signed with another token) is refused and changes nothing.
    const forged = await receiveInboundSms(
      db,
      twilioRequest("/twilio/inbound", inbound("STOP", "SMforged"), "wrong"),
    );
    expect(forged.status).toBe(401);
    const unsigned = twilioRequest("/twilio/inbound", inbound("STOP", "SMunsigned"));
    unsigned.headers.delete("X-Twilio-Signature");
    expect((await receiveInboundSms(db, unsigned)).status).toBe(401);
    expect(await db.campaignSuppression.count()).toBe(0);

    const stop = await receiveInboundSms(db, twilioRequest("/twilio/inbound", inbound("Stop", "SMstop1")));
    expect(stop.status).toBe(200);
    expect(stop.headers.get("Content-Type")).toMatch(/text\/xml/);
    // Twilio retries a webhook: the same message is recorded once.
    expect(
      (await receiveInboundSms(db, twilioRequest("/twilio/inbound", inbound("Stop", "SMstop1")))).status,
    ).toBe(200);
    expect(await db.campaignInboundSms.findMany()).toEqual([
      expect.objectContaining({ shop: SHOP, messageSid: "SMstop1", phone: ANA_PHONE, keyword: "stop" }),
    ]);
    expect(await db.campaignSuppression.findMany()).toEqual([
      expect.objectContaining({ shop: SHOP, channel: "sms", address: ANA_PHONE, reason: "unsubscribed" }),
    ]);
    expect(
      (await db.customer.findFirst({ where: { shop: SHOP, id: BigInt(ana.legacyId) } }))?.smsConsent,
    ).toBe(false);
    await waitFor(
      async () =>
        emulator.store.requireShop(SHOP).customers.get(ana.legacyId)?.smsMarketingState === "UNSUBSCRIBED",
    );

    // The next upgrade is suppressed and nothing reaches Twilio.
    await buy(ana, 200);
    const next = await scanAndSettle(campaign.id, 2);
    expect(next).toMatchObject({
      status: "suppressed",
      error: "The address is on the suppression list (unsubscribed).",
    });
    expect(emulator.twilio.messages).toHaveLength(1);

    // START lifts the STOP, but marketing still waits for consent given again in Shopify.
    await receiveInboundSms(db, twilioRequest("/twilio/inbound", inbound("START", "SMstart1")));
    expect(await db.campaignSuppression.count()).toBe(0);
    const third = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: campaign.id,
        customerId: BigInt(ana.legacyId),
        occurrence: "manual",
        channel: "sms",
      },
    });
    expect(await deliverSend(db, third.id, { finalAttempt: false })).toEqual({
      status: "suppressed",
      reason: "No SMS marketing consent.",
    });
  });

  it("retries a Twilio 5xx without a second message", async () => {
    const campaign = await smsCampaign();
    const ana = await subscribedCustomer();
    emulator.twilio.faults.push({ status: 503, code: 20503, message: "Service Unavailable" });
    await buy(ana, 60);
    const send = await scanAndSettle(campaign.id);
    expect(send).toMatchObject({ status: "sent", attempts: 2 });
    expect(emulator.twilio.messages).toHaveLength(1);
    expect(send.providerMessageId).toBe(emulator.twilio.messages[0]!.sid);
    // Enqueued or run again: nothing more.
    await requeueSend(campaigns, send.id);
    expect(await deliverSend(db, send.id, { finalAttempt: false })).toEqual({ status: "done" });
    expect(emulator.twilio.messages).toHaveLength(1);
  });

  it("refuses an oversized SMS and an invalid number without sending", async () => {
    expect(
      await saveCampaign(db, SHOP, {
        name: "Long",
        kind: "trigger",
        trigger: "tierUpgrade",
        channel: "sms",
        subject: "s",
        body: "b",
        smsBody: "€".repeat(800),
      }),
    ).toMatchObject({ status: 422, fieldErrors: { smsBody: expect.stringMatching(/segments/) } });
    expect(
      await saveCampaign(db, SHOP, {
        name: "No text",
        kind: "trigger",
        trigger: "tierUpgrade",
        channel: "sms",
        subject: "s",
        body: "b",
      }),
    ).toMatchObject({ status: 422, fieldErrors: { smsBody: "Write the SMS text." } });

    // A stored text that renders too long (the 422 checks the sample member) fails at send time.
    const campaign = await smsCampaign();
    await db.campaign.update({
      where: { id: campaign.id },
      data: { smsBody: `{firstName} ${"ç".repeat(700)}` },
    });
    const ana = await subscribedCustomer();
    await buy(ana, 60);
    expect(await scanAndSettle(campaign.id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/11 segments .* at most 10 segments/),
    });

    // A number that is not E.164 is never handed over; one Twilio refuses is suppressed.
    await db.customer.updateMany({ where: { shop: SHOP }, data: { phone: "555-0102" } });
    await db.campaign.update({ where: { id: campaign.id }, data: { smsBody: "Hi {firstName}" } });
    await buy(ana, 200);
    expect(await scanAndSettle(campaign.id, 2)).toMatchObject({
      status: "suppressed",
      error: "Invalid phone number: not E.164 (+ and country code).",
    });
    expect(emulator.twilio.messages).toHaveLength(0);

    await db.customer.updateMany({ where: { shop: SHOP }, data: { phone: "+15559990000" } });
    emulator.twilio.faults.push({
      status: 400,
      code: 21211,
      message: "Invalid 'To' Phone Number: +15559990000",
    });
    const refused = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: campaign.id,
        customerId: BigInt(ana.legacyId),
        occurrence: "manual",
        channel: "sms",
      },
    });
    const urls = { twilio: `${emulator.url}/twilio`, klaviyo: `${emulator.url}/klaviyo` };
    expect(
      await deliverSend(
        db,
        refused.id,
        { finalAttempt: false },
        {
          transportFor: (sending, channel) => channelTransport(sending, channel, urls),
        },
      ),
    ).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^Refused: Twilio refused \+15559990000.*21211/),
    });
    expect(await db.campaignSuppression.findMany()).toEqual([
      expect.objectContaining({ channel: "sms", address: "+15559990000", reason: "invalid number" }),
    ]);
    expect(emulator.twilio.messages).toHaveLength(0);
  });

  it("marks an undelivered message failed from Twilio's signed status callback and suppresses a dead number", async () => {
    const campaign = await smsCampaign();
    const ana = await subscribedCustomer();
    await buy(ana, 60);
    const send = await scanAndSettle(campaign.id);
    const status = (extra: Record<string, string>, token?: string) =>
      receiveSmsStatus(
        db,
        twilioRequest(
          "/twilio/status",
          { MessageSid: send.providerMessageId!, AccountSid: ACCOUNT, To: ANA_PHONE, From: FROM, ...extra },
          token,
        ),
      );
    expect((await status({ MessageStatus: "undelivered", ErrorCode: "30005" }, "not-the-token")).status).toBe(
      401,
    );
    expect((await status({ MessageStatus: "delivered" })).status).toBe(204);
    expect((await db.campaignSend.findUnique({ where: { id: send.id } }))?.status).toBe("sent");
    expect((await status({ MessageStatus: "undelivered", ErrorCode: "30005" })).status).toBe(204);
    expect(await db.campaignSend.findUnique({ where: { id: send.id } })).toMatchObject({
      status: "failed",
      error: "Undelivered (carrier error 30005)",
    });
    expect(await db.campaignSuppression.findMany()).toEqual([
      expect.objectContaining({ channel: "sms", address: ANA_PHONE, reason: "bounced" }),
    ]);
  });
});

describe("consent mirrored from Shopify", () => {
  it("follows the consent-only webhook topics for SMS and email", async () => {
    const ana = await subscribedCustomer();
    const mirrored = () => db.customer.findFirst({ where: { shop: SHOP, id: BigInt(ana.legacyId) } });
    expect(await mirrored()).toMatchObject({ smsConsent: true, emailConsent: true });
    w.store.requireShop(SHOP).customers.get(ana.legacyId)!.smsMarketingState = "UNSUBSCRIBED";
    await w.deliver({
      topic: "customers_marketing_consent/update",
      payload: customerSmsConsentPayload(w.store.requireShop(SHOP).customers.get(ana.legacyId)!),
    });
    expect(await mirrored()).toMatchObject({ smsConsent: false, emailConsent: true });
    w.store.requireShop(SHOP).customers.get(ana.legacyId)!.emailMarketingState = "UNSUBSCRIBED";
    await w.deliver({
      topic: "customers_email_marketing_consent/update",
      payload: customerEmailConsentPayload(w.store.requireShop(SHOP).customers.get(ana.legacyId)!),
    });
    expect(await mirrored()).toMatchObject({ smsConsent: false, emailConsent: false });
  });

  it("keeps the consent decided last when the topics arrive out of order", async () => {
    const ana = await subscribedCustomer();
    const id = BigInt(ana.legacyId);
    const mirrored = () =>
      db.customer.findFirstOrThrow({
        where: { shop: SHOP, id },
        select: { emailConsent: true, emailConsentAt: true, smsConsent: true, smsConsentAt: true },
      });
    const email = (state: string, at: string) =>
      w.deliver({
        topic: "customers_email_marketing_consent/update",
        payload: {
          customer_id: ana.legacyId,
          email_address: "ana@example.com",
          email_marketing_consent: { state, opt_in_level: "single_opt_in", consent_updated_at: at },
        },
      });
    const sms = (state: string, at: string | null) =>
      w.deliver({
        topic: "customers_marketing_consent/update",
        payload: {
          id: ana.legacyId,
          phone: ANA_PHONE,
          sms_marketing_consent: { state, opt_in_level: "single_opt_in", consent_updated_at: at },
        },
      });
    // She unsubscribes at 10:05 after subscribing at 10:00; Shopify delivers the 10:05 topic first.
    await email("unsubscribed", "2030-01-01T10:05:00Z");
    await email("subscribed", "2030-01-01T10:00:00Z");
    expect(await mirrored()).toMatchObject({
      emailConsent: false,
      emailConsentAt: new Date("2030-01-01T10:05:00Z"),
    });
    // An undated consent does not replace a dated one; a later one does.
    await sms("unsubscribed", "2030-01-01T11:00:00Z");
    await sms("subscribed", null);
    expect(await mirrored()).toMatchObject({ smsConsent: false });
    await sms("subscribed", "2030-01-01T11:30:00Z");
    expect(await mirrored()).toMatchObject({ smsConsent: true });
    // A whole customers/update carrying an older consent leaves the newer one, and its other fields apply.
    const record = w.store.requireShop(SHOP).customers.get(ana.legacyId)!;
    const whole = customerPayload(record, "USD");
    await w.deliver({
      topic: "customers/update",
      payload: {
        ...whole,
        first_name: "Anabel",
        updated_at: "2030-01-01T12:00:00Z",
        email_marketing_consent: {
          state: "subscribed",
          opt_in_level: "single_opt_in",
          consent_updated_at: "2030-01-01T09:00:00Z",
        },
      },
    });
    expect(await mirrored()).toMatchObject({ emailConsent: false, smsConsent: true });
    expect(await db.customer.findFirstOrThrow({ where: { shop: SHOP, id } })).toMatchObject({
      firstName: "Anabel",
    });
  });
});

describe("Klaviyo as the email provider", () => {
  it("creates one Klaviyo event with the rendered email for a flow to send, once despite a retried 503", async () => {
    expect(
      await saveEmailSettings(db, SHOP, {
        emailProvider: "klaviyo",
        klaviyoApiKey: "pk_test_0123456789abcdefghij",
      }),
    ).toEqual({ ok: true });
    expect(await saveEmailSettings(db, SHOP, { emailProvider: "klaviyo", klaviyoApiKey: "" })).toMatchObject({
      status: 422,
    });
    const saved = await saveCampaign(db, SHOP, {
      name: "Tier upgrade",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "{firstName}, you are now {tierName}",
      body: "Welcome to {tierName}.",
      enabled: true,
    });
    if (!saved.ok) throw new Error("not saved");
    emulator.klaviyo.faults.push({ status: 503, count: 1 });
    const ana = await subscribedCustomer();
    await buy(ana, 60);
    const send = await scanAndSettle(saved.campaign.id);
    expect(send).toMatchObject({
      status: "sent",
      attempts: 2,
      providerMessageId: `klaviyo-event:${send.id}`,
    });
    expect(emulator.klaviyo.events).toHaveLength(1);
    const [event] = emulator.klaviyo.events;
    expect(event).toMatchObject({
      apiKey: "pk_test_0123456789abcdefghij",
      revision: KLAVIYO_REVISION,
      metric: KLAVIYO_METRIC,
      profile: { email: "ana@example.com" },
      uniqueId: send.id,
      properties: {
        channel: "email",
        campaign: "Tier upgrade",
        subject: "Ana, you are now Silver",
        text: expect.stringContaining("Welcome to Silver."),
        html: expect.stringContaining("Welcome to Silver."),
        unsubscribe_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:3999\/unsubscribe\?token=/),
      },
    });
  });
});

describe("bounces and complaints from any provider", () => {
  it("suppresses reported addresses at the shop's secret URL, and refuses a wrong token or a bad report", async () => {
    const post = (token: string, body: unknown) =>
      receiveFeedback(
        db,
        new Request(`${APP_URL}/campaigns/feedback/${token}`, { method: "POST", body: JSON.stringify(body) }),
        token,
      );
    const token = feedbackToken(SHOP);
    expect(
      (
        await post(feedbackToken("other.myshopify.com").replace(/.$/, "x"), {
          type: "bounce",
          address: "a@b.co",
        })
      ).status,
    ).toBe(401);
    expect((await post(token, { type: "opened", address: "a@b.co" })).status).toBe(422);
    expect((await post(token, [{ type: "bounce", channel: "sms", address: "12" }])).status).toBe(422);
    expect(await db.campaignSuppression.count()).toBe(0);
    const ana = await subscribedCustomer();
    const answer = await post(token, [
      { type: "complaint", address: "Ana@Example.com" },
      { type: "bounce", channel: "sms", address: "+44 7700 900123" },
    ]);
    expect(await answer.json()).toEqual({ recorded: 2 });
    expect(await db.campaignSuppression.findMany({ orderBy: { channel: "asc" } })).toEqual([
      expect.objectContaining({ channel: "email", address: "ana@example.com", reason: "complained" }),
      expect.objectContaining({ channel: "sms", address: "+447700900123", reason: "bounced" }),
    ]);
    expect(
      (await db.customer.findFirst({ where: { shop: SHOP, id: BigInt(ana.legacyId) } }))?.emailConsent,
    ).toBe(false);
  });
});
