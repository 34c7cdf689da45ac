import type { Prisma, PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { cachedBusinessFigures, loadBusinessFigures, type BusinessFigures } from "./business.server";
import { localDay } from "./kpis";
import { PERIOD_DAYS, periodEnding, type Period } from "./periods";

// The dashboard's business figures stored per period (ADR 0052). They
// read every order of the period and the one before straight from the mirror: tens of
// milliseconds for a small shop, seconds for three million orders over two years (the
// 365-day view). The stats refresh stores each period's every BUSINESS_FIGURES_EVERY_MS; the
// dashboard reads the stored figures for today's period, dated, and computes (and stores)
// them only when none are recent enough.

export const BUSINESS_FIGURES_EVERY_MS = 5 * 60_000;
/** Stored figures older than this (the refresh is behind) are recomputed by the page. */
const BUSINESS_FIGURES_MAX_AGE_MS = 2 * BUSINESS_FIGURES_EVERY_MS;

type Options = { period: Period; timeZone: string; currency: string; now: Date };

async function store(db: PrismaClient, shop: string, o: Options, figures: BusinessFigures, at: Date) {
  const fields = {
    periodTo: o.period.to,
    timeZone: o.timeZone,
    currency: o.currency,
    figures: figures as unknown as Prisma.InputJsonValue,
    computedAt: at,
  };
  await db.businessFiguresSnapshot.upsert({
    where: { shop_days: { shop, days: o.period.days } },
    create: { shop, days: o.period.days, ...fields },
    update: fields,
  });
}

/** The period's figures and the instant they are as of: stored when recent, else computed now and stored. */
export async function storedBusinessFigures(
  db: PrismaClient,
  shop: string,
  o: Options,
): Promise<{ figures: BusinessFigures; at: Date }> {
  const row = await db.businessFiguresSnapshot.findUnique({
    where: { shop_days: { shop, days: o.period.days } },
  });
  if (
    row &&
    row.periodTo === o.period.to &&
    row.timeZone === o.timeZone &&
    row.currency === o.currency &&
    o.now.getTime() - row.computedAt.getTime() <= BUSINESS_FIGURES_MAX_AGE_MS
  )
    return { figures: row.figures as unknown as BusinessFigures, at: row.computedAt };
  // Concurrent views of a cold shop share one computation (the in-process memo).
  const computed = await cachedBusinessFigures(db, shop, o);
  await store(db, shop, o, computed.figures, computed.at);
  return computed;
}

/** Stores every period's figures for today when the stored ones are due (or `force`); the stats refresh calls it. */
export async function refreshBusinessFigures(
  db: PrismaClient,
  shop: string,
  timeZone: string,
  now: Date,
  options: { force?: boolean } = {},
): Promise<number> {
  const rows = await db.businessFiguresSnapshot.findMany({
    where: { shop },
    select: { days: true, computedAt: true },
  });
  const due = PERIOD_DAYS.filter((days) => {
    const row = rows.find((r) => r.days === days);
    return options.force || !row || now.getTime() - row.computedAt.getTime() >= BUSINESS_FIGURES_EVERY_MS;
  });
  if (!due.length) return 0;
  const [shopRow, live] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } }),
    currentProgramVersion(db, shop),
  ]);
  const currency = shopRow?.currencyCode ?? live.program.currency;
  for (const days of due) {
    const o = { period: periodEnding(localDay(now, timeZone), days), timeZone, currency, now };
    await store(db, shop, o, await loadBusinessFigures(db, shop, o), now);
  }
  return due.length;
}
