import { randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { adjustPoints } from "~/loyalty/services/adjustments.server";
import { emulatorGraphql } from "../tests/support/loyalty-world.server";
import { saveCampaign, saveSmsSettings } from "~/campaigns/campaigns.server";
import { deliverSend } from "~/campaigns/deliver.server";
import { channelTransport } from "~/campaigns/providers.server";
import { action as inboxAction, loader as inboxLoader } from "~/routes/proxy.inbox";
import { action as redeemAction } from "~/routes/proxy.redeem";
import { loader as statusLoader } from "~/routes/proxy.status";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { sessionStorage } from "~/shopify.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { recordDelivery, resetDatabase, TEST_SECRET } from "~tests/support/webhooks.server";
import type { Emulator } from "../emulator/server";
import { installApp, startTestEmulator } from "../emulator/testing";
import { loadShopIntoStore } from "./history";
import { createHistoryRun, prepareShop, readAppState } from "./history-app.server";
import { LiveSimulation } from "./live";
import { responseSchema } from "./scenario/schema";
import { generateShop } from "./shop";

// Live mode against the app in-process: webhooks go through the app's inbox and handlers,
// storefront calls through the real proxy routes (signed, the library's HMAC check), codes
// are created in the emulator by the app, and customers' choices follow the app's state.

const db = prisma();
const DOMAIN = "live-e2e.myshopify.com";
const NOW = new Date();
const generated = generateShop({
  seed: 21,
  customers: 300,
  historyMonths: 3,
  historyEnd: `${NOW.toISOString().slice(0, 10)}T00:00:00Z`,
  domain: DOMAIN,
});

let emulator: Emulator;

beforeAll(async () => {
  await resetDatabase(db);
  emulator = await startTestEmulator();
  routeShopifyTo(emulator.url);
  loadShopIntoStore(emulator.store, generated);
  const token = await installApp(emulator, DOMAIN);
  const session = new Session({ id: `offline_${DOMAIN}`, shop: DOMAIN, state: "", isOnline: false });
  session.accessToken = token;
  session.scope = "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts";
  await sessionStorage.storeSession(session);
  await prepareShop(db, generated);
  const run = await createHistoryRun(db, DOMAIN);
  await runBackfill(run.id, { db, graphql: emulatorGraphql(emulator, token), poll: { intervalMs: 20 } });
});
afterAll(async () => {
  await emulator.close();
  await closeBackfillPools();
});

describe("live mode", () => {
  it("sends orders, sign-ups and refunds the app credits, and redeems through the proxy", async () => {
    // Buyers shop often and redeem whenever they can afford a reward; some hold enough points.
    const buyers = generated.customers.filter((c) => c.latent.buyer).slice(0, 40);
    for (const c of buyers)
      await adjustPoints(db, {
        shop: DOMAIN,
        customerId: BigInt(c.id),
        points: 2_000,
        reason: "live test",
        staffId: "test",
        adjustmentId: randomUUID(),
        now: new Date(),
      });
    const topics: string[] = [];
    // The app's email to the buyers, as the mail catcher holds it: each has the app's open
    // pixel and a tracked link (and an unsubscribe link a reader must never follow).
    const mail = buyers.map((c, i) => ({
      id: i + 1,
      to: [c.email.toUpperCase()],
      subject: "Your points",
      html: `<img src="https://app.test/o/${i}.gif"><a href="https://app.test/unsubscribe?t=${i}">Unsubscribe</a><a href="https://app.test/c/${i}">Shop</a>`,
    }));
    const visited: string[] = [];
    const live = new LiveSimulation({
      emulator: {
        store: emulator.store,
        sendWebhook: async (delivery) => {
          topics.push(delivery.topic);
          const id = await recordDelivery(db, {
            topic: delivery.topic,
            shop: DOMAIN,
            payload: delivery.payload,
          });
          const outcome = await processWebhookEvent(db, id);
          return { status: outcome === "processed" ? 200 : 500, webhookId: id, eventId: id, body: "" };
        },
      },
      generated,
      readAppState: () => readAppState(db, DOMAIN, new Date()),
      appUrl: "https://app.test",
      apiSecret: TEST_SECRET,
      response: responseSchema.parse({
        membership: { frequencyLift: 2 },
        redemption: { intercept: 8, perCurrencyUnit: 0, maxProbability: 0.95 },
      }),
      ordersPerMinute: 60_000_000,
      signupsPerDay: 1,
      seed: 4,
      fetch: async (input, init) => {
        const request = new Request(String(input), init);
        const path = new URL(request.url).pathname;
        if (path === "/proxy/status") return statusLoader({ request, params: {}, context: {} });
        if (path === "/proxy/redeem") return redeemAction({ request, params: {}, context: {} });
        visited.push(path);
        return new Response("", { status: path.startsWith("/c/") ? 302 : 200 });
      },
      messages: () => mail,
    });
    while (live.stats.days < 40 && (live.stats.orders < 25 || live.stats.redemptions < 3))
      await live.runDay();
    const s = live.stats;

    expect(s.webhookFailures).toBe(0);
    expect(s.signups).toBe(s.days);
    expect(s.orders).toBeGreaterThanOrEqual(25);
    expect(s.redemptions).toBeGreaterThanOrEqual(3);
    expect(s.redeemRefusals, live.lastRefusal ?? "").toBe(0);
    expect(topics.filter((t) => t === "orders/paid")).toHaveLength(s.orders);
    expect(topics.filter((t) => t === "customers/create")).toHaveLength(s.days);

    // Every buyer read their message once; the ones who opened it loaded the pixel, the ones
    // who clicked followed the tracked link, and nobody followed the unsubscribe link.
    expect(s.messagesReceived).toBe(buyers.length);
    expect(s.messagesOpened).toBeGreaterThan(0);
    expect(visited.filter((p) => p.startsWith("/o/"))).toHaveLength(s.messagesOpened);
    expect(visited.filter((p) => p.startsWith("/c/"))).toHaveLength(s.messagesClicked);
    expect(visited.some((p) => p.startsWith("/unsubscribe"))).toBe(false);

    // The app mirrored every live order and credited it; the redeemed codes came back on orders.
    const liveOrders = await db.order.count({ where: { shop: DOMAIN, shopifyCreatedAt: { gte: NOW } } });
    expect(liveOrders).toBe(s.orders);
    const redemptions = await db.redemption.findMany({ where: { shop: DOMAIN } });
    expect(redemptions).toHaveLength(s.redemptions);
    expect(redemptions.every((r) => r.code && r.status === "used")).toBe(true);
    expect(s.codesUsed).toBe(s.redemptions);
    const shop = emulator.store.requireShop(DOMAIN);
    const withCodes = [...shop.orders.values()].filter((o) =>
      o.discountCodes.some((d) => redemptions.some((r) => r.code === d.code)),
    );
    expect(withCodes).toHaveLength(s.redemptions);
    const earned = await db.ledgerEntry.count({
      where: { shop: DOMAIN, kind: "earn", occurredAt: { gte: NOW } },
    });
    expect(earned).toBe(s.orders);
    // Returns arrive as refunds/create and are mirrored (history refunds were not sent here).
    expect(await db.refund.count({ where: { shop: DOMAIN } })).toBe(s.refunds);
    expect(topics.filter((t) => t === "refunds/create")).toHaveLength(s.refunds);
  }, 120_000);

  it("reads the app's texts at the Twilio stand-in and the widget inbox through the proxy on store visits", async () => {
    const ACCOUNT = `AC${"7".repeat(32)}`;
    emulator.twilio.accounts.set(ACCOUNT, "live-token");
    const sms = await saveSmsSettings(db, DOMAIN, {
      twilioAccountSid: ACCOUNT,
      twilioAuthToken: "live-token",
      twilioFrom: "+15550009999",
    });
    expect(sms.ok).toBe(true);
    const campaign = (channel: "sms" | "inbox") =>
      saveCampaign(db, DOMAIN, {
        name: `Live ${channel}`,
        kind: "trigger",
        trigger: "tierUpgrade",
        channel,
        subject: "Points for you, {firstName}",
        body: "Hi {firstName}, your points are waiting: https://shop.example/collections/all",
        smsBody:
          channel === "sms" ? "Hi {firstName}, your points are waiting: https://app.test/c/points" : null,
        enabled: true,
      });
    const texting = await campaign("sms");
    const inboxing = await campaign("inbox");
    if (!texting.ok || !inboxing.ok) throw new Error(JSON.stringify([texting, inboxing]));
    // The app delivers to twenty buyers with a phone by text and twenty others in the inbox.
    const buyers = generated.customers.filter((c) => c.latent.buyer);
    const texted = buyers.filter((c) => c.phone).slice(0, 20);
    const inboxed = buyers.filter((c) => !texted.includes(c)).slice(0, 20);
    const urls = { twilio: `${emulator.url}/twilio`, klaviyo: `${emulator.url}/klaviyo` };
    for (const [list, c] of [
      [texted, texting.campaign],
      [inboxed, inboxing.campaign],
    ] as const)
      for (const customer of list) {
        const send = await db.campaignSend.create({
          data: {
            shop: DOMAIN,
            campaignId: c.id,
            customerId: BigInt(customer.id),
            occurrence: "live",
            channel: c.channel,
          },
        });
        const outcome = await deliverSend(
          db,
          send.id,
          { finalAttempt: true },
          {
            transportFor: (s, ch) => channelTransport(s, ch, urls),
            statusCallback: () => null,
            openAi: null,
          },
        );
        expect(outcome.status, JSON.stringify(outcome)).toBe("sent");
      }
    expect(emulator.twilio.messages).toHaveLength(20);

    const visited: string[] = [];
    const inboxRequests: string[] = [];
    const live = new LiveSimulation({
      emulator: {
        store: emulator.store,
        sendWebhook: async (delivery) => {
          const id = await recordDelivery(db, {
            topic: delivery.topic,
            shop: DOMAIN,
            payload: delivery.payload,
          });
          const outcome = await processWebhookEvent(db, id);
          return { status: outcome === "processed" ? 200 : 500, webhookId: id, eventId: id, body: "" };
        },
      },
      generated,
      readAppState: () => readAppState(db, DOMAIN, new Date()),
      appUrl: "https://app.test",
      apiSecret: TEST_SECRET,
      // Everyone reads a text; members visit the store about daily and read what they find.
      response: responseSchema.parse({
        channels: { sms: { readRate: 1, clickMultiplier: 5 }, inbox: { readRate: 1, visitsPerOrder: 100 } },
      }),
      ordersPerMinute: 60_000_000,
      signupsPerDay: 0,
      seed: 5,
      fetch: async (input, init) => {
        const request = new Request(String(input), init);
        const path = new URL(request.url).pathname;
        if (path === "/proxy/inbox") {
          inboxRequests.push(request.method);
          return request.method === "POST"
            ? inboxAction({ request, params: {}, context: {} })
            : inboxLoader({ request, params: {}, context: {} });
        }
        if (path === "/proxy/status") return statusLoader({ request, params: {}, context: {} });
        if (path === "/proxy/redeem") return redeemAction({ request, params: {}, context: {} });
        visited.push(path);
        return new Response("", { status: 302 });
      },
      texts: () =>
        emulator.twilio.messages.map((m, i) => ({
          id: i + 1,
          to: [m.to],
          subject: "",
          html: null,
          text: m.body,
        })),
      inbox: true,
    });
    const inboxIds = inboxed.map((c) => BigInt(c.id));
    const unread = () =>
      db.inboxMessage.count({ where: { shop: DOMAIN, customerId: { in: inboxIds }, readAt: null } });
    while (live.stats.days < 30 && (await unread()) > 0) await live.runDay();
    const s = live.stats;

    // Every text reached its customer by number; they read it and followed its link to the app.
    expect(s.textsReceived).toBe(20);
    expect(s.messagesClicked).toBeGreaterThan(0);
    expect(visited.filter((p) => p.startsWith("/c/"))).toHaveLength(s.messagesClicked);
    expect(visited.some((p) => p.startsWith("/o/"))).toBe(false);
    // Inbox members who visited fetched their inbox through the signed proxy and marked it read there.
    expect(s.inboxVisits).toBeGreaterThanOrEqual(20);
    expect(inboxRequests.filter((m) => m === "POST")).toHaveLength(s.inboxRead);
    expect(await unread()).toBeLessThanOrEqual(2);
    expect(s.inboxRead).toBeGreaterThanOrEqual(18);
    // The app counts each read as an open of its send.
    const opens = await db.messageEvent.count({
      where: { shop: DOMAIN, campaignId: inboxing.campaign.id, kind: "open" },
    });
    expect(opens).toBe(s.inboxRead);
  }, 180_000);
});
