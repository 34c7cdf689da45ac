import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/queue.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { ALLOCATION_GRACE_MS, banditReport, updateBandit } from "./bandit.server";
import { createExperiment } from "./experiments.server";
import { sweepExposures } from "./exposure-sweep.server";
import { launchExperiment } from "./lifecycle.server";
import { assigner, forgetRunning, loadRunning } from "./running.server";

// A contextual bandit on the real database: members' contexts are read before assignment
// and recorded with their exposure, the update writes each segment's allocation with the
// pooled one (once per period), and a member not yet assigned gets their segment's allocation.

const db = prisma();
const SHOP = "contextual.myshopify.com";
const LAUNCH = new Date("2025-10-01T00:00:00Z");
const HOUR = 3_600_000;
const at = (hours: number) => new Date(LAUNCH.getTime() + hours * HOUR);

beforeEach(async () => {
  await resetDatabase(db);
  forgetRunning(SHOP);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD" } });
  await currentProgramVersion(db, SHOP);
});
afterAll(async () => {
  await closeQueues();
  await db.$disconnect();
});

async function members(n: number, joined: Date, from: number) {
  await db.member.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      shop: SHOP,
      customerId: BigInt(from + i),
      status: "active" as const,
      createdAt: joined,
      metafieldsDirty: false,
    })),
  });
}

/** One paid order placed at `placed` for each of the customers. */
async function orders(customers: number[], placed: Date) {
  await db.order.createMany({
    data: customers.map((c) => ({
      shop: SHOP,
      id: BigInt(900_000 + c),
      customerId: BigInt(c),
      name: `#${c}`,
      currencyCode: "USD",
      subtotalMinor: 5_000n,
      totalMinor: 5_000n,
      financialStatus: "paid",
      shopifyCreatedAt: placed,
      processedAt: placed,
    })),
  });
}

async function launchedContextualBandit(context: string | null = "newVsReturning") {
  const created = await createExperiment(db, SHOP, {
    key: "ctx-bandit",
    name: "Contextual bandit",
    lever: "earnRate",
    primaryMetric: "conversion",
    variants: [
      { key: "control", name: "Control", weight: 50, control: true },
      { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
    ],
    bandit: { burnInPeriods: 1, minSharePercent: 5, maxChangePercent: 100, minMembersPerArm: 10, context },
  });
  if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
  const launched = await launchExperiment(db, SHOP, created.value.id, { now: LAUNCH });
  if (!launched.ok) throw new Error(launched.message);
  return created.value.id;
}

const stats = (n: number, conversions: number) => ({ n, sum: conversions, sumSquares: conversions });
/** Overall the arms tie; new members convert three times as often on "double", returning ones on "control". */
const pooled = async () => [[stats(500, 80), stats(500, 80)]];
const bySegment = async () =>
  new Map([
    ["new", [[stats(250, 20), stats(250, 60)]]],
    ["returning", [[stats(250, 60), stats(250, 20)]]],
  ]);

describe("contextual bandit", () => {
  it("answers 422 for a context it does not know", async () => {
    const created = await createExperiment(db, SHOP, {
      key: "bad",
      name: "Bad",
      lever: "earnRate",
      primaryMetric: "conversion",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
      ],
      bandit: { context: "zodiac" },
    });
    expect(created).toMatchObject({ ok: false, status: 422 });
    expect(!created.ok && created.fieldErrors["bandit.context"]).toMatch(/allocate by/);
  });

  it("records each member's context at assignment, writes segment allocations once per period, and assigns newcomers from their segment's", async () => {
    await members(100, at(-48), 1);
    await members(100, at(-48), 101);
    await orders(
      Array.from({ length: 100 }, (_, i) => i + 1),
      at(-24),
    );
    const id = await launchedContextualBandit();
    await sweepExposures(db, SHOP, at(0.1));
    const contexts = await db.experimentExposure.groupBy({
      by: ["context"],
      where: { experimentId: id },
      _count: true,
    });
    expect(Object.fromEntries(contexts.map((c) => [c.context, c._count]))).toEqual({
      returning: 100,
      new: 100,
    });

    const deps = { statistics: pooled, segmentStatistics: bySegment };
    expect(await updateBandit(db, SHOP, id, at(1.2), deps)).toMatchObject({ status: "written", period: 1 });
    expect(await updateBandit(db, SHOP, id, at(1.5), deps)).toMatchObject({ status: "exists", period: 1 });
    const rows = await db.experimentSegmentAllocation.findMany({
      where: { shop: SHOP, experimentId: id },
      orderBy: { segment: "asc" },
    });
    expect(rows.map((r) => [r.segment, r.period, r.members])).toEqual([
      ["new", 1, 500],
      ["returning", 1, 500],
    ]);
    expect(rows[0]!.weights).toEqual([
      { key: "control", bps: 500 },
      { key: "double", bps: 9500 },
    ]);
    expect(rows[1]!.weights).toEqual([
      { key: "control", bps: 9500 },
      { key: "double", bps: 500 },
    ]);
    const posterior = rows[0]!.posterior as { allocated: boolean; arms: { probabilityBest: number }[] };
    expect(posterior.allocated).toBe(true);
    expect(posterior.arms[1]!.probabilityBest).toBeGreaterThan(0.99);
    expect(rows[0]!.effectiveFrom).toEqual(new Date(at(1.2).getTime() + ALLOCATION_GRACE_MS));

    // Members who join later are new: they get the new members' allocation (95% "double"),
    // not the pooled one (about even), and the sweep records them as such.
    await members(400, at(2), 10_000);
    forgetRunning(SHOP);
    const set = await loadRunning(SHOP);
    const arms = Array.from(
      { length: 400 },
      (_, i) => assigner(SHOP, set, at(2.5))(BigInt(10_000 + i)).arms[0]!,
    );
    expect(arms.filter((a) => a.variantKey.endsWith(":double")).length / 400).toBeGreaterThan(0.9);
    expect(arms.every((a) => a.context === "new")).toBe(true);
    await sweepExposures(db, SHOP, at(2.5));
    const recorded = await db.experimentExposure.findMany({
      where: { experimentId: id, customerId: { gte: 10_000n } },
    });
    expect(recorded).toHaveLength(400);
    for (const x of recorded) {
      expect(x.context).toBe("new");
      expect(x.variantKey).toBe(arms[Number(x.customerId) - 10_000]!.variantKey);
    }
    // The sample-ratio check expects what the segments' allocations gave: the launch cohort
    // at equal shares, the newcomers at the new members' 95%.
    const e = await db.experiment.findUniqueOrThrow({ where: { id } });
    const report = await banditReport(db, SHOP, e, ["control", "double"], at(3));
    expect(report!.expectedShares.double).toBeCloseTo((200 * 0.5 + 400 * 0.95) / 600, 9);
  });

  it("a bandit without a context writes no segment allocation and records no context", async () => {
    await members(50, at(-48), 1);
    const id = await launchedContextualBandit(null);
    await sweepExposures(db, SHOP, at(0.1));
    await updateBandit(db, SHOP, id, at(1.2), { statistics: pooled, segmentStatistics: bySegment });
    expect(await db.experimentSegmentAllocation.count()).toBe(0);
    expect(await db.experimentExposure.count({ where: { context: { not: null } } })).toBe(0);
  });
});
