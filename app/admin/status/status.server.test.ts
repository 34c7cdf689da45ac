import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { recordDelivery } from "~tests/support/webhooks.server";
import { loadStatus, loadSyncCounts } from "./status.server";

const SHOP = "dash-one.myshopify.com";
const OTHER = "dash-other.myshopify.com";
const db = prisma();
const now = new Date("2026-03-02T15:00:00Z");
const noJobs = { queueHealth: async () => [], workerHeartbeats: async () => [] };

async function seed(shop: string, n: { customers: number; orders: number; products: number }) {
  await db.customer.createMany({
    data: Array.from({ length: n.customers }, (_, i) => ({ shop, id: BigInt(i + 1) })),
  });
  await db.order.createMany({
    data: Array.from({ length: n.orders }, (_, i) => ({
      shop,
      id: BigInt(i + 1),
      name: `#${1001 + i}`,
      currencyCode: "EUR",
      subtotalMinor: 1000n,
      totalMinor: 1200n,
    })),
  });
  await db.product.createMany({
    data: Array.from({ length: n.products }, (_, i) => ({ shop, id: BigInt(i + 1), title: `P${i}` })),
  });
}

function event(
  shop: string,
  webhookId: string,
  status: "received" | "processed" | "failed",
  processedAt?: Date,
) {
  return { shop, webhookId, topic: "orders/paid", payload: {}, status, processedAt };
}

beforeEach(async () => {
  await db.$executeRawUnsafe(`TRUNCATE "Customer", "Order", "Product", "WebhookEvent", "Shop"`);
});
afterAll(async () => {
  await db.$disconnect();
});

describe("loadSyncCounts", () => {
  it("counts only the given shop's mirrored rows and inbox events", async () => {
    await seed(SHOP, { customers: 3, orders: 2, products: 1 });
    await seed(OTHER, { customers: 7, orders: 5, products: 4 });
    await db.webhookEvent.createMany({
      data: [
        event(SHOP, "a", "received"),
        event(SHOP, "b", "received"),
        event(SHOP, "c", "failed"),
        event(SHOP, "d", "processed", new Date("2026-03-02T14:00:00Z")),
        event(SHOP, "e", "processed", new Date("2026-03-02T14:30:00Z")),
        event(OTHER, "f", "received"),
        event(OTHER, "g", "failed"),
        event(OTHER, "h", "processed", new Date("2026-03-02T14:59:00Z")),
      ],
    });
    expect(await loadSyncCounts(db, SHOP)).toEqual({
      customers: 3,
      orders: 2,
      products: 1,
      backlog: 2,
      failed: 1,
      lastProcessedAt: "2026-03-02T14:30:00.000Z",
    });
  });

  it("reports an empty shop as zeros with nothing processed", async () => {
    await seed(OTHER, { customers: 1, orders: 1, products: 1 });
    expect(await loadSyncCounts(db, SHOP)).toEqual({
      customers: 0,
      orders: 0,
      products: 0,
      backlog: 0,
      failed: 0,
      lastProcessedAt: null,
    });
  });
});

