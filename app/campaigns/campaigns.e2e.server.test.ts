import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, createQueue } from "~/jobs/queue.server";
import { createOpenAiClient } from "~/openai.server";
import { createRedis, redis } from "~/redis.server";
import { emulatorGraphql } from "~tests/support/loyalty-world.server";
import { startSmtpSink, type SmtpSink } from "~tests/support/smtp-sink";
import { createWorld } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { startOpenAiStub, type OpenAiStub } from "../../emulator/openai/stub";
import type { CustomerRecord } from "../../emulator/resources/records";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { campaignsProcessor } from "../../workers/processors/campaigns";
import { saveCampaign, saveEmailSettings } from "./campaigns.server";
import { deliverSend } from "./deliver.server";
import { enqueueSends, requeueSend } from "./jobs.server";
import { sendTestEmail } from "./test-send.server";
import { unsubscribeAction } from "./unsubscribe-page.server";
import { writeCopy } from "./writer/write.server";
import { E2E_PROGRAM, waitFor, flushRedisQuietly } from "~tests/support/campaign-e2e";

// Issue 17's end-to-end path, with every part real but Shopify: a tier upgrade recorded by
// the webhook pipeline → the trigger scan job → a delivery job in a BullMQ worker → nodemailer
// → a local SMTP server (smtp-server); the email's one-click unsubscribe link served by the
// app → no mail on the next send, and the unsubscribe written to the Shopify emulator; a
// provider error retried without a second copy; the same with copy and a personal line
// written by OpenAI (the emulator's stub).

const SHOP = "campaigns-e2e.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;
const connection = createRedis();
const campaigns = createQueue(QUEUE.campaigns, connection);
let smtp: SmtpSink;
let emulator: Emulator;
let worker: Worker;
let openAiStub: OpenAiStub;
const openAiClient = () =>
  createOpenAiClient({
    apiKey: "sk-e2e-writer-0123456789",
    baseURL: openAiStub.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
  });

beforeAll(async () => {
  smtp = await startSmtpSink();
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  const token = await installApp(emulator, SHOP);
  openAiStub = await startOpenAiStub();
  worker = new Worker(
    QUEUE.campaigns,
    campaignsProcessor(db, campaigns, connection, async () => emulatorGraphql(emulator, token), {
      sendJobOptions: { attempts: 3, backoff: { type: "fixed", delay: 200 } },
      delivery: { openAi: openAiClient() },
    }),
    { connection: createRedis(), concurrency: 4 },
  );
});
afterAll(async () => {
  await worker.close();
  await campaigns.close();
  await closeQueues();
  await smtp.close();
  await emulator.close();
  await openAiStub.close();
});
beforeEach(async () => {
  await resetDatabase(db);
  await flushRedisQuietly(worker, () => redis().flushdb());
  w.store.resetShop(SHOP);
  emulator.store.resetShop(SHOP);
  smtp.messages.length = 0;
  smtp.recipients.length = 0;
  smtp.failNext(0);
  openAiStub.state.requests.length = 0;
  openAiStub.state.replies.length = 0;
  await w.setup(E2E_PROGRAM);
  await db.shop.update({
    where: { domain: SHOP },
    data: { name: "Lamp & Co", ianaTimezone: "Europe/Paris" },
  });
  expect(
    await saveEmailSettings(db, SHOP, {
      fromEmail: "rewards@lamp.example",
      fromName: "Lamp & Co Rewards",
      smtpHost: "127.0.0.1",
      smtpPort: smtp.port,
      smtpUser: "lamp",
      smtpPassword: "s3cret-password",
    }),
  ).toEqual({ ok: true });
});

