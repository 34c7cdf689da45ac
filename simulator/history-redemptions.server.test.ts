import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { refreshLoyaltyStats } from "~/stats/refresh.server";
import { emulatorGraphql } from "../tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../emulator/server";
import { installApp, startTestEmulator } from "../emulator/testing";
import { loadShopIntoStore } from "./history";
import { createHistoryRun, prepareShop } from "./history-app.server";
import { generateShop } from "./shop";

// A shop that ran a loyalty program before the app: 18 months of orders, some paid with
// its reward codes. The app's backfill must date each member's join at their first order
// or account creation, and import every past redemption the simulator recorded, once.

const db = prisma();
const DOMAIN = "history-redemptions.myshopify.com";
const NOW = new Date();
const HISTORY_END = `${NOW.toISOString().slice(0, 10)}T00:00:00Z`;
const generated = generateShop({
  seed: 11,
  customers: 300,
  historyMonths: 18,
  historyEnd: HISTORY_END,
  domain: DOMAIN,
  pastLoyalty: {},
});

let emulator: Emulator;
let graphql: ReturnType<typeof emulatorGraphql>;

beforeAll(async () => {
  await resetDatabase(db);
  emulator = await startTestEmulator();
  loadShopIntoStore(emulator.store, generated);
  graphql = emulatorGraphql(emulator, await installApp(emulator, DOMAIN));
  await prepareShop(db, generated);
});
afterAll(async () => {
  await emulator.close();
  await closeBackfillPools();
});

async function backfill() {
  const run = await createHistoryRun(db, DOMAIN, generated);
  return runBackfill(run.id, { db, graphql, poll: { intervalMs: 20, maxIntervalMs: 100 } });
}

// Shopify's DateTime has whole seconds.
const toSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

const redemptionRecords = async () =>
  (await db.redemption.findMany({ where: { shop: DOMAIN } }))
    .map((r) => ({
      code: r.code,
      customerId: Number(r.customerId),
      orderId: Number(r.usedOrderId),
      pointsCost: r.pointsCost,
      at: r.createdAt.toISOString(),
      status: r.status,
    }))
    .sort((a, b) => a.code!.localeCompare(b.code!));

describe("a backfilled shop with a past loyalty program", () => {
  it("dates joins from history and imports the simulator's redemptions exactly once", async () => {
    expect(generated.redemptions.length).toBeGreaterThan(10);
    const done = await backfill();
    expect(done.status).toBe("completed");

    // Join date: the first order or the account's creation, whichever is earlier.
    const firstOrder = new Map<number, number>();
    for (const o of generated.orders) {
      const at = Date.parse(o.createdAt!);
      const id = Number(o.customerId);
      firstOrder.set(id, Math.min(at, firstOrder.get(id) ?? Infinity));
    }
    const members = await db.member.findMany({ where: { shop: DOMAIN, status: "active" } });
    expect(members.length).toBe(generated.customerInputs.length);
    const joined = new Map(members.map((m) => [Number(m.customerId), m.enrolledAt?.toISOString()]));
    for (const c of generated.customerInputs) {
      const expected = Math.min(Date.parse(c.createdAt!), firstOrder.get(Number(c.id)) ?? Infinity);
      expect(joined.get(Number(c.id)), `customer ${c.id}`).toBe(toSecond(expected));
    }
    const joinedLastQuarter = members.filter(
      (m) => m.enrolledAt!.getTime() > NOW.getTime() - 90 * 86_400_000,
    ).length;
    expect(joinedLastQuarter).toBeLessThan(members.length / 2);

    // Past redemptions: one used Redemption and one redeem entry per simulated reward code.
    const expected = generated.redemptions
      .map((r) => ({
        code: r.code,
        customerId: r.customerId,
        orderId: r.orderId,
        pointsCost: r.pointsCost,
        at: toSecond(Date.parse(r.at)),
        status: "used",
      }))
      .sort((a, b) => a.code.localeCompare(b.code));
    expect(await redemptionRecords()).toEqual(expected);
    const debits = await db.ledgerEntry.findMany({ where: { shop: DOMAIN, kind: "redeem" } });
    expect(debits.map((e) => -e.points).sort()).toEqual(expected.map((r) => r.pointsCost).sort());
    expect(debits.every((e) => e.redemptionId !== null)).toBe(true);
    expect(done.redemptionsImported).toBe(expected.length);
    expect(done.redemptionsUnmatched).toBe(0);
    const members2 = await db.member.findMany({ where: { shop: DOMAIN } });
    expect(members2.every((m) => m.availablePoints + m.pendingPoints >= 0)).toBe(true);
    expect(members2.reduce((s, m) => s + m.redeemedPoints, 0)).toBe(
      expected.reduce((s, r) => s + r.pointsCost, 0),
    );

    // The dashboard counts them on their days, and the joins on theirs.
    await refreshLoyaltyStats(db, DOMAIN, { now: NOW, full: true });
    const days = await db.loyaltyStatsDaily.findMany({ where: { shop: DOMAIN } });
    expect(days.reduce((s, d) => s + d.redemptions, 0)).toBe(expected.length);
    expect(days.reduce((s, d) => s + d.newMembers, 0)).toBe(members.length);

    // A second import of the same history adds nothing.
    const entries = await db.ledgerEntry.count({ where: { shop: DOMAIN } });
    const again = await backfill();
    expect(again.status).toBe("completed");
    expect(again.redemptionsImported).toBe(0);
    expect(await db.ledgerEntry.count({ where: { shop: DOMAIN } })).toBe(entries);
    expect(await redemptionRecords()).toEqual(expected);
  }, 120_000);
});
