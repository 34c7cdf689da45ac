import type { PrismaClient } from "~/db.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { BgNbdFitOptions } from "./bgnbd";
import { timed, timedSync } from "../scoring/timing";
import { evaluateHoldout, holdoutPeriod, type HoldoutEvaluation } from "./holdout";
import { fitLifetimeValue } from "./lifetime-value";
import { jsonParam, timestampParam } from "../copy-rows.server";
import { replaceMemberValues, scoreMembers } from "./store.server";
import {
  firstPurchaseAt,
  memberSummaries,
  summariesWithCalibration,
  type MemberSummary,
  type SummaryWindow,
} from "./summaries.server";

// One lifetime-value fit of a shop, as the worker runs it (app/intelligence/clv/README.md,
// "Wiring"): summaries from the mirror, BG/NBD and Gamma-Gamma, the holdout check, then
// every buyer's value. A fit without enough data or that does not converge is recorded
// with its reason and leaves the members' values of the previous fit in place.

const DAY_MS = 86_400_000;

/** What the models ask of a shop before fitting (the merchant reads them in the reason). */
export const FIT_OPTIONS: BgNbdFitOptions = {
  minCustomers: 50,
  minRepeatBuyers: 10,
  minHistory: 28,
  unit: "days",
};

export type FitProgress = (stage: string, progress: number) => Promise<void>;

export type FitOutcome = {
  status: "fitted" | "notEnoughData" | "notConverged" | "failed" | "skipped";
  members: number;
};

/** Runs fit `fitId` (queued or interrupted while running); a finished fit is left as it is. */
export async function runLifetimeValueFit(
  db: PrismaClient,
  fitId: string,
  options: { now: Date; onProgress?: (progress: number) => Promise<void> },
): Promise<FitOutcome> {
  const fit = await db.lifetimeValueFit.findUnique({ where: { id: fitId } });
  if (!fit || (fit.status !== "queued" && fit.status !== "running")) return { status: "skipped", members: 0 };
  const shop = await db.shop.findUnique({ where: { domain: fit.shop } });
  const asOf = options.now;
  const currencyCode = shop?.currencyCode ?? "USD";
  const progress: FitProgress = async (stage, value) => {
    await db.lifetimeValueFit.update({ where: { id: fitId }, data: { stage, progress: value } });
    await options.onProgress?.(value);
  };
  await db.lifetimeValueFit.update({
    where: { id: fitId },
    data: {
      status: "running",
      startedAt: new Date(),
      asOf,
      currencyCode,
      stage: "Reading purchases",
      progress: 0.05,
    },
  });
  const window: SummaryWindow = {
    shop: fit.shop,
    currencyCode,
    timeZone: shop?.ianaTimezone ?? "UTC",
    cutoff: asOf,
    end: asOf,
  };
  // The holdout check's calibration summaries come from the same pass over the orders.
  const first = await timed("clv first purchase", () =>
    firstPurchaseAt(db, window.shop, window.currencyCode),
  );
  const historyDays = first ? (asOf.getTime() - first.getTime()) / DAY_MS : 0;
  const period = holdoutPeriod(historyDays);
  const read = await timed("clv summaries", async () =>
    period
      ? await summariesWithCalibration(db, window, new Date(asOf.getTime() - period.holdoutDays * DAY_MS))
      : { current: await memberSummaries(db, window), calibration: [] },
  );
  const summaries = read.current;
  const perMajor = minorUnitsPerMajor(currencyCode);
  await progress("Fitting the models", 0.3);
  const fits = timedSync("clv fit", () =>
    fitLifetimeValue(
      summaries.map((s) => ({ x: s.x, tx: s.tx, T: s.T, spend: s.spendMinor / perMajor })),
      FIT_OPTIONS,
    ),
  );
  const purchases = fits.ok ? fits.purchases : fits;
  const counts = {
    customers: summaries.length,
    repeatBuyers: summaries.filter((s) => s.x > 0).length,
  };
  if (!purchases.ok) {
    const status =
      purchases.problem === "not-enough-data"
        ? "notEnoughData"
        : purchases.problem === "not-converged"
          ? "notConverged"
          : "failed";
    await db.lifetimeValueFit.update({
      where: { id: fitId },
      data: { status, reason: purchases.reason, ...counts, stage: null, progress: 1, finishedAt: new Date() },
    });
    return { status, members: 0 };
  }
  const spend = fits.ok ? fits.spend : null;
  await progress("Checking the model on held-out history", 0.5);
  const evaluation = timedSync("clv holdout check", () => evaluate(period, historyDays, read.calibration));
  await progress("Scoring members", 0.75);
  const rows = timedSync("clv score", () =>
    scoreMembers(purchases.params, spend?.ok ? spend.params : null, summaries, perMajor),
  );
  await timed("clv write", () =>
    replaceMemberValues(db, fit.shop, fitId, rows, asOf, (tx) =>
      tx.exec(
        `UPDATE "LifetimeValueFit" SET "status" = 'fitted', "customers" = $2, "repeatBuyers" = $3,
           "purchaseParams" = $4::jsonb, "purchaseErrors" = $5::jsonb, "purchaseLogLik" = $6,
           "spendParams" = COALESCE($7::jsonb, "spendParams"), "spendErrors" = COALESCE($8::jsonb, "spendErrors"),
           "spendLogLik" = $9, "spendReason" = $10, "evaluation" = $11::jsonb, "stage" = NULL, "progress" = 1,
           "finishedAt" = $12::timestamp
         WHERE "id" = $1::uuid`,
        [
          fitId,
          counts.customers,
          counts.repeatBuyers,
          jsonParam(purchases.params),
          jsonParam(purchases.standardErrors),
          purchases.logLikelihood,
          spend?.ok ? jsonParam(spend.params) : null,
          spend?.ok ? jsonParam(spend.standardErrors) : null,
          spend?.ok ? spend.logLikelihood : null,
          spend && !spend.ok ? spend.reason : null,
          jsonParam(evaluation),
          timestampParam(new Date()),
        ],
      ),
    ),
  );
  return { status: "fitted", members: rows.length };
}

/** The holdout check on the shop's history (holdout.ts), or why there is none. */
function evaluate(
  period: ReturnType<typeof holdoutPeriod>,
  historyDays: number,
  calibration: readonly MemberSummary[],
): HoldoutEvaluation {
  if (!period)
    return {
      ok: false,
      reason: `The check needs at least 12 weeks of order history (three quarters to fit, the last quarter to compare); there are ${Math.floor(historyDays)} days.`,
    };
  return evaluateHoldout(calibration, period, { ...FIT_OPTIONS, minHistory: 0 });
}

/** Records that fit `fitId` stopped on an error (the worker's last attempt). */
export async function markFitFailed(db: PrismaClient, fitId: string, message: string): Promise<void> {
  await db.lifetimeValueFit.updateMany({
    where: { id: fitId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, finishedAt: new Date() },
  });
}