async function tierCampaign() {
  const saved = await saveCampaign(db, SHOP, {
    name: "Tier upgrade",
    kind: "trigger",
    trigger: "tierUpgrade",
    subject: "{firstName}, you are now {tierName}",
    body: "Hi {firstName},\n\nWelcome to {tierName}. You have {balance} points; {pointsToNextReward} more for {nearestReward}.",
    enabled: true,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

/** A subscribed customer in both the pipeline's store and the Shopify emulator. */
async function subscribedCustomer() {
  const [ana] = w.store.addCustomers(SHOP, [
    { email: "ana@example.com", firstName: "Ana", emailMarketingState: "SUBSCRIBED" },
  ]);
  emulator.store.addCustomers(SHOP, [
    { id: ana!.legacyId, email: "ana@example.com", firstName: "Ana", emailMarketingState: "SUBSCRIBED" },
  ]);
  const now = new Date();
  await w.deliver(w.customer(ana!), now);
  return ana!;
}

/** An order paid a minute ago, delivered through the webhook pipeline now. */
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

async function scan() {
  await campaigns.add("scan-campaign-triggers", { shop: SHOP });
}

describe("a tier upgrade, end to end", () => {
  it("emails the member through SMTP, honours the one-click unsubscribe on the next send, and tells Shopify", async () => {
    const campaign = await tierCampaign();
    const ana = await subscribedCustomer();
    await buy(ana, 60);
    expect((await w.member(ana.legacyId)).tierId).toBe("silver");

    await scan();
    const [mail] = await smtp.waitFor(1);
    expect(smtp.recipients[0]).toEqual(["ana@example.com"]);
    expect(mail!.subject).toBe("Ana, you are now Silver");
    expect(mail!.from?.text).toBe('"Lamp & Co Rewards" <rewards@lamp.example>');
    // 60 points are pending; the nearest reward costs 500.
    expect(mail!.text).toContain("Welcome to Silver. You have 0 points; 500 more for $5 off.");
    expect(mail!.html).toContain("Welcome to Silver. You have 0 points; 500 more for $5 off.");
    expect(mail!.html).toContain("Lamp &amp; Co");
    expect(mail!.html).toMatch(/<meta name="viewport"/);
    // The raw header lines (mailparser folds List-* headers into its own object).
    const header = (name: string) =>
      mail!.headerLines
        .find((h) => h.key === name)
        ?.line.replace(/^[^:]+:\s*/, "")
        .replace(/\r?\n\s+/g, "");
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const listUnsubscribe = header("list-unsubscribe")!;
    const link = /<(http[^>]+)>/.exec(listUnsubscribe)![1]!;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3999\/unsubscribe\?token=/);
    expect(mail!.text).toContain(link);

    const send = await waitFor(() =>
      db.campaignSend.findFirst({ where: { campaignId: campaign.id, status: "sent" } }),
    );
    expect(send).toMatchObject({
      customerId: BigInt(ana.legacyId),
      toAddress: "ana@example.com",
      attempts: 1,
      providerMessageId: mail!.messageId,
    });

    // A link scanner's GET changes nothing; the mail client's one-click POST unsubscribes.
    const look = await (
      await import("~/routes/unsubscribe")
    ).loader({
      request: new Request(link),
      params: {},
      context: {},
    });
    expect(look.status).toBe(200);
    expect(await db.campaignSuppression.count()).toBe(0);
    const tampered = await unsubscribeAction(db, new Request(link.replace(/.$/, "A"), { method: "POST" }));
    expect(tampered.status).toBe(400);
    const answer = await unsubscribeAction(
      db,
      new Request(link, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      }),
    );
    expect(answer.status).toBe(200);
    expect(await db.campaignSuppression.findMany()).toEqual([
      expect.objectContaining({
        shop: SHOP,
        channel: "email",
        address: "ana@example.com",
        reason: "unsubscribed",
      }),
    ]);
    // Written back to Shopify by the worker.
    await waitFor(
      async () =>
        emulator.store.requireShop(SHOP).customers.get(ana.legacyId)?.emailMarketingState === "UNSUBSCRIBED",
    );

    // The next upgrade (gold) makes a send that is suppressed, and no mail.
    await buy(ana, 200);
    expect((await w.member(ana.legacyId)).tierId).toBe("gold");
    await scan();
    const next = await waitFor(() =>
      db.campaignSend.findFirst({ where: { campaignId: campaign.id, status: { not: "sent" } } }),
    );
    await waitFor(async () => {
      const row = await db.campaignSend.findUnique({ where: { id: next.id } });
      return row?.status !== "queued" && row;
    });
    expect(await db.campaignSend.findUnique({ where: { id: next.id } })).toMatchObject({
      status: "suppressed",
      error: "The address is on the suppression list (unsubscribed).",
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages).toHaveLength(1);
  });
});

describe("a tier upgrade written by OpenAI, end to end", () => {
  it("sends the OpenAI-written copy the merchant chose, with the member's personal line", async () => {
    const variants = [
      {
        subject: "{firstName}, {tierName} suits you",
        body: "Hello {firstName},\n\nYou made it to {tierName} at {shopName}.\n\nWarmly,\n{shopName}",
      },
      { subject: "Welcome to {tierName}", body: "Hello {firstName},\n\nYou are now {tierName}. Enjoy it." },
      { subject: "{tierName}, at last", body: "Hello {firstName},\n\nYour orders took you to {tierName}." },
    ];
    openAiStub.script({ content: JSON.stringify({ variants }) });
    const written = await writeCopy(
      db,
      SHOP,
      { trigger: "tierUpgrade", brief: "Celebrate the new tier" },
      {
        openAi: openAiClient(),
      },
    );
    expect(written.writtenBy).toBe("openai");
    const saved = await saveCampaign(db, SHOP, {
      name: "Tier upgrade (AI)",
      kind: "trigger",
      trigger: "tierUpgrade",
      ...written.variants[0]!,
      brief: "Celebrate the new tier",
      writtenBy: written.writtenBy,
      personalize: true,
      enabled: true,
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    openAiStub.script({
      content: JSON.stringify({
        line: "Only {pointsToNextReward} points stand between you and {nearestReward}.",
      }),
    });

    const ana = await subscribedCustomer();
    await buy(ana, 60);
    await scan();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe("Ana, Silver suits you");
    expect(mail!.text).toContain(
      "Hello Ana,\n\nOnly 500 points stand between you and $5 off.\n\nYou made it to Silver at Lamp & Co.",
    );
    expect(mail!.html).toContain("Only 500 points stand between you and $5 off.");
    expect(
      await db.campaignPersonalLine.findFirstOrThrow({ where: { campaignId: saved.campaign.id } }),
    ).toMatchObject({
      writtenBy: "openai",
      bucket: "Silver|$5 off|starting|-",
    });
    const chats = openAiStub.state.requests.filter((r) => r.path === "/v1/chat/completions");
    expect(chats).toHaveLength(2);
    expect(JSON.stringify(chats[1]!.body.messages)).not.toContain("ana@example.com");
  });
});

describe("delivery that does not double", () => {
  it("retries a provider error with backoff and sends once; another job or a rerun for the same send adds nothing", async () => {
    await tierCampaign();
    const ana = await subscribedCustomer();
    smtp.failNext(1);
    await buy(ana, 60);
    await scan();
    await smtp.waitFor(1);
    const send = await waitFor(() => db.campaignSend.findFirst({ where: { status: "sent" } }));
    expect(send.attempts).toBe(2);

    // The same send enqueued again (a second scan racing the sweep) and delivered again by hand.
    await enqueueSends(campaigns, [send.id]);
    await requeueSend(campaigns, send.id);
    expect(await deliverSend(db, send.id, { finalAttempt: false })).toEqual({ status: "done" });
    await scan();
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages).toHaveLength(1);
    expect(await db.campaignSend.count()).toBe(1);
  });

  it("ends in a visible failed state when the provider keeps refusing", async () => {
    const campaign = await tierCampaign();
    const ana = await subscribedCustomer();
    smtp.failNext(10);
    await buy(ana, 60);
    await scan();
    const failed = await waitFor(() =>
      db.campaignSend.findFirst({ where: { campaignId: campaign.id, status: "failed" } }),
    );
    expect(failed.attempts).toBe(3);
    expect(failed.error).toMatch(/^Provider: .*451/);
    expect(smtp.messages).toHaveLength(0);
  });

  it("fails, rather than sends again, a send whose earlier hand-off was interrupted", async () => {
    const campaign = await tierCampaign();
    const ana = await subscribedCustomer();
    const send = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: campaign.id,
        customerId: BigInt(ana.legacyId),
        occurrence: "crashed",
        channel: "email",
        sendingSince: new Date(Date.now() - 60_000),
        attempts: 1,
      },
    });
    expect(await deliverSend(db, send.id, { finalAttempt: false })).toMatchObject({ status: "failed" });
    expect(smtp.messages).toHaveLength(0);
  });
});

