import type { PrismaClient } from "~/db.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { currentProgram } from "~/loyalty/services/program.server";
import { jsonParam, replaceShopRows, timestampParam } from "../copy-rows.server";
import { timed, timedSync } from "../scoring/timing";
import { loadRewardInputs, DAY_MS } from "./inputs.server";
import { rewardOffers } from "./offers";
import { runRewardRecommendations, type MemberRecommendation, type RewardScore } from "./pipeline";
import { DEFAULT_GROSS_MARGIN } from "./value";

// One reward-recommendation run of a shop, as the worker runs it: the members' events in one
// query, the program's rewards, runRewardRecommendations (holdout evaluation, refit, today's
// scores, or the affordability rule with its reason), then every member's recommendation
// written over the previous run's in one transaction.

export const HORIZON_DAYS = 90;

export type RewardRunOutcome = {
  status: "computed" | "noRewards" | "skipped";
  members: number;
  method?: string;
};

/** Runs reward-recommendation run `runId` (queued or interrupted); a finished run is left as it is. */
export async function runRewardRecommendationRun(
  db: PrismaClient,
  runId: string,
  options: { now: Date; onProgress?: (progress: number) => Promise<unknown> },
): Promise<RewardRunOutcome> {
  const run = await db.rewardRecommendationRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return { status: "skipped", members: 0 };
  const shop = await db.shop.findUnique({ where: { domain: run.shop } });
  const currencyCode = shop?.currencyCode ?? "USD";
  const perMajor = minorUnitsPerMajor(currencyCode);
  const progress = async (stage: string, value: number) => {
    await db.rewardRecommendationRun.update({ where: { id: runId }, data: { stage, progress: value } });
    await options.onProgress?.(value);
  };
  await db.rewardRecommendationRun.update({
    where: { id: runId },
    data: { status: "running", startedAt: new Date(), currencyCode, horizonDays: HORIZON_DAYS },
  });
  await progress("Reading orders, points and redemptions", 0.05);
  const now = options.now;
  const from = new Date(now.getTime() - (2 * HORIZON_DAYS + 365) * DAY_MS);
  const [inputs, program, grossMargin] = await Promise.all([
    timed("rewards read", () => loadRewardInputs(db, run.shop, currencyCode, now, from, perMajor)),
    currentProgram(db, run.shop),
    shopGrossMargin(db, run.shop),
  ]);
  const medianOrderMinor = inputs.shopMedianOrder === null ? null : inputs.shopMedianOrder * perMajor;
  const offers = rewardOffers(
    program.rewards,
    { medianOrderMinor, averageShippingMinor: inputs.averageShippingMinor },
    perMajor,
    now,
  );
  await progress("Fitting, checking and scoring", 0.3);
  const result = timedSync("rewards model", () =>
    runRewardRecommendations(inputs.members, offers, now.getTime() / DAY_MS, HORIZON_DAYS, {
      value: { grossMargin, shopMedianOrder: inputs.shopMedianOrder ?? 0 },
    }),
  );
  if (!result.ok) {
    // No rewards to recommend: the previous recommendations no longer name live rewards.
    await db.$transaction([
      db.memberRewardRecommendation.deleteMany({ where: { shop: run.shop } }),
      db.rewardRecommendationRun.update({
        where: { id: runId },
        data: {
          status: "computed",
          method: null,
          reason: result.reason,
          members: 0,
          stage: null,
          progress: 1,
          computedAt: new Date(),
        },
      }),
    ]);
    return { status: "noRewards", members: 0 };
  }
  await progress("Saving recommendations", 0.8);
  const computedAt = new Date();
  // Each member's stored row is made as its COPY line is written, so it dies young (ADR 0033).
  const rows = result.members.filter((m) => m.ranked.length > 0);
  await timed("rewards write", () =>
    replaceShopRows(
      db,
      run.shop,
      "MemberRewardRecommendation",
      COLUMNS,
      rows,
      (m) => {
        const r = memberRow(m, perMajor)!;
        return [
          m.id,
          runId,
          result.method,
          r.rewardId,
          r.rewardName,
          r.pointsCost,
          r.pointsGap,
          r.probability,
          r.expectedValueMinor,
          r.marginImpactMinor,
          JSON.stringify(r.drivers),
          JSON.stringify(r.ranked),
          computedAt,
        ];
      },
      (tx) =>
        tx.exec(
          `UPDATE "RewardRecommendationRun" SET "status" = 'computed', "method" = $2, "reason" = $3, "members" = $4,
             "evaluation" = $5::jsonb, "model" = COALESCE($6::jsonb, "model"), "stage" = NULL, "progress" = 1,
             "computedAt" = $7::timestamp
           WHERE "id" = $1::uuid`,
          [
            runId,
            result.method,
            result.method === "affordability" ? result.reason : null,
            rows.length,
            jsonParam(result.method === "model" ? { ...result.evaluation, grossMargin } : { grossMargin }),
            result.method === "model"
              ? jsonParam({
                  columns: result.model.columns,
                  intercept: result.model.intercept,
                  coef: result.model.coef,
                  trainRows: result.model.trainRows,
                  trainRedemptions: result.model.trainRedemptions,
                  lambda: result.model.lambda,
                })
              : null,
            timestampParam(computedAt),
          ],
        ),
    ),
  );
  return { status: "computed", members: rows.length, method: result.method };
}

/** A score in minor units, as stored (`ranked` keeps every reward for the API). */
function stored(s: RewardScore, perMajor: number) {
  return {
    rewardId: s.rewardId,
    rewardName: s.rewardName,
    pointsCost: s.pointsCost,
    pointsGap: s.pointsGap,
    probability: s.probability,
    marginImpactMinor: Math.round(s.marginImpact * perMajor),
    expectedValueMinor: s.expectedValue === null ? null : Math.round(s.expectedValue * perMajor),
  };
}

function memberRow(m: MemberRecommendation, perMajor: number) {
  const best = m.ranked[0];
  if (!best) return null;
  const top = stored(best, perMajor);
  return {
    rewardId: top.rewardId,
    rewardName: top.rewardName,
    pointsCost: top.pointsCost,
    pointsGap: top.pointsGap,
    probability: top.probability,
    marginImpactMinor: top.marginImpactMinor,
    expectedValueMinor: top.expectedValueMinor,
    drivers: best.drivers.map((d) => ({
      feature: d.feature,
      label: d.label,
      value: d.value,
      contribution: d.contribution,
    })),
    ranked: m.ranked.map((s) => stored(s, perMajor)),
  };
}

// By COPY (../copy-rows.server.ts), with the run's row in the same transaction: the rows as
// one JSON document (or per-value parameters) cost the server and the driver several times more.
const COLUMNS = [
  "customerId",
  "runId",
  "method",
  "rewardId",
  "rewardName",
  "pointsCost",
  "pointsGap",
  "probability",
  "expectedValueMinor",
  "marginImpactMinor",
  "drivers",
  "ranked",
  "computedAt",
] as const;

/** The gross margin the shop's latest experiment assumed (the merchant's own figure), else 40%. */
async function shopGrossMargin(db: PrismaClient, shop: string): Promise<number> {
  const latest = await db.experiment.findFirst({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: { grossMarginBps: true },
  });
  return latest ? latest.grossMarginBps / 10_000 : DEFAULT_GROSS_MARGIN;
}

/** Records that run `runId` stopped on an error (the worker's last attempt). */
export async function markRewardRunFailed(db: PrismaClient, runId: string, message: string): Promise<void> {
  await db.rewardRecommendationRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, computedAt: new Date() },
  });
}
