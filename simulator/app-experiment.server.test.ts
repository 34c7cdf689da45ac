import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedRandomUuids } from "../tests/support/seeded-uuids";
import { memberPrograms } from "~/loyalty/services/member-program.server";
import { runScenarioThroughApp } from "./app-experiment.server";
import { parseScenario } from "./scenario/schema";

// A small earn-rate scenario run through the app: the app's services create the holdout and
// the experiment, its assignment and program resolution decide what each buyer gets, and
// its statistics measure the lift, next to the counterfactual truth.

const db = prisma();
afterAll(() => db.$disconnect());

// The app salts each experiment with a random UUID, so every run is a fresh random split and
// any one run's intervals miss their truth at the intervals' rate (5% each; comparisons against
// the one holdout miss together). Seeded UUIDs make this file one fixed split, the same in
// every run (over 400 splits of this scenario each of the four held it in 95–96.5% of them;
// `npm run sim -- --scenario … --replications N` measures it, simulator/README.md).
seedRandomUuids();

const rewards = [
  { id: "five-off", pointsCost: 100, valueMinor: 500 },
  { id: "ten-off", pointsCost: 180, valueMinor: 1000 },
];
const scenario = parseScenario({
  name: "earn-rate-small",
  shop: { seed: 17, customers: 2500 },
  response: {
    membership: { frequencyLift: 0.04, dropoutMultiplier: 0.92 },
    earnRate: { referenceRewardRate: 0.05, elasticity: 0.6, maxMultiplier: 1.6 },
    redemption: { intercept: -1.2, perCurrencyUnit: 0.08 },
  },
  variants: [
    { key: "holdout", holdout: true },
    { key: "standard", program: { pointsPerCurrencyUnit: 1, rewards } },
    { key: "triple-points", program: { pointsPerCurrencyUnit: 3, rewards } },
  ],
  truth: { horizonDays: 60, replications: 1 },
});
const SHOP = "sim-app-test.myshopify.com";

