import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { memberPrograms } from "~/loyalty/services/member-program.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { EVERYONE, storedConditions } from "~/intelligence/segments/audience";
import { deleteSavedSegment, updateSavedSegment } from "~/intelligence/segments/saved.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { createExperiment, startHoldout } from "./experiments.server";
import { sweepExposures, SYNC_SWEEP_MEMBERS } from "./exposure-sweep.server";
import { launchExperiment, pauseExperiment, shipExperiment, stopExperiment } from "./lifecycle.server";
import { assigner, forgetRunning, loadRunning } from "./running.server";
import { sampleRatioMismatch } from "./stats/srm";

// The exposure sweep (exposure at assignment) and what rides on it: exposure counts per arm
// that no lever can move, tier audiences judged when exposure is due, and the tier-perk
// metafields re-synced (marked, and the sync job enqueued) when the holdout or a tiers
// experiment changes state.

const db = prisma();
const SHOP = "sweep.myshopify.com";
const LAUNCH = new Date("2025-10-01T00:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(LAUNCH.getTime() + days * DAY);

beforeEach(async () => {
  await resetDatabase(db);
  forgetRunning(SHOP);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD" } });
  const { version } = await currentProgramVersion(db, SHOP);
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      tiers: {
        basis: "spend",
        levels: [
          { id: "silver", name: "Silver", threshold: 10_000, benefits: { perkPercent: 5 } },
          { id: "gold", name: "Gold", threshold: 40_000, benefits: { perkPercent: 10 } },
        ],
      },
    },
    { basedOn: version },
  );
});
afterAll(async () => {
  await closeQueues();
  await db.$disconnect();
});

/** Members 1..n, joined 30 days before launch, every one's metafields in sync. */
async function members(n: number, extra: { tierId?: string } = {}, from = 1) {
  await db.member.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      shop: SHOP,
      customerId: BigInt(from + i),
      status: "active" as const,
      createdAt: at(-30),
      metafieldsDirty: false,
      ...extra,
    })),
  });
}

const earnRate = (overrides: Record<string, unknown> = {}) => ({
  key: "earn",
  name: "Earn rate",
  lever: "earnRate",
  primaryMetric: "netRevenue",
  variants: [
    { key: "control", name: "Control", weight: 50, control: true },
    { key: "quintuple", name: "Quintuple", weight: 50, override: { earning: { pointsPerCurrencyUnit: 5 } } },
  ],
  ...overrides,
});

async function launched(input: Record<string, unknown>, now = LAUNCH) {
  const created = await createExperiment(db, SHOP, input);
  if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
  const result = await launchExperiment(db, SHOP, created.value.id, { now });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

const countsByVariant = async (experimentId: string) =>
  Object.fromEntries(
    (
      await db.experimentExposure.groupBy({
        by: ["variantKey"],
        where: { experimentId },
        _count: { _all: true },
      })
    ).map((r) => [r.variantKey, r._count._all]),
  );

describe("exposure counts per arm", () => {
  it("are the assignment's, whatever the lever makes members do", async () => {
    await members(2_000);
    const e = await launched(earnRate());
    const counts = await countsByVariant(e.id);
    // Exactly the arms the app's own resolution gives every member.
    const resolve = await memberPrograms(db, SHOP, at(1));
    const expected: Record<string, number> = {};
    for (let id = 1n; id <= 2_000n; id++) {
      const key = resolve(id).variants.find((v) => v.startsWith("earn:")) ?? "earn:control";
      expected[key] = (expected[key] ?? 0) + 1;
    }
    expect(counts).toEqual(expected);
    expect(
      sampleRatioMismatch([counts["earn:control"]!, counts["earn:quintuple"]!], [50, 50]).pValue,
    ).toBeGreaterThan(0.001);

    // A strong lever: every treated member buys and no control member does. Exposure is not
    // moved (a first-order trigger would have counted the treated arm alone).
    const treated = (await db.experimentExposure.findMany({ where: { experimentId: e.id } })).filter(
      (x) => x.variantKey === "earn:quintuple",
    );
    await db.order.createMany({
      data: treated.map((x, i) => ({
        shop: SHOP,
        id: BigInt(10_000 + i),
        customerId: x.customerId,
        name: `#${1000 + i}`,
        currencyCode: "USD",
        subtotalMinor: 5_000n,
        totalMinor: 5_000n,
        financialStatus: "paid",
        processedAt: at(2),
        shopifyCreatedAt: at(2),
      })),
    });
    await sweepExposures(db, SHOP, at(3));
    expect(await countsByVariant(e.id)).toEqual(counts);
    const exposed = await db.experimentExposure.findMany({ where: { experimentId: e.id } });
    expect(
      exposed.every((x) => x.exposedAt.getTime() === LAUNCH.getTime() && x.trigger === "assignment"),
    ).toBe(true);
  });
});

describe("launching in a large shop", () => {
  it("leaves the sweep to a job instead of the request", async () => {
    await members(SYNC_SWEEP_MEMBERS + 1);
    const loyalty = queue(QUEUE.loyalty);
    for (const j of await loyalty.getJobs(["waiting", "delayed", "prioritized"]))
      if (j.name === "sweep-exposures" && (j.data as { shop: string }).shop === SHOP) await j.remove();
    const e = await launched(earnRate());
    expect(await db.experimentExposure.count({ where: { experimentId: e.id } })).toBe(0);
    const jobs = (await loyalty.getJobs(["waiting", "delayed", "prioritized"])).filter(
      (j) => j.name === "sweep-exposures" && (j.data as { shop: string }).shop === SHOP,
    );
    expect(jobs).toHaveLength(1);
  });
});

describe("a tier audience", () => {
  it("is the tier's members at launch and later joiners in it; climbing into it later admits nobody", async () => {
    await members(40, { tierId: "gold" });
    await members(40, { tierId: "silver" }, 41);
    const e = await launched(earnRate({ audience: { kind: "tier", tierId: "gold" } }));
    const first = await db.experimentExposure.findMany({ where: { experimentId: e.id } });
    expect(first.map((x) => Number(x.customerId)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );

    // A silver member climbs to gold after launch (how fast depends on the arm): not admitted.
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 41n } },
      data: { tierId: "gold" },
    });
    // A member who joins in gold after launch is admitted at joining.
    await db.member.create({
      data: { shop: SHOP, customerId: 500n, status: "active", tierId: "gold", createdAt: at(4) },
    });
    forgetRunning(SHOP);
    await sweepExposures(db, SHOP, at(5));
    const later = await db.experimentExposure.findMany({
      where: { experimentId: e.id, customerId: { in: [41n, 500n] } },
    });
    expect(later.map((x) => [x.customerId, x.exposedAt])).toEqual([[500n, at(4)]]);
    // The assigner agrees: the climber is in no arm, the joiner in the arm they were exposed in.
    const assign = assigner(SHOP, await loadRunning(SHOP), at(6));
    expect(assign(41n).arms).toEqual([]);
    expect(assign(500n).arms.map((a) => a.variantKey)).toEqual([later[0]!.variantKey]);
  });
});

