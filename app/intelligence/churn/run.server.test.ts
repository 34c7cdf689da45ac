import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { mirrorSimulatorShop } from "~/intelligence/clv/mirror-testing.server";
import { redactCustomerData } from "~/webhooks/customer-data.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { runChurnRun, type StoredEvaluation } from "./run.server";

// The churn service on a 1,500-customer simulator shop in the real database: the holdout
// evaluation is recorded (and beats chance), every buyer gets a risk, at-risk buyers get
// drivers and an intervention, the value at stake comes from the CLV when there is one,
// a member's points are read, thin data keeps the previous risks, redaction deletes the row.

const db = prisma();
const SHOP = "churn-service.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
});

const newRun = (trigger = "merchant") => db.churnRun.create({ data: { shop: SHOP, trigger } });

describe("runChurnRun", () => {
  it("evaluates, scores and stores a simulator shop; thin data keeps the previous risks", async () => {
    const { shop, end } = await mirrorSimulatorShop(db, SHOP, { seed: 7, customers: 1_500 });
    const buyers = [...new Set(shop.orders.map((o) => String(o.customerId)))].filter((c) => c !== "null");
    // One buyer with a lifetime value, one a loyalty member with a spendable balance.
    const [withClv, member] = [BigInt(buyers[0]!), BigInt(buyers[1]!)];
    await db.lifetimeValueFit.create({
      data: { id: "00000000-0000-4000-8000-000000000001", shop: SHOP, trigger: "test" },
    });
    await db.memberLifetimeValue.create({
      data: {
        shop: SHOP,
        customerId: withClv,
        fitId: "00000000-0000-4000-8000-000000000001",
        repeatPurchases: 1,
        recencyDays: 10,
        ageDays: 100,
        pAlive: 0.5,
        expectedPurchases90d: 0.2,
        expectedPurchases12m: 0.8,
        expectedSpendMinor: 4_000,
        clv12mMinor: 12_345,
        computedAt: end,
      },
    });
    await db.member.create({ data: { shop: SHOP, customerId: member, availablePoints: 100_000 } });

    const run = await newRun();
    const progress: number[] = [];
    const outcome = await runChurnRun(db, run.id, {
      now: end,
      onProgress: async (p) => void progress.push(p),
    });
    expect(outcome.status).toBe("computed");
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const stored = await db.churnRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "computed", progress: 1, horizonDays: 90, reason: null });
    const evaluation = stored.evaluation as StoredEvaluation;
    console.info(
      "churn evaluation",
      evaluation.auc,
      evaluation.recencyAuc,
      evaluation.atThreshold,
      evaluation.rows,
    );
    expect(evaluation.auc).toBeGreaterThan(0.6);
    expect(evaluation.recencyAuc).toBeGreaterThan(0.5);
    expect(evaluation.calibration.length).toBeGreaterThan(0);
    expect(evaluation.atThreshold.f1).toBeGreaterThan(0);

    const risks = await db.memberChurnRisk.findMany({ where: { shop: SHOP } });
    expect(risks.length).toBe(stored.customers);
    expect(risks.filter((r) => r.atRisk).length).toBe(stored.atRisk);
    expect(stored.atRisk).toBeGreaterThan(0);
    for (const r of risks) {
      expect(r.risk).toBeGreaterThanOrEqual(0);
      expect(r.risk).toBeLessThanOrEqual(1);
      expect(r.runId).toBe(run.id);
      const kind = (r.intervention as { kind: string }).kind;
      expect(kind === "none").toBe(!r.atRisk);
      if (r.atRisk) expect((r.drivers as unknown[]).length).toBeGreaterThan(0);
    }
    const clvRow = risks.find((r) => r.customerId === withClv)!;
    expect(clvRow).toMatchObject({ valueSource: "clv", valueAtStakeMinor: 12_345 });
    expect(risks.filter((r) => r.valueSource === "recentSpend").length).toBe(risks.length - 1);
    // The member's points are read: at risk, they are told to redeem the best reward they can afford.
    const memberRow = risks.find((r) => r.customerId === member)!;
    if (memberRow.atRisk) expect((memberRow.intervention as { kind: string }).kind).toBe("redeem-reminder");

    // The orders disappear: the next run lacks data, says why and keeps the previous risks.
    await db.order.deleteMany({ where: { shop: SHOP } });
    const thin = await newRun("schedule");
    expect((await runChurnRun(db, thin.id, { now: end })).status).toBe("notEnoughData");
    const recorded = await db.churnRun.findUniqueOrThrow({ where: { id: thin.id } });
    expect(recorded.status).toBe("notEnoughData");
    expect(recorded.reason).toMatch(/50/);
    expect(await db.memberChurnRisk.count({ where: { shop: SHOP, runId: run.id } })).toBe(risks.length);
    expect((await runChurnRun(db, run.id, { now: end })).status).toBe("skipped");

    await db.$transaction((tx) =>
      redactCustomerData(
        tx,
        { shop: SHOP, customerId: withClv, email: null, phone: null, orderIds: [] },
        end,
      ),
    );
    expect(await db.memberChurnRisk.count({ where: { shop: SHOP, customerId: withClv } })).toBe(0);
    expect(await db.memberChurnRisk.count({ where: { shop: SHOP } })).toBe(risks.length - 1);
  }, 120_000);
});
