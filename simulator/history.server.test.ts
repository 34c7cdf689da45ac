import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { emulatorGraphql } from "../tests/support/loyalty-world.server";
import { refreshLoyaltyStats } from "~/stats/refresh.server";
import { loadLoyaltyKpis } from "~/stats/kpis.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../emulator/server";
import { installApp, startTestEmulator } from "../emulator/testing";
import { deliverAll, historyRefundDeliveries, loadShopIntoStore } from "./history";
import { createHistoryRun, eraseShop, followBackfill, prepareShop } from "./history-app.server";
import { generateShop } from "./shop";

// The demo's history path end to end on a small shop: the generated shop goes into the
// emulator, the app's real backfill imports it (bulk operations → JSONL → mirror → ledger
// replay), history refunds arrive as signed refunds/create deliveries through the inbox,
// and the dashboard's KPIs read back what the generator made.

const db = prisma();
const DOMAIN = "history-e2e.myshopify.com";
const NOW = new Date();
const HISTORY_END = `${NOW.toISOString().slice(0, 10)}T00:00:00Z`;
const generated = generateShop({
  seed: 5,
  customers: 300,
  historyMonths: 2,
  historyEnd: HISTORY_END,
  domain: DOMAIN,
});

let emulator: Emulator;

beforeAll(async () => {
  await resetDatabase(db);
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  await closeBackfillPools();
});

describe("history mode on a small generated shop", () => {
  it("backfills it through the app and the dashboard shows what was generated", async () => {
    const stages: string[] = [];
    const loaded = loadShopIntoStore(emulator.store, generated, (p) => stages.push(p.stage));
    expect(new Set(stages)).toEqual(new Set(["products", "customers", "orders"]));
    const token = await installApp(emulator, DOMAIN);

    await prepareShop(db, generated);
    const run = await createHistoryRun(db, DOMAIN);
    const progress: string[] = [];
    const following = followBackfill(db, run.id, (line) => progress.push(line), { intervalMs: 50 });
    const done = await runBackfill(run.id, {
      db,
      graphql: emulatorGraphql(emulator, token),
      poll: { intervalMs: 20, maxIntervalMs: 100 },
    });
    await following;
    expect(done.status).toBe("completed");
    expect(progress.at(-1)).toMatch(/100%/);

    const buyers = generated.histories.filter((h) => h.orders > 0).length;
    expect(done.ordersLoaded).toBe(generated.orders.length);
    expect(done.customersLoaded).toBe(generated.customerInputs.length);
    expect(await db.order.count({ where: { shop: DOMAIN } })).toBe(generated.orders.length);

    // Refunds the bulk export does not carry arrive as webhooks and reverse points.
    const deliveries = historyRefundDeliveries(generated, loaded);
    expect(deliveries.length).toBeGreaterThan(0);
    const failures = await deliverAll(
      deliveries,
      async (d) => {
        const id = await recordDelivery(db, { topic: d.topic, shop: DOMAIN, payload: d.payload });
        const outcome = await processWebhookEvent(db, id);
        return { status: outcome === "processed" ? 200 : 500 };
      },
      { concurrency: 2 },
    );
    expect(failures).toEqual([]);
    expect(await db.refund.count({ where: { shop: DOMAIN } })).toBe(deliveries.length);
    expect(await db.ledgerEntry.count({ where: { shop: DOMAIN, kind: "refundReversal" } })).toBeGreaterThan(
      0,
    );

    await refreshLoyaltyStats(db, DOMAIN, { now: NOW, full: true });
    const kpis = await loadLoyaltyKpis(db, DOMAIN, NOW);
    // Every customer with an account is enrolled (automatic enrollment); buyers earned.
    expect(kpis.members).toBe(generated.customerInputs.length);
    const earners = await db.member.count({ where: { shop: DOMAIN, ordersEarned: { gt: 0 } } });
    expect(earners).toBeGreaterThan(buyers * 0.9);
    expect(earners).toBeLessThanOrEqual(buyers);
    // Points issued over the dashboard's window: at least 1 per dollar of the window's
    // merchandise (net of discounts), plus first-order bonuses.
    const windowStart = Date.parse(kpis.days[0]!.day);
    const merchandise = generated.orders
      .filter((o) => Date.parse(o.createdAt!) >= windowStart && !o.cancelledAt)
      .reduce(
        (sum, o) =>
          sum +
          o.lineItems.reduce((s, l) => s + Number(l.unitPrice) * l.quantity, 0) -
          Number(o.discountCodes?.[0]?.amount ?? 0),
        0,
      );
    expect(kpis.pointsIssued).toBeGreaterThan(merchandise * 0.95);
    expect(kpis.pointsIssued).toBeLessThan(merchandise * 1.6 + 50 * buyers);
    expect(kpis.outstandingPoints).toBeGreaterThan(0);
    expect(kpis.days.some((d) => d.issued > 0)).toBe(true);

    // A second demo run starts from nothing.
    await eraseShop(db, DOMAIN);
    expect(await db.order.count({ where: { shop: DOMAIN } })).toBe(0);
    expect(await db.member.count({ where: { shop: DOMAIN } })).toBe(0);
  }, 90_000);
});
