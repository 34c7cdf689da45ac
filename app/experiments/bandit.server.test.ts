import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/queue.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { ALLOCATION_GRACE_MS, periodStatistics, updateBandit, updateBandits } from "./bandit.server";
import { createExperiment } from "./experiments.server";
import { sweepExposures } from "./exposure-sweep.server";
import { launchExperiment } from "./lifecycle.server";
import { METRICS } from "./metrics";
import { experimentReport } from "./report.server";
import { assigner, forgetRunning, loadRunning } from "./running.server";

// The bandit's allocation job on the real database: one allocation per period however often
// it runs, a failed update leaves the previous allocation in force, and assignment stays
// sticky under a changed allocation on every surface (the running set's assigner at any
// instant, and the exposure sweep that records it).

const db = prisma();
const SHOP = "bandit.myshopify.com";
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

async function members(n: number, joined: Date, from = 1) {
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

const banditInput = (bandit: Record<string, unknown> = {}) => ({
  key: "earn-bandit",
  name: "Earn rate bandit",
  lever: "earnRate",
  primaryMetric: "conversion",
  variants: [
    { key: "control", name: "Control", weight: 50, control: true },
    { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
  ],
  bandit: { burnInPeriods: 1, minSharePercent: 5, maxChangePercent: 100, minMembersPerArm: 10, ...bandit },
});

async function launchedBandit(bandit: Record<string, unknown> = {}) {
  const created = await createExperiment(db, SHOP, banditInput(bandit));
  if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
  const launched = await launchExperiment(db, SHOP, created.value.id, { now: LAUNCH });
  if (!launched.ok) throw new Error(launched.message);
  return created.value.id;
}

/** Arm 2 converts three times as often: P(best) ≈ 1, so the allocation goes to the floor. */
const decisive = async () => [
  [
    { n: 500, sum: 20, sumSquares: 20 },
    { n: 500, sum: 60, sumSquares: 60 },
  ],
];

describe("definition", () => {
  it("answers 422 with field errors for a bandit it cannot run", async () => {
    const ratio = await createExperiment(db, SHOP, { ...banditInput(), primaryMetric: "aov" });
    expect(ratio).toMatchObject({ ok: false, status: 422 });
    expect(!ratio.ok && ratio.fieldErrors.primaryMetric).toMatch(/ratio/);
    const floor = await createExperiment(db, SHOP, banditInput({ minSharePercent: 60 }));
    expect(!floor.ok && floor.fieldErrors["bandit.minSharePercent"]).toMatch(/At most 50%/);
    const cadence = await createExperiment(db, SHOP, banditInput({ cadenceMinutes: 5 }));
    expect(!cadence.ok && cadence.fieldErrors["bandit.cadenceMinutes"]).toMatch(/15 minutes/);
    expect(await db.experiment.count()).toBe(0);
  });

  it("stores the settings as shares", async () => {
    const id = await launchedBandit();
    expect((await db.experiment.findUniqueOrThrow({ where: { id } })).bandit).toEqual({
      cadenceMinutes: 60,
      burnInPeriods: 1,
      minShare: 0.05,
      maxChange: 1,
      minMembersPerArm: 10,
    });
  });
});

describe("the allocation job", () => {
  it("writes one allocation per period, with the posterior, however often it runs", async () => {
    await members(20, at(-24));
    const id = await launchedBandit();
    expect(await updateBandit(db, SHOP, id, at(0.5))).toMatchObject({ status: "not-due", period: 0 });
    const first = await updateBandit(db, SHOP, id, at(1.2), { statistics: decisive });
    expect(first).toMatchObject({ status: "written", period: 1 });
    const again = await Promise.all(
      [0, 1, 2].map(() => updateBandits(db, at(1.9), { statistics: decisive })),
    );
    expect(again.map((r) => r.written)).toEqual([0, 0, 0]);
    const rows = await db.experimentAllocation.findMany({ where: { experimentId: id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      period: 1,
      phase: "thompson",
      weights: [
        { key: "control", bps: 500 },
        { key: "double", bps: 9500 },
      ],
      effectiveFrom: new Date(at(1.2).getTime() + ALLOCATION_GRACE_MS),
    });
    expect(
      (rows[0]!.posterior as { arms: { probabilityBest: number }[] }).arms[1]!.probabilityBest,
    ).toBeGreaterThan(0.99);
  });

  it("keeps the burn-in at equal shares and writes it as such", async () => {
    await members(20, at(-24));
    const id = await launchedBandit({ burnInPeriods: 3 });
    const result = await updateBandit(db, SHOP, id, at(2), { statistics: decisive });
    expect(result).toMatchObject({
      status: "written",
      period: 2,
      update: { phase: "burn-in", weightsBps: [5000, 5000] },
    });
  });

  it("leaves the previous allocation in force when an update fails, and retries the period", async () => {
    await members(20, at(-24));
    const id = await launchedBandit();
    await updateBandit(db, SHOP, id, at(1), { statistics: decisive });
    const failing = async () => {
      throw new Error("statement timeout");
    };
    expect(await updateBandits(db, at(2.1), { statistics: failing })).toEqual({ written: 0, failed: 1 });
    expect(await db.experimentAllocation.count({ where: { experimentId: id } })).toBe(1);
    // A newcomer at 2.5 h is assigned under period 1's allocation (95% to "double").
    await members(400, at(2.5), 1_000);
    forgetRunning(SHOP);
    const set = await loadRunning(SHOP);
    const arms = Array.from(
      { length: 400 },
      (_, i) => assigner(SHOP, set, at(2.5))(BigInt(1_000 + i)).arms[0]!.variantKey,
    );
    const doubled = arms.filter((k) => k === "earn-bandit:double").length / arms.length;
    expect(doubled).toBeGreaterThan(0.9);
    expect(await updateBandits(db, at(2.2), { statistics: decisive })).toEqual({ written: 1, failed: 0 });
  });
});

describe("sticky assignment under a changed allocation", () => {
  it("members keep the arm they were assigned; only members assigned later follow the new weights, on every surface", async () => {
    await members(400, at(-24));
    const id = await launchedBandit();
    const set0 = await loadRunning(SHOP);
    const before = new Map(
      Array.from({ length: 400 }, (_, i) => {
        const c = BigInt(i + 1);
        return [c, assigner(SHOP, set0, at(0.5))(c).arms[0]!.variantKey] as const;
      }),
    );
    // Members who join at 0.9 h, before the update, and are not swept yet.
    await members(200, at(0.9), 5_000);
    const early = new Map(
      Array.from({ length: 200 }, (_, i) => {
        const c = BigInt(5_000 + i);
        return [c, assigner(SHOP, set0, at(0.95))(c).arms[0]!.variantKey] as const;
      }),
    );
    const written = await updateBandit(db, SHOP, id, at(1), { statistics: decisive });
    expect(written.status).toBe("written");
    // Members who join after the new allocation took effect.
    const effective = new Date(at(1).getTime() + ALLOCATION_GRACE_MS);
    await members(400, new Date(effective.getTime() + 60_000), 10_000);
    forgetRunning(SHOP);
    const set1 = await loadRunning(SHOP);
    const later = at(3);
    for (const [c, key] of before) expect(assigner(SHOP, set1, later)(c).arms[0]!.variantKey).toBe(key);
    for (const [c, key] of early) expect(assigner(SHOP, set1, later)(c).arms[0]!.variantKey).toBe(key);
    const newcomers = Array.from(
      { length: 400 },
      (_, i) => assigner(SHOP, set1, later)(BigInt(10_000 + i)).arms[0]!.variantKey,
    );
    expect(newcomers.filter((k) => k.endsWith(":double")).length / 400).toBeGreaterThan(0.9);
    expect([...before.values()].filter((k) => k.endsWith(":double")).length / 400).toBeLessThan(0.6);
    // The sweep records every one of them with the arm the assigner gave.
    await sweepExposures(db, SHOP, later);
    const recorded = new Map(
      (await db.experimentExposure.findMany({ where: { experimentId: id } })).map((x) => [
        x.customerId,
        x.variantKey,
      ]),
    );
    for (const [c, key] of [...before, ...early]) expect(recorded.get(c)).toBe(key);
    newcomers.forEach((key, i) => expect(recorded.get(BigInt(10_000 + i))).toBe(key));
    // And the statistics group members by the allocation in force at their exposure.
    const allocations = await db.experimentAllocation.findMany({ where: { experimentId: id } });
    const periods = await periodStatistics(
      db,
      SHOP,
      { id, key: "earn-bandit", grossMarginBps: 4000 },
      ["control", "double"],
      METRICS.conversion as typeof METRICS.conversion & { kind: "mean" },
      allocations.map((a) => a.effectiveFrom),
      later,
    );
    expect(periods.map((p) => p[0]!.n + p[1]!.n)).toEqual([600, 400]);
    // The report reads the allocation history and checks the sample ratio against it.
    const report = await experimentReport(db, SHOP, id, { asOf: later });
    expect(report!.bandit!.allocations.map((a) => a.weights)).toEqual([{ control: 0.05, double: 0.95 }]);
    expect(report!.bandit!.expectedShares.control).toBeCloseTo((300 + 400 * 0.05) / 1000, 10);
    expect(report!.analysis.srm.warning).toBe(false);
  });
});
