import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveEmailSettings } from "~/campaigns/campaigns.server";
import { prisma } from "~/db.server";
import { runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { sessionStorage } from "~/shopify.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { emulatorGraphql } from "../tests/support/loyalty-world.server";
import { startMailbox, type Mailbox } from "../emulator/mail/mailbox";
import type { Emulator } from "../emulator/server";
import { installApp, startTestEmulator } from "../emulator/testing";
import { DEMO_CAMPAIGN_DAYS, startDemoCampaignTest } from "./demo-campaign-test.server";
import { loadShopIntoStore } from "./history";
import { createHistoryRun, prepareShop } from "./history-app.server";
import { generateShop } from "./shop";

// The demo's measured broadcast on a small backfilled shop: the app sends it by email to the
// mail catcher, its readers open it through the app's pixel and buy more, their extra orders
// reach the app as signed webhooks dated after the send (mirrored and credited by the app's
// pipeline, in-process here), and the report's incremental margin is printed next to the truth.

const db = prisma();
const DOMAIN = "demo-campaign-test.myshopify.com";
const NOW = new Date();
const historyEnd = new Date(`${NOW.toISOString().slice(0, 10)}T00:00:00Z`);
const generated = generateShop({
  seed: 23,
  customers: 600,
  historyMonths: 3,
  historyEnd: historyEnd.toISOString(),
  domain: DOMAIN,
});

let emulator: Emulator;
let mailbox: Mailbox;

beforeAll(async () => {
  await resetDatabase(db);
  emulator = await startTestEmulator();
  mailbox = await startMailbox({ port: 0, limit: 10_000 });
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
  const saved = await saveEmailSettings(db, DOMAIN, {
    fromEmail: "rewards@demo.example",
    smtpHost: "127.0.0.1",
    smtpPort: mailbox.port,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
}, 120_000);
afterAll(async () => {
  await mailbox.close();
  await emulator.close();
  await closeBackfillPools();
});

describe("the demo's measured broadcast", () => {
  it("gets extra orders from its readers through the pipeline and prints the true margin beside the report's", async () => {
    const topics: string[] = [];
    const paid: bigint[] = [];
    const result = await startDemoCampaignTest(
      db,
      DOMAIN,
      generated,
      {
        store: emulator.store,
        mail: mailbox,
        sendWebhook: async (delivery) => {
          topics.push(delivery.topic);
          if (delivery.topic === "orders/paid") paid.push(BigInt((delivery.payload as { id: number }).id));
          const id = await recordDelivery(db, {
            topic: delivery.topic,
            shop: DOMAIN,
            payload: delivery.payload,
          });
          const outcome = await processWebhookEvent(db, id);
          return { status: outcome === "processed" ? 200 : 500, webhookId: id, eventId: id, body: "" };
        },
      },
      historyEnd,
    );
    expect(result.sent).toBeGreaterThan(100);
    expect(result.opened).toBeGreaterThan(0);
    expect(result.extraOrders).toBeGreaterThan(0);
    expect(topics.filter((t) => t === "orders/paid")).toHaveLength(result.extraOrders);

    // Every extra order is the app's now: mirrored, dated after the send and before the end, credited.
    const sendAt = historyEnd.getTime() - DEMO_CAMPAIGN_DAYS * 86_400_000;
    const mirrored = await db.order.findMany({
      where: { shop: DOMAIN, id: { in: paid } },
      select: { processedAt: true },
    });
    expect(mirrored).toHaveLength(result.extraOrders);
    expect(mirrored.every((o) => o.processedAt!.getTime() > sendAt && o.processedAt! < historyEnd)).toBe(
      true,
    );
    const credited = await db.ledgerEntry.count({
      where: { shop: DOMAIN, kind: "earn", occurredAt: { gt: new Date(sendAt) } },
    });
    expect(credited).toBeGreaterThanOrEqual(result.extraOrders);

    // Both variants measured; the truth is an exact positive margin for the stronger one.
    const [reminder, nearest] = result.variants;
    expect(reminder && nearest).toBeTruthy();
    expect(nearest!.truth).toBeGreaterThan(0);
    expect(nearest!.truth).toBeGreaterThanOrEqual(reminder!.truth * 0.5);
    expect(result.line).toMatch(/nearest-reward -?\d+ \[-?\d+, -?\d+\] \(true \d+\)/);
  }, 180_000);
});