describe("a scenario run through the app's experiments", async () => {
  const report = await runScenarioThroughApp(db, scenario, { shop: SHOP });

  it("creates the holdout and the experiment with the experiments service, both running", async () => {
    const rows = await db.experiment.findMany({ where: { shop: SHOP }, include: { variants: true } });
    expect(rows.map((r) => [r.kind, r.status, r.lever]).sort()).toEqual([
      ["holdout", "running", null],
      ["test", "running", "earnRate"],
    ]);
    const test = rows.find((r) => r.kind === "test")!;
    expect(test.variants.map((v) => [v.key, v.weight, v.control]).sort()).toEqual([
      ["standard", 50, true],
      ["triple-points", 50, false],
    ]);
  });

  it("assigns with the app's own assignment, in the proportions its weights promise", async () => {
    const resolve = await memberPrograms(db, SHOP, new Date(report.shop.historyEnd));
    expect(report.design.holdoutSharePercent).toBe(33);
    const n = report.shop.simulated;
    for (const arm of report.arms) {
      const se = Math.sqrt((arm.expectedShare * (1 - arm.expectedShare)) / n);
      expect(Math.abs(arm.share - arm.expectedShare)).toBeLessThan(4 * se);
    }
    // Triple points in the report are the app's resolution of the customer, not a simulator split.
    const exposure = await db.experimentExposure.findFirstOrThrow({
      where: { shop: SHOP, variantKey: "earn-rate-small:triple-points" },
    });
    expect(resolve(exposure.customerId).program.earning.pointsPerCurrencyUnit).toBe(3);
    const triple = report.arms.find((a) => a.key === "triple-points")!;
    const standard = report.arms.find((a) => a.key === "standard")!;
    expect(triple.pointsIssued / triple.orders).toBeGreaterThan(
      2 * (standard.pointsIssued / standard.orders),
    );
    expect(report.arms.find((a) => a.key === "holdout")!.pointsIssued).toBe(0);
  });

  it("exposes every member in every arm at launch, however much more the treated buy", async () => {
    const counts = await db.experimentExposure.groupBy({
      by: ["variantKey"],
      where: { shop: SHOP },
      _count: { _all: true },
    });
    const by = Object.fromEntries(counts.map((c) => [c.variantKey, c._count._all]));
    const keys = [
      "holdout-1:holdout",
      "holdout-1:program",
      "earn-rate-small:standard",
      "earn-rate-small:triple-points",
    ];
    for (const key of keys) expect(by[key], key).toBeGreaterThan(100);
    // Exposure is assignment: every member the app assigned is exposed, buyer or not.
    for (const arm of report.arms) expect(arm.exposed).toBe(arm.assigned);
    // Held-out members are in no experiment; every other member is in one of its arms.
    expect(by[keys[2]!]! + by[keys[3]!]!).toBe(by[keys[1]!]);
    expect(by[keys[0]!]).toBe(report.arms.find((a) => a.key === "holdout")!.exposed);
    expect(by[keys[0]!]! + by[keys[1]!]!).toBe(report.shop.simulated);
    const exposedAt = await db.experimentExposure.groupBy({ by: ["exposedAt"], where: { shop: SHOP } });
    expect(exposedAt.map((x) => x.exposedAt)).toEqual([new Date(report.shop.historyEnd)]);

    // Members who never order in the window are exposed in every arm alike (a first-order
    // trigger would have left them out, more of them where the lever is weaker), and the
    // exposed keep the weights' proportions.
    for (const arm of report.arms)
      expect(arm.exposed - arm.ordered, arm.key).toBeGreaterThan(0.3 * arm.assigned);
    for (const srm of report.srm) expect(srm.pValue, srm.report).toBeGreaterThan(0.001);
  });

  it("measures the lifts with intervals that contain the true lift", () => {
    const primary = report.lifts.filter((l) => l.metric === "netRevenue");
    expect(primary.map((l) => `${l.report}:${l.variant}`)).toEqual([
      "holdout:program",
      "earn-rate-small:triple-points",
      "scenario:standard",
      "scenario:triple-points",
    ]);
    for (const l of primary) expect(l.trueLift).not.toBeNull();
    // Four 95% intervals from one fixed split: each holds its truth in 95% of splits.
    const outside = primary.filter((l) => !l.truthInsideInterval);
    expect(outside, JSON.stringify(outside)).toEqual([]);
    // The truth sees the scenario's levers: more points, more orders.
    const orders = report.lifts.find(
      (l) => l.metric === "orders" && l.variant === "triple-points" && l.report === "scenario",
    )!;
    expect(orders.trueLift!).toBeGreaterThan(0.03);
  });
});

// A strong lever: five points per $1 on customers who respond hard to rewards. Far more
// treated members order (a first-order trigger would have counted them: a sample-ratio
// mismatch), yet exposure at assignment keeps every arm at the weights' proportions.
const strong = parseScenario({
  name: "earn-rate-strong-small",
  shop: { seed: 23, customers: 2000 },
  response: {
    earnRate: { referenceRewardRate: 0.05, elasticity: 1.2, minMultiplier: 0.85, maxMultiplier: 2.5 },
    redemption: { intercept: -1.2, perCurrencyUnit: 0.08 },
  },
  variants: [
    { key: "standard", program: { pointsPerCurrencyUnit: 1, rewards } },
    { key: "quintuple-points", program: { pointsPerCurrencyUnit: 5, rewards } },
  ],
  truth: { horizonDays: 60, replications: 1 },
});

describe("a strong lever run through the app's experiments", async () => {
  const run = await runScenarioThroughApp(db, strong, { shop: "sim-app-strong.myshopify.com" });

  it("exposes every assigned member, so the exposed split by the weights although the treated buy far more", () => {
    const [standard, quintuple] = ["standard", "quintuple-points"].map((key) =>
      run.arms.find((a) => a.key === key)!,
    );
    expect(quintuple!.ordered / quintuple!.assigned).toBeGreaterThan(
      1.2 * (standard!.ordered / standard!.assigned),
    );
    for (const arm of run.arms) expect(arm.exposed).toBe(arm.assigned);
    expect(run.srm).toHaveLength(1);
    expect(run.srm[0]!.pValue).toBeGreaterThan(0.001);
  });
});
