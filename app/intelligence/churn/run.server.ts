import type { PrismaClient } from "~/db.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { Reward } from "~/loyalty/program-rewards";
import { currentProgram } from "~/loyalty/services/program.server";
import { jsonParam, replaceShopRows, timestampParam } from "../copy-rows.server";
import { timed, timedSync } from "../scoring/timing";
import { auc } from "./evaluate";
import { churnLabel, expiringWithin30, type ChurnCustomer } from "./features";
import { loadBuyerFacts, loadChurnInputs, DAY_MS, type BuyerFacts } from "./inputs.server";
import { recommendIntervention, type RewardOption } from "./intervention";
import type { ChurnEvaluation, Driver } from "./model";
import { churnCutoffs, runChurn } from "./pipeline";

// One churn-risk run of a shop, as the worker runs it: inputs from the mirror and the
// loyalty tables, runChurn (holdout evaluation, refit, today's scores), then every buyer's
// risk, drivers, value at stake and intervention, written over the previous run's in one
// transaction. Too little data is recorded with its reason and leaves the previous risks.

export const HORIZON_DAYS = 90;

export type StoredEvaluation = ChurnEvaluation & {
  /** AUC of "days since the last order" alone on the same test rows. */
  recencyAuc: number | null;
  threshold: number;
  absent: string[];
  trainRows: number;
};

export type ChurnOutcome = { status: "computed" | "notEnoughData" | "skipped"; members: number };

// By COPY (../copy-rows.server.ts), with the run's row in the same transaction: 100,000 rows
// as INSERT parameters cost the driver more than the insert itself (ADR 0033).
const COLUMNS = [
  "customerId",
  "runId",
  "risk",
  "atRisk",
  "drivers",
  "valueAtStakeMinor",
  "valueSource",
  "intervention",
  "computedAt",
] as const;

