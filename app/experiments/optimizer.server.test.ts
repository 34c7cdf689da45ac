import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { createExperiment } from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";
import { launchOptimizer, previewOptimizer } from "./optimizer.server";
import { storedOptimizer } from "./optimizer";

const db = prisma();
afterAll(() => db.$disconnect());

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 86_400_000;

const reward = (id: string, pointsCost: number) => ({
  id,
  name: `${id} reward`,
  value: { kind: "fixedAmount" as const, amount: { amountMinor: 1000, currency: "USD" } },
  pointsCost,
});

/** A shop whose 100 members earned 10·(i+1) points over the last year. */
async function newShop() {
  const shop = `opt-${randomUUID().slice(0, 8)}.myshopify.com`;
  await seedProgram(db, shop, {
    rewards: [reward("ten", 500)],
    tiers: {
      basis: "spend",
      window: "rolling12m",
      downgradeGraceDays: 30,
      reevaluation: "daily",
      levels: [
        {
          id: "member",
          name: "Member",
          threshold: 0,
          benefits: { earnMultiplier: 1, perkPercent: 0, freeShipping: false },
        },
        {
          id: "gold",
          name: "Gold",
          threshold: 50_000,
          benefits: { earnMultiplier: 1.5, perkPercent: 0, freeShipping: false },
        },
      ],
    },
  });
  await db.ledgerEntry.createMany({
    data: Array.from({ length: 100 }, (_, i) => ({
      shop,
      customerId: BigInt(i + 1),
      key: `${shop}:seed:${i}`,
      kind: "earn" as const,
      points: 10 * (i + 1),
      bucket: "available" as const,
      occurredAt: new Date(NOW.getTime() - 30 * DAY),
      programVersion: 1,
      experimentVariants: [],
    })),
  });
  await db.order.create({
    data: {
      shop,
      id: 1n,
      customerId: 1n,
      name: "#1",
      currencyCode: "USD",
      subtotalMinor: 70_000n,
      totalMinor: 70_000n,
      financialStatus: "paid",
      processedAt: new Date(NOW.getTime() - 40 * DAY),
    },
  });
  return shop;
}

describe("previewOptimizer", () => {
  it("places the candidates by the members' points over a year and warns above the largest order", async () => {
    const shop = await newShop();
    const preview = await previewOptimizer(
      db,
      shop,
      { kind: "rewardCost", targetId: "ten", min: 200, max: 800, count: 4 },
      NOW,
    );
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    // Inside [200, 800]: 200, 210, …, 800 (61 members); the 1/3 and 2/3 quantiles are 400 and 600.
    expect(preview.value.rule).toBe("quantiles");
    expect(preview.value.membersInRange).toBe(61);
    expect(preview.value.candidates.map((c) => c.value)).toEqual([200, 400, 600, 800]);
    expect(preview.value.candidates.map((c) => c.reachedBy)).toEqual([0.81, 0.61, 0.41, 0.21]);
    // The largest order ($700) earned 700 points: only 800 is above it.
    expect(preview.value.warnings).toEqual([
      "800 points is above the largest order a customer ever placed (700 points, what that order earned): no single order reaches it.",
    ]);
  });

  it("answers 422 with the field for a range outside the target's bounds, an unknown target or the first tier", async () => {
    const shop = await newShop();
    const wide = await previewOptimizer(
      db,
      shop,
      { kind: "rewardCost", targetId: "ten", min: 10, max: 9000 },
      NOW,
    );
    expect(wide).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { min: "At least 50 points.", max: "At most 5,000 points." },
    });
    const unknown = await previewOptimizer(
      db,
      shop,
      { kind: "rewardCost", targetId: "nope", min: 100, max: 200 },
      NOW,
    );
    expect(unknown).toMatchObject({ ok: false, status: 422, fieldErrors: { targetId: expect.any(String) } });
    const first = await previewOptimizer(
      db,
      shop,
      { kind: "tierThreshold", targetId: "member", min: 100, max: 200 },
      NOW,
    );
    expect(first).toMatchObject({ ok: false, status: 422 });
    const inverted = await previewOptimizer(
      db,
      shop,
      { kind: "rewardCost", targetId: "ten", min: 300, max: 200 },
      NOW,
    );
    expect(inverted).toMatchObject({ ok: false, status: 422, fieldErrors: { max: expect.any(String) } });
    expect(await db.experiment.count({ where: { shop } })).toBe(0);
  });
});

describe("launchOptimizer", () => {
  it("launches the live value and the candidates as a bandit on net margin with the search in bandit.optimizer", async () => {
    const shop = await newShop();
    const launched = await launchOptimizer(
      db,
      shop,
      { kind: "tierThreshold", targetId: "gold", min: 20_000, max: 80_000, count: 4 },
      { now: NOW },
    );
    expect(launched.ok).toBe(true);
    if (!launched.ok) return;
    const e = launched.value;
    expect(e).toMatchObject({ status: "running", lever: "tiers", primaryMetric: "netMargin" });
    expect(e.variants.map((v) => v.key)[0]).toBe("live");
    expect(e.variants).toHaveLength(5);
    const optimizer = storedOptimizer(e.bandit);
    expect(optimizer).toMatchObject({
      kind: "tierThreshold",
      tierId: "gold",
      min: 20_000,
      max: 80_000,
      current: 50_000,
    });
    expect(optimizer!.candidates).toHaveLength(4);
    expect(e.bandit).toMatchObject({
      cadenceMinutes: 1440,
      burnInPeriods: 3,
      minShare: 0.05,
      maxChange: 0.2,
    });
  });

  it("removes the draft when the launch fails (the lever's layer is full), writing nothing", async () => {
    const shop = await newShop();
    const blocker = await createExperiment(db, shop, {
      key: "blocker",
      name: "Blocker",
      lever: "rewards",
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "cheap", name: "Cheap", weight: 50, override: { rewards: [reward("ten", 300)] } },
      ],
    });
    expect(blocker.ok).toBe(true);
    if (!blocker.ok) return;
    expect((await launchExperiment(db, shop, blocker.value.id, { now: NOW })).ok).toBe(true);
    const launched = await launchOptimizer(
      db,
      shop,
      { kind: "rewardCost", targetId: "ten", min: 200, max: 800 },
      { now: NOW },
    );
    expect(launched).toMatchObject({ ok: false, status: 422 });
    expect(await db.experiment.count({ where: { shop } })).toBe(1);
    expect(await db.experimentAudit.count({ where: { shop, experimentId: { not: blocker.value.id } } })).toBe(
      0,
    );
  });
});