describe("a saved-segment audience (ADR 0031)", () => {
  const score = (customerIds: number[], segment: string) =>
    Promise.all(
      customerIds.map((id) =>
        db.memberSegment.upsert({
          where: { shop_customerId: { shop: SHOP, customerId: BigInt(id) } },
          update: { segment },
          create: {
            shop: SHOP,
            customerId: BigInt(id),
            segment,
            recencyScore: 2,
            frequencyScore: 3,
            monetaryScore: 3,
            recencyDays: 90,
            frequency: 3,
            monetaryMinor: 9_000n,
            computedAt: LAUNCH,
          },
        }),
      ),
    );
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it("is the segment's members at launch; leavers stay in their arm, later entrants and joiners are not admitted", async () => {
    await members(60);
    await score(range(1, 30), "at_risk");
    await score(range(31, 60), "champions");
    const segment = await db.savedSegment.create({
      data: {
        shop: SHOP,
        name: "At risk",
        conditions: storedConditions({ ...EVERYONE, segments: ["at_risk"] }),
      },
    });
    const e = await launched(earnRate({ audience: { kind: "segment", segmentId: segment.id } }));
    const first = await db.experimentExposure.findMany({ where: { experimentId: e.id } });
    expect(first.map((x) => Number(x.customerId)).sort((a, b) => a - b)).toEqual(range(1, 30));
    expect(first.every((x) => x.exposedAt.getTime() === LAUNCH.getTime())).toBe(true);
    expect(new Set(first.map((x) => x.variantKey)).size).toBe(2);

    // The nightly run moves member 5 out and member 40 in; member 500 joins already scored at risk.
    await score([5], "champions");
    await score([40], "at_risk");
    await db.member.create({ data: { shop: SHOP, customerId: 500n, status: "active", createdAt: at(4) } });
    await score([500], "at_risk");
    forgetRunning(SHOP);
    await sweepExposures(db, SHOP, at(5));
    expect(await db.experimentExposure.count({ where: { experimentId: e.id } })).toBe(30);

    const assign = assigner(SHOP, await loadRunning(SHOP), at(6));
    const fiveWas = first.find((x) => x.customerId === 5n)!.variantKey;
    expect(assign(5n).arms.map((a) => a.variantKey)).toEqual([fiveWas]);
    expect(assign(40n).arms).toEqual([]);
    expect(assign(500n).arms).toEqual([]);
  });

  it("refuses a segment of another shop (422) and the segment's deletion while the experiment may run (409)", async () => {
    await members(10);
    const foreign = await db.savedSegment.create({
      data: { shop: "someone-else.myshopify.com", name: "Theirs", conditions: storedConditions(EVERYONE) },
    });
    const refused = await createExperiment(
      db,
      SHOP,
      earnRate({ audience: { kind: "segment", segmentId: foreign.id } }),
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { "audience.segmentId": expect.any(String) },
    });

    const segment = await db.savedSegment.create({
      data: { shop: SHOP, name: "Everyone", conditions: storedConditions(EVERYONE) },
    });
    const e = await launched(earnRate({ audience: { kind: "segment", segmentId: segment.id } }));
    expect(await deleteSavedSegment(db, SHOP, segment.id)).toMatchObject({
      ok: false,
      status: 409,
      message: expect.stringContaining('"Earn rate"'),
    });
    expect(
      await updateSavedSegment(db, SHOP, segment.id, { name: "Everyone", conditions: "minPoints=5" }, null),
    ).toMatchObject({ ok: false, status: 409 });
    expect(
      await updateSavedSegment(db, SHOP, segment.id, { name: "All of them", conditions: "" }, null),
    ).toMatchObject({ ok: true });
    await stopExperiment(db, SHOP, e.id, { now: at(3) });
    expect(await deleteSavedSegment(db, SHOP, segment.id)).toMatchObject({ ok: true });
    // The stopped experiment's audience is its exposed members: history still replays.
    forgetRunning(SHOP);
    expect(await db.experimentExposure.count({ where: { experimentId: e.id } })).toBe(10);
  });
});