/** Runs churn run `runId` (queued or interrupted); a finished run is left as it is. */
export async function runChurnRun(
  db: PrismaClient,
  runId: string,
  options: {
    now: Date;
    onProgress?: (progress: number) => Promise<unknown>;
    /**
     * In a full scoring, settles once the lifetime values and reward recommendations of the
     * same run are stored: the value at stake and the intervention are read after it.
     */
    upstream?: Promise<unknown>;
  },
): Promise<ChurnOutcome> {
  const run = await db.churnRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return { status: "skipped", members: 0 };
  const shop = await db.shop.findUnique({ where: { domain: run.shop } });
  const currencyCode = shop?.currencyCode ?? "USD";
  const perMajor = minorUnitsPerMajor(currencyCode);
  const progress = async (stage: string, value: number) => {
    await db.churnRun.update({ where: { id: runId }, data: { stage, progress: value } });
    await options.onProgress?.(value);
  };
  await db.churnRun.update({
    where: { id: runId },
    data: { status: "running", startedAt: new Date(), currencyCode, horizonDays: HORIZON_DAYS },
  });
  await progress("Reading orders, points, reviews and engagement", 0.05);
  const asOf = options.now;
  const program = await currentProgram(db, run.shop);
  const {
    customers,
    facts: readFacts,
    recentSpend,
  } = await timed("churn read (all)", () =>
    loadChurnInputs(db, run.shop, currencyCode, asOf, perMajor, {
      cutoffs: churnCutoffs(asOf.getTime() / DAY_MS, HORIZON_DAYS).map((d) => new Date(d * DAY_MS)),
      // The earliest cutoff (two horizons back) compares open rates over the 270 days before it.
      lookbackDays: 2 * HORIZON_DAYS + 270,
      expiry: program.expiry,
      withoutFacts: options.upstream !== undefined,
    }),
  );
  await progress("Fitting and checking the model", 0.3);
  const now = asOf.getTime() / DAY_MS;
  const result = timedSync("churn model (all)", () => runChurn(customers, now, HORIZON_DAYS));
  if (!result.ok) {
    await db.churnRun.update({
      where: { id: runId },
      data: {
        status: "notEnoughData",
        reason: result.reason,
        customers: customers.length,
        stage: null,
        progress: 1,
        computedAt: new Date(),
      },
    });
    return { status: "notEnoughData", members: 0 };
  }
  await progress("Choosing interventions", 0.8);
  const byId = new Map(customers.map((c) => [c.id, c]));
  const rewards: RewardOption[] = program.rewards.map((r) => ({
    id: r.id,
    name: r.name,
    pointsCost: r.pointsCost,
    active: r.active,
  }));
  const pointValue = fixedPointValue(program.rewards) / perMajor;
  // In a full scoring, the lifetime values and the reward model's picks of the same run.
  await options.upstream;
  const [facts, picked] = await Promise.all([
    options.upstream ? loadBuyerFacts(db, run.shop, recentSpend) : readFacts,
    // The reward model's picks (app/intelligence/rewards), from its latest run.
    db.memberRewardRecommendation.findMany({
      where: { shop: run.shop, method: "model" },
      select: { customerId: true, rewardId: true },
    }),
  ]);
  const picks = new Map(picked.map((p) => [String(p.customerId), p.rewardId]));
  const rows = timedSync("churn interventions", () =>
    result.members.map((m) => {
      const f: BuyerFacts = facts.get(m.id) ?? {
        clv12mMinor: null,
        recentSpendMinor: 0,
        pointsBalance: null,
      };
      const fromClv = f.clv12mMinor !== null;
      const valueAtStakeMinor = fromClv ? f.clv12mMinor : f.recentSpendMinor;
      const intervention = recommendIntervention(
        {
          atRisk: m.atRisk,
          valueAtStake: valueAtStakeMinor === null ? null : valueAtStakeMinor / perMajor,
          pointsBalance: f.pointsBalance,
          pointsExpiringSoon: byId.has(m.id) ? expiringWithin30(byId.get(m.id)!, now) : 0,
          rewards,
          recommendedRewardId: picks.get(m.id) ?? null,
        },
        { pointValue },
      );
      return { ...m, valueAtStakeMinor, valueSource: fromClv ? "clv" : "recentSpend", intervention };
    }),
  );
  const evaluation: StoredEvaluation = {
    ...result.evaluation,
    recencyAuc: timedSync("churn recency baseline", () =>
      recencyBaseline(customers, now - HORIZON_DAYS, HORIZON_DAYS),
    ),
    threshold: result.model.threshold,
    absent: result.model.absent,
    trainRows: result.model.trainRows,
  };
  const computedAt = new Date();
  await timed("churn write", () =>
    replaceShopRows(
      db,
      run.shop,
      "MemberChurnRisk",
      COLUMNS,
      rows,
      (r) => [
        r.id,
        runId,
        r.risk,
        r.atRisk,
        JSON.stringify(r.drivers.map(driverJson)),
        r.valueAtStakeMinor,
        r.valueSource,
        JSON.stringify(r.intervention),
        computedAt,
      ],
      (tx) =>
        tx.exec(
          `UPDATE "ChurnRun" SET "status" = 'computed', "customers" = $2, "atRisk" = $3, "evaluation" = $4::jsonb,
             "reason" = NULL, "stage" = NULL, "progress" = 1, "computedAt" = $5::timestamp
           WHERE "id" = $1::uuid`,
          [
            runId,
            rows.length,
            rows.filter((r) => r.atRisk).length,
            jsonParam(evaluation),
            timestampParam(computedAt),
          ],
        ),
    ),
  );
  return { status: "computed", members: rows.length };
}

const driverJson = (d: Driver) => ({
  feature: d.feature,
  label: d.label,
  value: d.value,
  contribution: d.contribution,
});

/** AUC of recency alone (longer since the last order = more likely to lapse) on the test rows. */
export function recencyBaseline(
  customers: readonly ChurnCustomer[],
  cutoff: number,
  horizon: number,
): number | null {
  const rows: { score: number; positive: boolean }[] = [];
  for (const c of customers) {
    const last = Math.max(...c.orders.filter((o) => o.day < cutoff).map((o) => o.day));
    if (!Number.isFinite(last)) continue;
    rows.push({ score: cutoff - last, positive: churnLabel(c, cutoff, horizon) === 1 });
  }
  return auc(rows);
}

/** Minor units per point over the active fixed-amount rewards (0: none, so no bonus offers). */
function fixedPointValue(rewards: readonly Reward[]): number {
  const values = rewards.flatMap((r) =>
    r.active && r.value.kind === "fixedAmount" && r.pointsCost > 0
      ? [r.value.amount.amountMinor / r.pointsCost]
      : [],
  );
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
}

/** Records that run `runId` stopped on an error (the worker's last attempt). */
export async function markChurnFailed(db: PrismaClient, runId: string, message: string): Promise<void> {
  await db.churnRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, computedAt: new Date() },
  });
}
