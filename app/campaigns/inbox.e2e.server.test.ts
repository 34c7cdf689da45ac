import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, createQueue } from "~/jobs/queue.server";
import { createRedis, redis } from "~/redis.server";
import { action as inboxAction, loader as inboxLoader } from "~/routes/proxy.inbox";
import { loadCampaignsPage } from "~/admin/campaigns/page.server";
import { signedProxyQuery } from "~/storefront/proxy-signature";
import { createWorld } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { CustomerRecord } from "../../emulator/resources/records";
import { campaignsProcessor } from "../../workers/processors/campaigns";
import { saveCampaign, saveEmailSettings } from "./campaigns.server";
import { deliverSend } from "./deliver.server";
import { enqueueSends, requeueSend } from "./jobs.server";
import { E2E_PROGRAM, waitFor, flushRedisQuietly } from "~tests/support/campaign-e2e";
import { campaignExperiment, setCampaignTest, armOf } from "./measure/test.server";

// The inbox channel end to end: a tier upgrade recorded by the webhook pipeline → the
// trigger scan job → a delivery job in a BullMQ worker → one InboxMessage; read through the
// app proxy routes with Shopify's signature, by that member only; marked read; shown in the
// admin's message log. An email campaign's fallback puts the message in the inbox of a
// member it may not email.

const SHOP = "inbox-e2e.myshopify.com";
const OTHER_SHOP = "inbox-other.myshopify.com";
const SECRET = "test-api-secret"; // tests/setup/env.ts
const w = createWorld(SHOP);
const { db } = w;
const connection = createRedis();
const campaigns = createQueue(QUEUE.campaigns, connection);
let worker: Worker;

beforeAll(() => {
  worker = new Worker(
    QUEUE.campaigns,
    campaignsProcessor(
      db,
      campaigns,
      connection,
      () => Promise.reject(new Error("The inbox never calls Shopify.")),
      { sendJobOptions: { attempts: 3, backoff: { type: "fixed", delay: 200 } } },
    ),
    { connection: createRedis(), concurrency: 4 },
  );
});
afterAll(async () => {
  await worker.close();
  await campaigns.close();
  await closeQueues();
});
beforeEach(async () => {
  await resetDatabase(db);
  await flushRedisQuietly(worker, () => redis().flushdb());
  w.store.resetShop(SHOP);
  await w.setup(E2E_PROGRAM);
  await db.shop.update({
    where: { domain: SHOP },
    data: { name: "Lamp & Co", ianaTimezone: "Europe/Paris" },
  });
});

async function upgradeCampaign(input: Record<string, unknown> = {}) {
  const saved = await saveCampaign(db, SHOP, {
    name: "Tier upgrade",
    kind: "trigger",
    trigger: "tierUpgrade",
    channel: "inbox",
    subject: "{firstName}, you are now {tierName}",
    body: "Welcome to {tierName}, {firstName}.\n\n<b>{pointsToNextReward}</b> more points for {nearestReward}.",
    ctaLabel: "Shop now",
    ctaUrl: "/collections/all",
    enabled: true,
    ...input,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

/** A customer the pipeline knows, with or without email marketing consent. */
async function customer(firstName: string, subscribed: boolean, email: string | null = null) {
  const [c] = w.store.addCustomers(SHOP, [
    {
      email: email ?? `${firstName.toLowerCase()}@example.com`,
      firstName,
      emailMarketingState: subscribed ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
    },
  ]);
  await w.deliver(w.customer(c!), new Date());
  return c!;
}

/** An order paid a minute ago that lifts the customer to Silver. */
async function upgrade(c: CustomerRecord) {
  const now = new Date();
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId: c.id,
      financialStatus: "PAID",
      createdAt: new Date(now.getTime() - 60_000).toISOString(),
      lineItems: [{ title: "Lamp", quantity: 1, unitPrice: "60" }],
    },
  ]);
  await w.deliver(w.order("orders/paid", order!, {}, { customer: c }), now);
  expect((await w.member(c.legacyId)).tierId).toBe("silver");
}

const args = (request: Request) => ({ request, params: {}, context: {} });
function inboxUrl(customerId: number | bigint | null, shop = SHOP, secret = SECRET) {
  return `https://app.example.com/proxy/inbox?${signedProxyQuery({ shop, customerId: customerId === null ? null : BigInt(customerId), secret })}`;
}
const getInbox = (customerId: number | bigint | null, shop = SHOP, secret = SECRET) =>
  inboxLoader(args(new Request(inboxUrl(customerId, shop, secret))));