describe("tier-perk metafields", () => {
  const syncJobs = async () =>
    (await queue(QUEUE.shopifySync).getJobs(["delayed", "waiting", "prioritized"])).filter(
      (j) => j.name === "sync-metafields" && (j.data as { shop: string }).shop === SHOP,
    );
  const clearJobs = async () => {
    for (const j of await syncJobs()) await j.remove();
  };
  const dirty = async () =>
    (await db.member.findMany({ where: { shop: SHOP, metafieldsDirty: true }, select: { customerId: true } }))
      .map((m) => m.customerId)
      .sort((a, b) => (a < b ? -1 : 1));
  const clean = () => db.member.updateMany({ where: { shop: SHOP }, data: { metafieldsDirty: false } });
  const armOf = async (experimentId: string, variantKey: string) =>
    (
      await db.experimentExposure.findMany({
        where: { experimentId, variantKey },
        select: { customerId: true },
      })
    )
      .map((x) => x.customerId)
      .sort((a, b) => (a < b ? -1 : 1));

  it("are re-synced for the members whose perk changes when a tiers experiment launches, pauses, resumes, stops or ships", async () => {
    await members(200);
    await clearJobs();
    const created = await createExperiment(db, SHOP, {
      key: "tiers",
      name: "Easier gold",
      lever: "tiers",
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        {
          key: "easy",
          name: "Easier gold",
          weight: 50,
          override: {
            tiers: {
              levels: [
                { id: "silver", name: "Silver", threshold: 5_000, benefits: { perkPercent: 5 } },
                { id: "gold", name: "Gold", threshold: 20_000, benefits: { perkPercent: 10 } },
              ],
            },
          },
        },
      ],
    });
    if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
    const id = created.value.id;
    await launchExperiment(db, SHOP, id, { now: LAUNCH });
    const treated = await armOf(id, "tiers:easy");
    expect(treated.length).toBeGreaterThan(50);
    expect(await dirty()).toEqual(treated);
    expect(await syncJobs()).toHaveLength(1);

    for (const step of [
      () => pauseExperiment(db, SHOP, id),
      () => launchExperiment(db, SHOP, id, { now: at(2) }),
      () => stopExperiment(db, SHOP, id, { now: at(3) }),
    ]) {
      await clean();
      await clearJobs();
      expect((await step()).ok).toBe(true);
      expect(await dirty()).toEqual(treated);
      expect(await syncJobs()).toHaveLength(1);
    }
    // Shipping changes the live tiers: every member's perk.
    await clean();
    await clearJobs();
    expect((await shipExperiment(db, SHOP, id, "easy")).ok).toBe(true);
    expect(await dirty()).toHaveLength(200);
    expect(await syncJobs()).toHaveLength(1);
    // Repeating a step writes nothing and enqueues nothing.
    await clean();
    await clearJobs();
    await stopExperiment(db, SHOP, id);
    expect(await dirty()).toEqual([]);
  });

  it("are re-synced for the held-out members when the holdout starts and ends; the program arm is untouched", async () => {
    await members(200);
    await clearJobs();
    const holdout = await startHoldout(db, SHOP, { sharePercent: 20 }, { now: LAUNCH });
    if (!holdout.ok) throw new Error(holdout.message);
    const held = await armOf(holdout.value.id, `${holdout.value.key}:holdout`);
    expect(held.length).toBeGreaterThan(10);
    expect(await dirty()).toEqual(held);
    expect(await syncJobs()).toHaveLength(1);
    await clean();
    await clearJobs();
    await stopExperiment(db, SHOP, holdout.value.id, { now: at(30) });
    expect(await dirty()).toEqual(held);
    expect(await syncJobs()).toHaveLength(1);
  });
});
