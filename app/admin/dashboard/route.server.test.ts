import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { saveProgram } from "~/loyalty/services/program.server";
import { forgetBusinessFigures } from "~/stats/business.server";
import { action, loader } from "~/routes/app._index";
import { recordWidgetSeen } from "~/storefront/widget-seen.server";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";

// The dashboard (/app) through its route: the first load of a shop whose install was not
// recorded yet records it from Shopify (the emulator) and queues the first import; the
// period in the URL chooses the figures; the onboarding checklist follows what the shop
// has done and can be dismissed.

const db = prisma();
const SHOP = "dashboard-route.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(async () => {
  await emulator.close();
  await closeQueues();
});

beforeEach(async () => {
  await resetDatabase(db);
  forgetBusinessFigures();
  await queue(QUEUE.backfill).obliterate({ force: true });
  emulator.store.createShop({ domain: SHOP, name: "Dashboard Route", currencyCode: "EUR" });
  await storeOfflineSession(emulator, SHOP);
});

const load = (path = "/app") => loader(routeArgs(adminRequest(SHOP, path)));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app", form))).then(answer);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

async function seedOrders() {
  await db.member.create({ data: { shop: SHOP, customerId: 1n, enrolledAt: daysAgo(400) } });
  const order = (id: bigint, customerId: bigint | null, euros: number, at: Date) => ({
    shop: SHOP,
    id,
    customerId,
    name: `#${id}`,
    currencyCode: "EUR",
    subtotalMinor: BigInt(euros * 100),
    totalMinor: BigInt(euros * 100),
    financialStatus: "paid",
    processedAt: at,
    shopifyCreatedAt: at,
  });
  await db.order.createMany({
    data: [
      order(1n, 1n, 60, daysAgo(2)),
      order(2n, null, 40, daysAgo(3)),
      order(3n, 1n, 100, daysAgo(45)), // in the 90-day period, not the 30-day one
    ],
  });
}

describe("/app", () => {
  it("records the install on the first load, queues the first import, and shows a checklist", async () => {
    const page = await load();
    expect(await db.shop.findUnique({ where: { domain: SHOP } })).toMatchObject({
      name: "Dashboard Route",
      currencyCode: "EUR",
    });
    const run = await db.backfillRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run).toMatchObject({ trigger: "install", historyEarnsPoints: false });
    expect(await queue(QUEUE.backfill).getJob(run.id)).toBeDefined();
    expect(page.incremental.state).toBe("none");
    expect(page.importing).toEqual({ progress: 0, step: "Shopify is exporting products" });
    expect(page.onboarding.show).toBe(true);
    expect(page.onboarding.steps.map((s) => [s.id, s.done])).toEqual([
      ["program", false],
      ["widget", false],
      ["perks", true], // the default tiers promise no checkout discount
      ["notices", true], // the default points never expire
    ]);
  });

  it("shows the chosen period's figures in the shop's currency against the period before", async () => {
    await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Berlin" } });
    await seedOrders();
    const first = await load("/app?period=30");
    expect(first.importing).toBeNull();
    const month = first.business;
    expect(month.period.days).toBe(30);
    expect(month.headline[0]).toMatchObject({
      label: "Revenue from members",
      value: "€60.00",
      previous: "€100.00 in the previous 30 days",
      change: { text: "−40%", tone: "critical" },
    });
    expect(month.headline[1]).toMatchObject({ label: "Share of all revenue", value: "60%" });
    expect(month.revenueChart).toHaveLength(30);

    const quarter = (await load("/app?period=90")).business;
    expect(quarter.headline[0]).toMatchObject({ value: "€160.00", change: null });
    // An unknown period is the default, not an error.
    expect((await load("/app?period=7")).business.period.days).toBe(30);
  });

  it("ticks off the program and the widget when the shop has done them, and hides the checklist when all are done", async () => {
    await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR" } });
    await load();
    await saveProgram(db, SHOP, { currency: "EUR" }, { basedOn: 1 });
    await recordWidgetSeen(db, SHOP, new Date());
    const { onboarding } = await load();
    expect(onboarding.steps.every((s) => s.done)).toBe(true);
    expect(onboarding.show).toBe(false);
  });

  it("hides the checklist once dismissed, and answers 400 to any other form", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    expect(await submit({ intent: "something-else" })).toEqual({
      status: 400,
      body: { ok: false, error: "The form was not understood." },
    });
    expect((await load()).onboarding.show).toBe(true);
    expect(await submit({ intent: "dismiss-onboarding" })).toEqual({ status: 200, body: { ok: true } });
    expect((await load()).onboarding.show).toBe(false);
  });
});
