import type { Prisma, PrismaClient } from "~/db.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { currentProgram } from "~/loyalty/services/program.server";
import {
  loadCatalog,
  loadPastCampaigns,
  loadPointValue,
  loadShopFigures,
  loadSoldLines,
  type ShopFigures,
} from "./inputs.server";
import { runPicks } from "./pipeline";

// One weekly-picks run of a shop, as the worker runs it: the mirror's sales, catalogue and
// campaigns, the shop's point value, redemption rate and margin, then runPicks (backtest,
// forecast of the 7 days from the start of today UTC, picks) stored on the run row.

const DAY_MS = 86_400_000;
export const DEFAULT_TOP = 5;
export const DEFAULT_MULTIPLIER = 2;

export interface StoredSettings {
  top: number;
  multiplier: number;
  pointsPerCurrencyUnit: number;
  pointValueMinor: number;
  /** False when no active reward gives points a value: the bonus then costs nothing measurable. */
  pointValueKnown: boolean;
  figures: ShopFigures;
}

export type PicksOutcome = { status: "computed" | "notEnoughData" | "skipped"; picks: number };

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** The start of the UTC day: weeks of history end here and the forecast week starts here. */
export const forecastStart = (now: Date) => new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);

export async function runWeeklyPicks(
  db: PrismaClient,
  runId: string,
  options: { now: Date; onProgress?: (progress: number) => Promise<unknown> },
): Promise<PicksOutcome> {
  const run = await db.weeklyPicksRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return { status: "skipped", picks: 0 };
  const shop = await db.shop.findUnique({ where: { domain: run.shop } });
  const currencyCode = shop?.currencyCode ?? "USD";
  const asOf = forecastStart(options.now);
  const progress = async (stage: string, value: number) => {
    await db.weeklyPicksRun.update({ where: { id: runId }, data: { stage, progress: value } });
    await options.onProgress?.(value);
  };
  await db.weeklyPicksRun.update({
    where: { id: runId },
    data: { status: "running", startedAt: new Date(), currencyCode, forecastFrom: asOf },
  });
  await progress("Reading sales and products", 0.05);
  const lines = await loadSoldLines(db, run.shop, currencyCode, asOf);
  const products = await loadCatalog(db, run.shop, asOf, lines);
  const program = await currentProgram(db, run.shop);
  const campaigns = await loadPastCampaigns(db, run.shop, program);
  const figures = await loadShopFigures(db, run.shop, products);
  const pointValue = await loadPointValue(db, run.shop, program, options.now);
  const requested = (run.settings ?? {}) as Partial<StoredSettings>;
  const settings: StoredSettings = {
    top: requested.top ?? DEFAULT_TOP,
    multiplier: requested.multiplier ?? DEFAULT_MULTIPLIER,
    pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
    pointValueMinor: pointValue ?? 0,
    pointValueKnown: pointValue !== null,
    figures,
  };
  await progress("Backtesting and forecasting", 0.3);
  const result = runPicks({
    asOf,
    lines,
    products,
    campaigns,
    settings: {
      multiplier: settings.multiplier,
      pointsPerCurrencyUnit: settings.pointsPerCurrencyUnit,
      minorPerMajor: minorUnitsPerMajor(currencyCode),
      pointValueMinor: settings.pointValueMinor,
      redemptionRate: figures.redemptionRate,
      marginRate: figures.marginRate,
      top: settings.top,
    },
  });
  const computedAt = new Date();
  if (!result.ok) {
    await db.weeklyPicksRun.update({
      where: { id: runId },
      data: {
        status: result.problem === "not-enough-data" ? "notEnoughData" : "failed",
        reason: result.reason,
        settings: json(settings),
        products: products.length,
        stage: null,
        progress: 1,
        computedAt,
      },
    });
    return { status: "notEnoughData", picks: 0 };
  }
  await db.weeklyPicksRun.update({
    where: { id: runId },
    data: {
      status: "computed",
      reason: null,
      weeks: result.weeks,
      products: result.products,
      backtest: json(result.backtest),
      model: json({
        ...result.model,
        promotion: result.promotion,
        forecastUnits: result.forecastUnits,
        evaluated: result.evaluated,
      }),
      settings: json(settings),
      picks: json(result.picks),
      stage: null,
      progress: 1,
      computedAt,
    },
  });
  return { status: "computed", picks: result.picks.length };
}

/** Records that run `runId` stopped on an error (the worker's last attempt). */
export async function markPicksFailed(db: PrismaClient, runId: string, message: string): Promise<void> {
  await db.weeklyPicksRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, computedAt: new Date() },
  });
}
