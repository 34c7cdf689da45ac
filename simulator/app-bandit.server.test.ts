import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedRandomUuids } from "../tests/support/seeded-uuids";
import { runBanditThroughApp } from "./app-bandit.server";
import { banditReportLines } from "./bandit-report";
import { parseScenario } from "./scenario/schema";

// A small bandit scenario run through the app: members join over a month, the app's own
// allocation update runs daily on the sim's clock, each member gets the arm the allocation in
// force at their join gives them, and their orders are what the next updates read. The true
// best arm (2 points per $1: members buy up to 1.8× as often for twice the value back) should
// gain traffic. The experiment's salt is seeded, so this is one fixed replication (how often the
// bandit finds the best arm over many is `npm run validate:experiments -- --only bandits`).

const db = prisma();
afterAll(() => db.$disconnect());
seedRandomUuids();

const reward = [
  { id: "five-off", pointsCost: 100, valueMinor: 500 },
  { id: "twenty-off", pointsCost: 400, valueMinor: 2000 },
];
const scenario = parseScenario({
  name: "bandit-small",
  shop: { seed: 505, customers: 3000 },
  response: {
    earnRate: { referenceRewardRate: 0.05, elasticity: 1, minMultiplier: 0.85, maxMultiplier: 1.8 },
    redemption: { intercept: 0.5, perCurrencyUnit: 0.08 },
  },
  variants: [
    { key: "one-point", program: { pointsPerCurrencyUnit: 1, rewards: reward } },
    { key: "half-point", program: { pointsPerCurrencyUnit: 0.5, rewards: reward } },
    { key: "two-points", program: { pointsPerCurrencyUnit: 2, rewards: reward } },
  ],
  bandit: {
    cadenceMinutes: 1440,
    burnInPeriods: 3,
    minSharePercent: 5,
    maxChangePercent: 20,
    minMembersPerArm: 30,
    arrivalDays: 32,
  },
  truth: { horizonDays: 40, replications: 1 },
});
const SHOP = "sim-bandit-test.myshopify.com";

describe("a bandit scenario run through the app", async () => {
  const updates: Date[] = [];
  const report = await runBanditThroughApp(db, scenario, {
    shop: SHOP,
    afterUpdate: async (now) => {
      updates.push(now);
    },
  });

  it("launches a bandit and writes one allocation per day on the sim's clock, burn-in first", async () => {
    const e = await db.experiment.findFirstOrThrow({ where: { shop: SHOP, kind: "test" } });
    expect(e.status).toBe("running");
    expect(e.bandit).toMatchObject({ cadenceMinutes: 1440, burnInPeriods: 3 });
    expect(report.allocations.map((a) => a.period)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
    expect(report.allocations.slice(0, 2).map((a) => a.phase)).toEqual(["burn-in", "burn-in"]);
    const launched = new Date(report.shop.launchedAt).getTime();
    expect(updates.map((u) => (u.getTime() - launched) / 60_000)).toEqual(
      report.allocations.map((a) => a.period * 1440 + 1),
    );
  });

  it("assigns members by the allocation in force when they join (the app's sweep and resolution agree)", async () => {
    const exposures = await db.experimentExposure.count({ where: { shop: SHOP } });
    expect(exposures).toBe(report.shop.members);
    expect(report.arms.reduce((s, a) => s + a.members, 0)).toBe(report.shop.members);
  });

  it("moves traffic toward the simulator's true best arm", () => {
    expect(report.trueBest).toBe("two-points");
    const last = report.allocations.at(-1)!;
    expect(last.phase).toBe("thompson");
    const others = report.arms.filter((a) => a.key !== report.trueBest);
    for (const o of others) expect(last.shares[report.trueBest]!).toBeGreaterThan(last.shares[o.key]!);
    expect(last.shares[report.trueBest]!).toBeGreaterThan(0.5);
    // More of the members went to it than an equal split would have sent.
    const best = report.arms.find((a) => a.key === report.trueBest)!;
    expect(best.members / report.shop.members).toBeGreaterThan(1 / 3);
  });

  it("prints the allocation path, the arm the app would ship and the true best", () => {
    const text = banditReportLines(report).join("\n");
    expect(text).toContain("Allocation path");
    expect(text).toMatch(/Shipped: two-points \(highest P\(best\)\); true best: two-points; they agree\./);
  });
});