const markRead = (customerId: number, body: unknown) =>
  inboxAction(
    args(
      new Request(inboxUrl(customerId), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    ),
  );

describe("a tier upgrade on the inbox channel", () => {
  it("becomes one message in that member's inbox, read through the app proxy and marked read", async () => {
    const campaign = await upgradeCampaign();
    const ana = await customer("Ana", false);
    const ben = await customer("Ben", false);
    await upgrade(ana);

    await campaigns.add("scan-campaign-triggers", { shop: SHOP });
    const send = await waitFor(() =>
      db.campaignSend.findFirst({ where: { campaignId: campaign.id, status: "sent" } }),
    );
    const messages = await db.inboxMessage.findMany({ where: { shop: SHOP } });
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message).toMatchObject({
      customerId: BigInt(ana.legacyId),
      sendId: send.id,
      title: "Ana, you are now Silver",
      // Plain text from the closed engine: markup in a template stays text (the widget never parses it).
      body: "Welcome to Silver, Ana.\n\n<b>500</b> more points for $5 off.",
      ctaLabel: "Shop now",
      ctaUrl: "/collections/all",
      readAt: null,
    });
    expect(message!.expiresAt.getTime() - message!.createdAt.getTime()).toBe(30 * 86_400_000);
    expect(send).toMatchObject({ channel: "inbox", providerMessageId: message!.id, attempts: 1 });

    // Re-enqueueing, the stale-send sweep and a second run add nothing.
    await enqueueSends(campaigns, [send.id]);
    await requeueSend(campaigns, send.id);
    expect(await deliverSend(db, send.id, { finalAttempt: false })).toEqual({ status: "done" });
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.inboxMessage.count()).toBe(1);

    // Through the app proxy: hers, no one else's, never cached.
    const mine = await getInbox(ana.legacyId);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await mine.json()).toEqual({
      unread: 1,
      messages: [
        {
          id: message!.id,
          title: "Ana, you are now Silver",
          body: "Welcome to Silver, Ana.\n\n<b>500</b> more points for $5 off.",
          cta: { label: "Shop now", url: "/collections/all" },
          createdAt: message!.createdAt.toISOString(),
          read: false,
        },
      ],
    });
    expect(await (await getInbox(ben.legacyId)).json()).toEqual({ unread: 0, messages: [] });
    expect(await (await getInbox(ana.legacyId, OTHER_SHOP)).json()).toEqual({ unread: 0, messages: [] });
    const forged = await getInbox(ana.legacyId, SHOP, "not-the-secret");
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "invalid_signature" } });
    const guest = await getInbox(null);
    expect(guest.status).toBe(401);
    expect(await guest.json()).toMatchObject({ error: { code: "login_required" } });

    // Ben cannot mark her message read; bad bodies change nothing.
    expect((await markRead(ben.legacyId, { read: message!.id })).status).toBe(404);
    expect((await markRead(ana.legacyId, "{")).status).toBe(400);
    const invalid = await markRead(ana.legacyId, { read: "some" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { code: "invalid_request", fields: { read: expect.any(String) } },
    });
    expect((await db.inboxMessage.findUniqueOrThrow({ where: { id: message!.id } })).readAt).toBeNull();

    const read = await markRead(ana.legacyId, { read: message!.id });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ unread: 0, messages: [{ id: message!.id, read: true }] });
    const readAt = (await db.inboxMessage.findUniqueOrThrow({ where: { id: message!.id } })).readAt;
    expect(readAt).toBeInstanceOf(Date);
    // Reading again keeps the first time.
    await markRead(ana.legacyId, { read: "all" });
    expect((await db.inboxMessage.findUniqueOrThrow({ where: { id: message!.id } })).readAt).toEqual(readAt);

    // The admin's message log says where it went and that it was read.
    const page = await loadCampaignsPage(db, SHOP);
    expect(page.recent).toEqual([
      expect.objectContaining({
        id: send.id,
        channel: "inbox",
        status: "sent",
        readAt: readAt!.toISOString(),
      }),
    ]);
  });

  it("never writes two messages for one send, even with two workers at once", async () => {
    const campaign = await upgradeCampaign();
    const ana = await customer("Ana", false);
    const send = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: campaign.id,
        customerId: BigInt(ana.legacyId),
        occurrence: "x",
        channel: "inbox",
      },
    });
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => deliverSend(db, send.id, { finalAttempt: false })),
    );
    expect(outcomes.filter((o) => o.status === "sent")).toHaveLength(1);
    expect(await db.inboxMessage.count({ where: { sendId: send.id } })).toBe(1);
  });
});

