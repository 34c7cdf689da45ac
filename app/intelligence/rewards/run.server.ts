import type { Prisma, PrismaClient } from "~/db.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { currentProgram } from "~/loyalty/services/program.server";
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
const CHUNK = 20_000;

export type RewardRunOutcome = {
  status: "computed" | "noRewards" | "skipped";
  members: number;
  method?: string;
};

const json = (v: unknown) => v as Prisma.InputJsonValue;

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
  const rows = result.members.flatMap((m) => {
    const row = memberRow(m, perMajor);
    return row ? [{ customerId: m.id, ...row }] : [];
  });
  await timed("rewards write", () =>
    db.$transaction(
      async (tx) => {
        await tx.memberRewardRecommendation.deleteMany({ where: { shop: run.shop } });
        for (let i = 0; i < rows.length; i += CHUNK)
          await insertRows(tx, run.shop, runId, result.method, computedAt, rows.slice(i, i + CHUNK));
        await tx.rewardRecommendationRun.update({
          where: { id: runId },
          data: {
            status: "computed",
            method: result.method,
            reason: result.method === "affordability" ? result.reason : null,
            members: rows.length,
            evaluation:
              result.method === "model" ? json({ ...result.evaluation, grossMargin }) : json({ grossMargin }),
            model:
              result.method === "model"
                ? json({
                    columns: result.model.columns,
                    intercept: result.model.intercept,
                    coef: result.model.coef,
                    trainRows: result.model.trainRows,
                    trainRedemptions: result.model.trainRedemptions,
                    lambda: result.model.lambda,
                  })
                : undefined,
            stage: null,
            progress: 1,
            computedAt,
          },
        });
      },
      { timeout: 120_000 },
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

type Row = NonNullable<ReturnType<typeof memberRow>> & { customerId: string };

/** One INSERT per chunk from one JSON document (createMany's or arrays' per-value parameters are slow at 100k rows). */
function insertRows(
  tx: Prisma.TransactionClient,
  shop: string,
  runId: string,
  method: string,
  computedAt: Date,
  rows: readonly Row[],
) {
  return tx.$executeRawUnsafe(
    `INSERT INTO "MemberRewardRecommendation" ("shop", "customerId", "runId", "method", "rewardId", "rewardName",
       "pointsCost", "pointsGap", "probability", "expectedValueMinor", "marginImpactMinor", "drivers", "ranked", "computedAt")
     SELECT $1, t."customerId", $2::uuid, $3, t."rewardId", t."rewardName", t."pointsCost", t."pointsGap",
       t."probability", t."expectedValueMinor", t."marginImpactMinor", t."drivers", t."ranked", $4::timestamp
     FROM json_to_recordset($5::json) AS t("customerId" bigint, "rewardId" text, "rewardName" text,
       "pointsCost" int, "pointsGap" int, "probability" float8, "expectedValueMinor" float8,
       "marginImpactMinor" float8, "drivers" jsonb, "ranked" jsonb)`,
    shop,
    runId,
    method,
    computedAt.toISOString(),
    JSON.stringify(rows),
  );
}

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