describe("loadStatus", () => {
  it("shows the shop's install in its time zone and its sync state", async () => {
    await db.shop.create({
      data: {
        domain: SHOP,
        name: "Dash One",
        planName: "Basic",
        currencyCode: "EUR",
        ianaTimezone: "Europe/Berlin",
        installedAt: new Date("2026-01-15T09:30:00Z"),
      },
    });
    await db.shop.create({ data: { domain: OTHER, name: "Someone else" } });
    await seed(SHOP, { customers: 2, orders: 0, products: 0 });
    await db.webhookEvent.create({ data: event(SHOP, "x", "processed", new Date("2026-03-02T14:58:00Z")) });

    const dashboard = await loadStatus(SHOP, { db, now: () => now, ...noJobs });
    expect(dashboard.install).toEqual({
      name: "Dash One",
      domain: SHOP,
      status: "installed",
      planName: "Basic",
      currencyCode: "EUR",
      installedSince: "Jan 15, 2026, 10:30 AM GMT+1",
    });
    expect(dashboard.sync).toMatchObject({
      customers: 2,
      status: { tone: "success", label: "Up to date" },
      lastProcessed: { ago: "2 minutes ago", at: "Mar 2, 2026, 3:58 PM GMT+1" },
    });
    expect(dashboard.jobs.status).toEqual({ tone: "critical", label: "No worker running" });
  });

  it("lists the latest failed events with their reasons, newest first, for this shop only", async () => {
    await db.shop.create({ data: { domain: SHOP, ianaTimezone: "Europe/Berlin" } });
    // A delivery whose body PostgreSQL cannot store, through the real intake.
    await recordDelivery(db, {
      topic: "customers/update",
      shop: SHOP,
      payload: { id: 1, first_name: "A\u0000" },
      triggeredAt: "2026-03-02T14:00:00Z",
    });
    await db.webhookEvent.create({
      data: {
        ...event(SHOP, "bad-input", "failed"),
        receivedAt: new Date("2026-03-02T14:30:00Z"),
        lastError: "UnrecoverableError: Invalid orders/paid payload: line_items.0.quantity: Too big",
      },
    });
    await db.webhookEvent.create({ data: { ...event(OTHER, "theirs", "failed"), lastError: "not yours" } });

    const { sync } = await loadStatus(SHOP, { db, now: () => now, ...noJobs });
    expect(sync.failed).toBe(2);
    expect(sync.status).toEqual({ tone: "critical", label: "2 events failed" });
    expect(sync.failedEvents.map((e) => [e.topic, e.receivedAt, e.reason])).toEqual([
      [
        "orders/paid",
        "Mar 2, 2026, 3:30 PM GMT+1",
        "UnrecoverableError: Invalid orders/paid payload: line_items.0.quantity: Too big",
      ],
      [
        "customers/update",
        "Mar 2, 2026, 3:00 PM GMT+1",
        expect.stringMatching(/^Not processed: the body holds 1 \\u0000/),
      ],
    ]);
  });

  it("says so when the shop has not been recorded", async () => {
    const dashboard = await loadStatus(SHOP, { db, now: () => now, ...noJobs });
    expect(dashboard.install).toBeNull();
  });

  it("lists live workers and queue counts", async () => {
    const worker = {
      id: "host-a:42:abcd",
      host: "host-a",
      pid: 42,
      startedAt: "2026-03-02T12:00:00Z",
      lastBeatAt: "2026-03-02T14:59:55Z",
      queues: ["webhooks"],
    };
    const queue = { name: "webhooks", waiting: 3, active: 1, delayed: 0, failed: 2, completed: 40 };
    const dashboard = await loadStatus(SHOP, {
      db,
      now: () => now,
      queueHealth: async () => [queue],
      workerHeartbeats: async () => [worker],
    });
    expect(dashboard.jobs.status).toEqual({ tone: "success", label: "1 worker running" });
    expect(dashboard.jobs.queues).toEqual([queue]);
    expect(dashboard.jobs.workers).toEqual([
      expect.objectContaining({ host: "host-a", pid: 42, late: false, lastBeat: "5 seconds ago" }),
    ]);
  });

  it("shows queue state as unavailable when Redis fails, without the error text", async () => {
    const dashboard = await loadStatus(SHOP, {
      db,
      now: () => now,
      queueHealth: async () => {
        throw new Error("connect ECONNREFUSED redis-internal.example:6379");
      },
      workerHeartbeats: async () => [],
    });
    expect(dashboard.jobs.status).toEqual({ tone: "critical", label: "Queue status unavailable" });
    expect(dashboard.jobs.unavailableReason).not.toContain("redis-internal");
    expect(dashboard.sync.customers).toBe(0);
  });
});