describe("a measured campaign on the inbox", () => {
  it("writes each arm's own subject and body, with the member's personal line, and exposes the member", async () => {
    const campaign = await upgradeCampaign({ personalize: true });
    const variant = (key: string, subject: string, body: string) => ({
      key,
      name: key.toUpperCase(),
      weight: 50,
      subject,
      body,
      channel: "inbox",
    });
    const set = await setCampaignTest(db, SHOP, campaign.id, {
      holdoutPercent: 0,
      variants: [
        variant("a", "A for {firstName}", "Hello {firstName}.\n\nArm A's news."),
        variant("b", "B for {firstName}", "Hi {firstName}.\n\nArm B's news."),
      ],
    });
    if (!set.ok) throw new Error(JSON.stringify(set));
    const experiment = await campaignExperiment(db, SHOP, set.value.experimentId);
    // Members until both arms have one (the split is the experiment's hash over a random salt).
    const members = new Map<string, { id: bigint; name: string }>();
    for (let i = 0; members.size < 2 && i < 30; i++) {
      const name = `M${i}`;
      const c = await customer(name, false);
      members.set(armOf(SHOP, experiment, BigInt(c.legacyId))!.key, { id: BigInt(c.legacyId), name });
    }
    expect([...members.keys()].sort()).toEqual(["a", "b"]);

    for (const [arm, m] of members) {
      const send = await db.campaignSend.create({
        data: { shop: SHOP, campaignId: campaign.id, customerId: m.id, occurrence: "up", channel: "inbox" },
      });
      expect(await deliverSend(db, send.id, { finalAttempt: false }, { openAi: null })).toMatchObject({
        status: "sent",
      });
      const message = await db.inboxMessage.findUniqueOrThrow({ where: { sendId: send.id } });
      const [greeting, line, news] = message.body.split("\n\n");
      expect(message.title).toBe(`${arm.toUpperCase()} for ${m.name}`);
      expect(greeting).toBe(`${arm === "a" ? "Hello" : "Hi"} ${m.name}.`);
      // The writer's line (the template engine's: no OpenAI here) between the variant's paragraphs.
      expect(line).toMatch(/^(You are \d+ points from .+|You can already redeem .+)\.$/);
      expect(news).toBe(`Arm ${arm.toUpperCase()}'s news.`);
      expect(message).toMatchObject({ ctaLabel: "Shop now", ctaUrl: "/collections/all" });
      expect(await db.campaignSend.findUniqueOrThrow({ where: { id: send.id } })).toMatchObject({
        status: "sent",
        variantKey: arm,
        subject: message.title,
        providerMessageId: message.id,
      });
    }
    expect(
      await db.experimentExposure.count({ where: { shop: SHOP, experimentId: set.value.experimentId } }),
    ).toBe(2);
  });
});

describe("an email campaign's inbox fallback", () => {
  it("puts the message in the inbox of members it may not email, and only when asked", async () => {
    expect(
      await saveEmailSettings(db, SHOP, {
        fromEmail: "rewards@lamp.example",
        smtpHost: "127.0.0.1",
        smtpPort: 2525,
      }),
    ).toEqual({ ok: true });
    const withFallback = await upgradeCampaign({ channel: "email", inboxFallback: true, name: "With" });
    const without = await upgradeCampaign({ channel: "email", name: "Without" });
    const ana = await customer("Ana", false);
    const sends = await Promise.all(
      [withFallback, without].map((c) =>
        db.campaignSend.create({
          data: {
            shop: SHOP,
            campaignId: c.id,
            customerId: BigInt(ana.legacyId),
            occurrence: "up",
            channel: "email",
          },
        }),
      ),
    );
    expect(await deliverSend(db, sends[0]!.id, { finalAttempt: false })).toMatchObject({ status: "sent" });
    expect(await deliverSend(db, sends[1]!.id, { finalAttempt: false })).toEqual({
      status: "suppressed",
      reason: "No email marketing consent.",
    });
    expect(await db.campaignSend.findUniqueOrThrow({ where: { id: sends[0]!.id } })).toMatchObject({
      channel: "inbox",
      status: "sent",
      toAddress: null,
    });
    // A member the inbox cannot take either: the log gives both reasons.
    const cy = await customer("Cy", false);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: BigInt(cy.legacyId) } },
      data: { status: "excluded" },
    });
    const cySend = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: withFallback.id,
        customerId: BigInt(cy.legacyId),
        occurrence: "up",
        channel: "email",
      },
    });
    expect(await deliverSend(db, cySend.id, { finalAttempt: false })).toEqual({
      status: "suppressed",
      reason: "No email marketing consent. Inbox: Not an active member.",
    });
    expect(await db.inboxMessage.findMany({ select: { sendId: true, title: true } })).toEqual([
      // No order yet: the member has no tier, and the engine says so in its own words.
      { sendId: sends[0]!.id, title: "Ana, you are now Member" },
    ]);
  });

  it("counts inbox messages in the shop's cap on marketing messages per member", async () => {
    await saveEmailSettings(db, SHOP, {
      fromEmail: "rewards@lamp.example",
      smtpHost: "127.0.0.1",
      smtpPort: 2525,
      memberCapCount: 1,
      memberCapDays: 7,
    });
    const campaign = await upgradeCampaign();
    const ana = await customer("Ana", false);
    const [a, b] = await Promise.all(
      ["one", "two"].map((occurrence) =>
        db.campaignSend.create({
          data: {
            shop: SHOP,
            campaignId: campaign.id,
            customerId: BigInt(ana.legacyId),
            occurrence,
            channel: "inbox",
          },
        }),
      ),
    );
    expect(await deliverSend(db, a!.id, { finalAttempt: false })).toMatchObject({ status: "sent" });
    expect(await deliverSend(db, b!.id, { finalAttempt: false })).toEqual({
      status: "suppressed",
      reason: "Member cap: 1 marketing messages in 7 days.",
    });
    expect(await db.inboxMessage.count()).toBe(1);
  });
});