describe("the editor's test-send", () => {
  it("sends the campaign as typed, for a sample member, to the address given; refuses bad input without sending", async () => {
    const template = { subject: "{firstName}, you are now {tierName}", body: "You have {balance} points." };
    expect(await sendTestEmail(db, SHOP, { ...template, to: "Staff@Lamp.example" })).toEqual({
      ok: true,
      to: "staff@lamp.example",
    });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe("[Test] Ana, you are now Silver");
    expect(mail!.text).toContain("You have 1,250 points.");
    expect(await sendTestEmail(db, SHOP, { ...template, subject: "{nope}", to: "nobody" })).toMatchObject({
      status: 422,
      fieldErrors: {
        testTo: "A valid email address.",
        subject: expect.stringMatching(/^Unknown variable \{nope\}/),
      },
    });
    smtp.failNext(1, 550);
    expect(await sendTestEmail(db, SHOP, { ...template, to: "staff@lamp.example" })).toMatchObject({
      status: 502,
      error: expect.stringMatching(/^The email server refused: /),
    });
    await db.campaignSettings.deleteMany();
    expect(await sendTestEmail(db, SHOP, { ...template, to: "staff@lamp.example" })).toMatchObject({
      status: 409,
    });
    expect(smtp.messages).toHaveLength(1);
    expect(await db.campaignSend.count()).toBe(0);
  });
});
