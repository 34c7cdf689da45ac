import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import {
  computeSegments,
  latestSegments,
  loadAggregates,
  RUNS_KEPT,
  startSegmentRun,
} from "./compute.server";
import { orderTotal, seedSimulatedShop, simulatedShop } from "./segments-testing.server";
import type { SegmentSummary } from "./summary";

// A small simulator shop written straight into the mirror and the member table; the
// features the SQL loads are checked against the generated orders and refunds directly.

const db = prisma();
const SHOP = "segments-sim.myshopify.com";
const OTHER = "segments-other.myshopify.com";
const NOW = new Date("2026-12-01T00:00:00Z");
const generated = simulatedShop(SHOP, 300, NOW);
const seed = (shop: string, customers?: typeof generated.customerInputs, orders?: typeof generated.orders) =>
  seedSimulatedShop(db, shop, generated, { customers, orders });

async function run(shop: string) {
  const { id } = await startSegmentRun(db, shop, NOW);
  const progress: number[] = [];
  await computeSegments(db, id, { now: NOW, onProgress: (p) => void progress.push(p) });
  return { id, progress };
}

beforeEach(async () => {
  await resetDatabase(db);
});

describe("segment service on a simulator shop", () => {
  it("loads each member's orders net of refunds, as the generator made them", async () => {
    await seed(SHOP);
    const aggregates = await loadAggregates(db, SHOP, NOW);
    expect(aggregates).toHaveLength(generated.customerInputs.length);
    const refunded = new Map<number, number>();
    for (const r of generated.refunds) refunded.set(r.orderId, (refunded.get(r.orderId) ?? 0) + r.totalMinor);
    for (const a of aggregates) {
      const own = generated.orders.filter((o) => String(o.customerId) === a.customerId && !o.cancelledAt);
      expect(a.orderCount).toBe(own.length);
      expect(a.grossMinor).toBe(own.reduce((s, o) => s + orderTotal(o), 0));
      expect(a.refundedMinor).toBe(own.reduce((s, o) => s + (refunded.get(Number(o.id)) ?? 0), 0));
      const last = own.length ? Math.max(...own.map((o) => Date.parse(o.processedAt!))) : null;
      expect(a.lastOrderAt).toBe(last);
    }
  });

  it("stores segments, clusters and a summary, reports progress, and shows the trend on the next run", async () => {
    await seed(SHOP);
    await seed(OTHER, generated.customerInputs.slice(0, 5), []);
    const first = await run(SHOP);
    expect(first.progress).toEqual([30, 70, 80, 100]);
    const stored = await db.segmentRun.findUniqueOrThrow({ where: { id: first.id } });
    const summary = stored.summary as SegmentSummary;
    expect(stored.status).toBe("completed");
    expect(summary.notEnoughData).toBeNull();
    const rows = await db.memberSegment.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(summary.buyerCount);
    expect(summary.buyerCount).toBeGreaterThan(50);
    expect(summary.segments.reduce((s, x) => s + x.count, 0)).toBe(summary.buyerCount);
    expect(summary.segments.reduce((s, x) => s + x.revenueMinor, 0)).toBe(
      rows.reduce((s, r) => s + Number(r.monetaryMinor), 0),
    );
    expect(summary.grid.flat().reduce((s, x) => s + x, 0)).toBe(summary.buyerCount);
    expect(summary.segments.every((s) => s.previousCount === null)).toBe(true);
    const clusters = summary.clusters;
    if (!clusters.ok) throw new Error(clusters.reason);
    expect(clusters.clusters.reduce((s, c) => s + c.size, 0)).toBe(summary.buyerCount);
    expect(rows.every((r) => r.cluster !== null && r.cluster < clusters.k)).toBe(true);

    const second = await run(SHOP);
    const again = (await db.segmentRun.findUniqueOrThrow({ where: { id: second.id } }))
      .summary as SegmentSummary;
    expect(again.segments.map((s) => s.previousCount)).toEqual(summary.segments.map((s) => s.count));
    const latest = await latestSegments(db, SHOP);
    expect(latest.summary?.segments).toEqual(again.segments);
    expect(latest.pending).toBeNull();
    expect(await db.memberSegment.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("says what is needed for a shop with too little history, and joins a run in progress", async () => {
    await seed(OTHER, generated.customerInputs.slice(0, 30), generated.orders.slice(0, 6));
    const started = await startSegmentRun(db, OTHER, NOW);
    expect(await startSegmentRun(db, OTHER, NOW)).toEqual({ id: started.id, created: false });
    await computeSegments(db, started.id, { now: NOW });
    const { summary } = await latestSegments(db, OTHER);
    expect(summary?.notEnoughData?.needed).toMatch(/at least 20 members with an order/);
    expect(await db.memberSegment.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("shows no trend against a previous run that had too little data", async () => {
    await seed(SHOP, generated.customerInputs, generated.orders.slice(0, 5));
    await run(SHOP);
    await db.order.deleteMany({ where: { shop: SHOP } });
    await db.order.createMany({
      data: generated.orders.map((o) => ({
        shop: SHOP,
        id: BigInt(o.id!),
        customerId: o.customerId ? BigInt(o.customerId) : null,
        name: o.name!,
        currencyCode: "USD",
        subtotalMinor: 0n,
        totalMinor: BigInt(orderTotal(o)),
        processedAt: new Date(o.processedAt!),
      })),
    });
    const { id } = await run(SHOP);
    const summary = (await db.segmentRun.findUniqueOrThrow({ where: { id } })).summary as SegmentSummary;
    expect(summary.notEnoughData).toBeNull();
    expect(summary.segments.every((s) => s.previousCount === null)).toBe(true);
  });

  it("keeps the latest runs of a shop only", async () => {
    await seed(OTHER, generated.customerInputs.slice(0, 3), []);
    await db.segmentRun.createMany({
      data: Array.from({ length: RUNS_KEPT + 5 }, (_, i) => ({
        shop: OTHER,
        status: "completed" as const,
        startedAt: new Date(NOW.getTime() - (i + 1) * 86_400_000),
      })),
    });
    await db.segmentRun.create({ data: { shop: SHOP, status: "completed", startedAt: new Date(0) } });
    await run(OTHER);
    expect(await db.segmentRun.count({ where: { shop: OTHER } })).toBe(RUNS_KEPT);
    expect(await db.segmentRun.count({ where: { shop: SHOP } })).toBe(1);
  });
});
