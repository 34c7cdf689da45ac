import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { maintenanceProcessor } from "../../workers/processors/maintenance";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, createQueue, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import {
  aggregateRefreshId,
  experimentAggregate,
  refreshExperimentAggregate,
  requestAggregateRefresh,
} from "./aggregates.server";
import { createExperiment, getExperiment, startHoldout } from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";
import { experimentReport, holdoutReport } from "./report.server";

// The stored report aggregate (ADR 0052): a report from stored rows
// is the live report as of the refresh, to the last bit; it stays as of its refresh until the
// next one; a stale one is served dated while its refresh is queued; the job refreshes the due
// running experiments, or one on demand.

const db = prisma();
afterAll(async () => {
  await closeQueues();
  await db.$disconnect();
});

const DAY = 86_400_000;
const LAUNCH = Date.parse("2026-01-01T00:00:00Z");
const AS_OF = new Date(LAUNCH + 20 * DAY);

const job = (data: object) =>
  maintenanceProcessor(
    db,
    createQueue(QUEUE.webhooks, redis()),
    createQueue(QUEUE.backfill, redis()),
  )({ name: "refresh-experiment-aggregates", data } as Job);

async function shopWithTest() {
  const shop = `agg-${randomUUID().slice(0, 8)}.myshopify.com`;
  await seedProgram(db, shop, {});
  const holdout = await startHoldout(
    db,
    shop,
    { sharePercent: 20, grossMarginPercent: 40 },
    { now: new Date(LAUNCH) },
  );
  if (!holdout.ok) throw new Error(holdout.message);
  const created = await createExperiment(db, shop, {
    key: "double",
    name: "Double points",
    lever: "earnRate",
    primaryMetric: "netMargin",
    secondaryMetrics: ["orders", "aov"],
    guardrails: [{ metric: "rewardCost", threshold: 0.1 }],
    variants: [
      { key: "control", name: "Control", weight: 50, control: true },
      { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
    ],
  });
  if (!created.ok) throw new Error(created.message);
  const id = created.value.id;
  await launchExperiment(db, shop, id, { now: new Date(LAUNCH) });
  const experiments = await db.experiment.findMany({ where: { shop }, select: { id: true, key: true } });
  // 80 members exposed over four days, each with two orders of uneven totals, some refunded.
  for (const e of experiments) {
    const variants = await db.experimentVariant.findMany({ where: { experimentId: e.id } });
    await db.experimentExposure.createMany({
      data: Array.from({ length: 80 }, (_, i) => ({
        shop,
        experimentId: e.id,
        customerId: BigInt(i + 1),
        variantKey: `${e.key}:${variants[i % variants.length]!.key}`,
        exposedAt: new Date(LAUNCH + (i % 4) * DAY + i * 1000),
        trigger: "assignment",
        covariate: (i * 37) % 11,
      })),
      skipDuplicates: true,
    });
  }
  await db.order.createMany({
    data: Array.from({ length: 160 }, (_, k) => ({
      shop,
      id: BigInt(k + 1),
      customerId: BigInt((k % 80) + 1),
      name: `#${1000 + k}`,
      currencyCode: "USD",
      subtotalMinor: 0n,
      totalMinor: BigInt(1999 + ((k * 7919) % 8000)),
      financialStatus: "paid",
      shopifyCreatedAt: new Date(LAUNCH + (5 + (k % 12)) * DAY + k * 60_000),
    })),
  });
  await db.refund.createMany({
    data: [3, 17, 44].map((k) => ({ shop, id: BigInt(k), orderId: BigInt(k), totalMinor: 733n })),
  });
  return { shop, id, holdoutId: holdout.value.id };
}

const withoutFreshness = <T extends { freshness: unknown }>(r: T | null) => {
  const { freshness: _f, ...rest } = r!;
  return rest;
};

describe("experiment report aggregates", () => {
  it("give the live report as of their refresh, exactly, and stay as of it until the next", async () => {
    const { shop, id } = await shopWithTest();
    const e = (await getExperiment(db, shop, id))!;
    await refreshExperimentAggregate(db, shop, e, AS_OF);
    const live = await experimentReport(db, shop, id, { asOf: AS_OF });
    // Viewed later: the stored figures, still as of the refresh, dated.
    const later = new Date(AS_OF.getTime() + 60_000);
    const stored = await experimentReport(db, shop, id, { asOf: later, figures: "stored" });
    expect(stored!.asOf).toEqual(AS_OF);
    expect(stored!.freshness).toMatchObject({ stale: false });
    expect(withoutFreshness(stored)).toEqual(withoutFreshness(live));
    expect(live!.analysis.metrics[0]!.variants[0]!.frequentist.ok).toBe(true);

    // A new order changes the live report, not the stored one, until the job refreshes it.
    await db.order.create({
      data: {
        shop,
        id: 999n,
        customerId: 2n,
        name: "#999",
        currencyCode: "USD",
        subtotalMinor: 0n,
        totalMinor: 50_000n,
        financialStatus: "paid",
        shopifyCreatedAt: new Date(AS_OF.getTime() + 30_000),
      },
    });
    expect(
      withoutFreshness(await experimentReport(db, shop, id, { asOf: later, figures: "stored" })),
    ).toEqual(withoutFreshness(live));
    expect(await job({ shop, experimentId: id })).toEqual({ refreshed: 1 });
    const refreshed = await experimentReport(db, shop, id, { figures: "stored" });
    const liveNow = await experimentReport(db, shop, id, { asOf: refreshed!.asOf });
    expect(withoutFreshness(refreshed)).toEqual(withoutFreshness(liveNow));
    expect(refreshed!.analysis).not.toEqual(live!.analysis);
  });

  it("value the holdout exactly as the live card does", async () => {
    const { shop, holdoutId } = await shopWithTest();
    await refreshExperimentAggregate(db, shop, (await getExperiment(db, shop, holdoutId))!, AS_OF);
    const live = await holdoutReport(db, shop, { asOf: AS_OF });
    const stored = await holdoutReport(db, shop, {
      asOf: new Date(AS_OF.getTime() + 1000),
      figures: "stored",
    });
    expect(stored!.ok).toBe(true);
    expect(withoutFreshness(stored)).toEqual(withoutFreshness(live));
  });

  it("serve a stale aggregate dated while its refresh is queued, and compute a missing one at once", async () => {
    const { shop, id } = await shopWithTest();
    const e = (await getExperiment(db, shop, id))!;
    const first = await experimentAggregate(db, shop, e, AS_OF);
    expect(first).toMatchObject({ asOf: AS_OF, stale: false });
    expect(first.rows.reduce((n, r) => n + r.n!, 0)).toBe(80);
    const q = queue(QUEUE.maintenance);
    const waiting = async () =>
      (await q.getJobs(["waiting"])).filter((j) => (j.data as { experimentId?: string }).experimentId === id);
    expect(await waiting()).toHaveLength(0);
    const stale = await experimentAggregate(db, shop, e, new Date(AS_OF.getTime() + 6 * 60_000));
    expect(stale).toMatchObject({ asOf: AS_OF, stale: true });
    expect(stale.rows).toEqual(first.rows);
    const [queued] = await waiting();
    expect(queued?.name).toBe("refresh-experiment-aggregates");
    expect(queued?.data).toEqual({ shop, experimentId: id });
    expect(await q.getDeduplicationJobId(aggregateRefreshId(id))).toBe(queued!.id);
    // A second request while it waits adds nothing; once that one is done, a later request queues again.
    expect(await requestAggregateRefresh(shop, id)).toBe(true);
    expect(await waiting()).toHaveLength(1);
    await queued!.remove();
    await q.removeDeduplicationKey(aggregateRefreshId(id));
    expect(await requestAggregateRefresh(shop, id)).toBe(true);
    const again = await waiting();
    expect(again).toHaveLength(1);
    expect(again[0]!.id).not.toBe(queued!.id);
    await again[0]!.remove();
    await q.removeDeduplicationKey(aggregateRefreshId(id));
  });

  it("refresh on schedule only the running experiments whose aggregate is due", async () => {
    const { shop, id, holdoutId } = await shopWithTest();
    const now = new Date();
    expect(await job({ shop })).toEqual({ refreshed: 2 });
    const rows = await db.experimentAggregate.findMany({ where: { shop }, orderBy: { experimentId: "asc" } });
    expect(rows.map((r) => r.experimentId).sort()).toEqual([id, holdoutId].sort());
    expect(rows.every((r) => r.asOf >= now && r.exposed === 80)).toBe(true);
    // Just refreshed: nothing is due; a stopped test is no longer refreshed by the schedule.
    expect(await job({ shop })).toEqual({ refreshed: 0 });
    await db.experimentAggregate.deleteMany({ where: { shop } });
    await db.experiment.update({ where: { id }, data: { status: "stopped", stoppedAt: now } });
    expect(await job({ shop })).toEqual({ refreshed: 1 });
    expect(await job({ shop, experimentId: id })).toEqual({ refreshed: 1 });
    await expect(job({ experimentId: "not-a-uuid" })).rejects.toThrow();
  });
});
