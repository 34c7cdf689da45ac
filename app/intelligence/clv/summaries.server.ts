import type { Prisma, PrismaClient } from "~/db.server";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "~/experiments/metrics";

// Each buyer's (x, t_x, T, mean spend) as the models read them (README "Input"), aggregated
// in PostgreSQL from the mirror:
// - a purchase is an order that counts (paid or refunded after payment, not a test, not
//   cancelled) in the shop's currency, placed before the end, whose net value (total minus
//   its refunds processed before the end) is positive: a fully refunded order bought nothing;
// - purchases on the same calendar day in the shop's time zone are one purchase, dated by
//   the day's first order and worth the day's net total;
// - t_x and T are measured in days from the first purchase's timestamp (not whole days,
//   which bias α by ~4%: README "Evidence"), rounded to the hour so that grouping still
//   collapses rows;
// - spend is the mean net value of the repeat purchase days (the first excluded, as in the
//   published Gamma-Gamma fits), in minor units.
// With `cutoff` before `end`, the summaries stop at the cutoff (the calibration period) and
// `holdout` counts each calibration buyer's purchase days from the cutoff to `end`.

type Db = PrismaClient | Prisma.TransactionClient;

export type MemberSummary = {
  customerId: bigint;
  x: number;
  tx: number;
  T: number;
  /** Mean net value of a repeat purchase day, minor units (0 without repeats). */
  spendMinor: number;
  /** Purchase days from the cutoff to the end (0 without a cutoff). */
  holdout: number;
};

export type SummaryWindow = {
  shop: string;
  currencyCode: string;
  timeZone: string;
  /** The end of the calibration period (the end itself without a holdout). */
  cutoff: Date;
  end: Date;
};

/** The summary columns as of the cutoff in parameter `$n`, named with `prefix`. */
const summaryColumns = (n: number, prefix = "") => `
         (count(*) FILTER (WHERE at < $${n}::timestamp) - 1)::int AS "${prefix}x",
         round(extract(epoch FROM max(at) FILTER (WHERE at < $${n}::timestamp) - min(at)) / 3600)::float8 / 24 AS "${prefix}tx",
         round(extract(epoch FROM $${n}::timestamp - min(at)) / 3600)::float8 / 24 AS "${prefix}T",
         COALESCE((sum(net) FILTER (WHERE at < $${n}::timestamp) - (min(ARRAY[date_part('epoch', at), net::float8]))[2])
                  / NULLIF(count(*) FILTER (WHERE at < $${n}::timestamp) - 1, 0), 0)::float8 AS "${prefix}spendMinor",
         (count(*) FILTER (WHERE at >= $${n}::timestamp))::int AS "${prefix}holdout"`;

const PURCHASE_DAYS_SQL = `
  WITH rf AS (
    SELECT "orderId", sum("totalMinor") AS refunded FROM "Refund"
    WHERE "shop" = $1 AND COALESCE("processedAt", "shopifyCreatedAt", '-infinity') < $4::timestamp
    GROUP BY "orderId"
  ),
  o AS (
    SELECT o."customerId" AS c, ${PLACED_AT_SQL} AS at, o."totalMinor" - COALESCE(rf.refunded, 0) AS net
    FROM "Order" o LEFT JOIN rf ON rf."orderId" = o."id"
    WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
      AND o."currencyCode" = $2 AND ${PLACED_AT_SQL} < $4::timestamp
  ),
  d AS (
    SELECT c, min(at) AS at, sum(net) AS net FROM o WHERE net > 0
    GROUP BY c, (at AT TIME ZONE 'UTC' AT TIME ZONE $5::text)::date
  )`;

// One pass over the purchase days: the first day is min(at), and its value the second element
// of the smallest (time, value) pair, so the mean of the repeat days needs no join.
const SUMMARIES_SQL = `${PURCHASE_DAYS_SQL}
  SELECT c AS "customerId", ${summaryColumns(3)}
  FROM d
  GROUP BY c
  HAVING min(at) < $3::timestamp
  ORDER BY c`;

// Both summaries from one pass: as of the end ($3 = $4) and as of the calibration cutoff ($6).
const BOTH_SQL = `${PURCHASE_DAYS_SQL}
  SELECT c AS "customerId", min(at) < $6::timestamp AS "inCalibration", ${summaryColumns(3)}, ${summaryColumns(6, "c_")}
  FROM d
  GROUP BY c
  ORDER BY c`;

/** Every buyer's summary in the window (see the file's comment). */
export async function memberSummaries(db: Db, w: SummaryWindow): Promise<MemberSummary[]> {
  return db.$queryRawUnsafe<MemberSummary[]>(
    SUMMARIES_SQL,
    w.shop,
    w.currencyCode,
    w.cutoff,
    w.end,
    w.timeZone,
  );
}

/**
 * Every buyer's summary as of the window's end and, for those who bought before
 * `calibrationCutoff`, as of it with their purchase days from it to the end: what the fit and its
 * holdout check need, in one pass over the orders instead of two.
 */
export async function summariesWithCalibration(
  db: Db,
  w: Omit<SummaryWindow, "cutoff">,
  calibrationCutoff: Date,
): Promise<{ current: MemberSummary[]; calibration: MemberSummary[] }> {
  type Row = MemberSummary & {
    inCalibration: boolean;
    c_x: number;
    c_tx: number;
    c_T: number;
    c_spendMinor: number;
    c_holdout: number;
  };
  const rows = await db.$queryRawUnsafe<Row[]>(
    BOTH_SQL,
    w.shop,
    w.currencyCode,
    w.end,
    w.end,
    w.timeZone,
    calibrationCutoff,
  );
  return {
    current: rows.map((r) => ({
      customerId: r.customerId,
      x: r.x,
      tx: r.tx,
      T: r.T,
      spendMinor: r.spendMinor,
      holdout: r.holdout,
    })),
    calibration: rows.flatMap((r) =>
      r.inCalibration
        ? [
            {
              customerId: r.customerId,
              x: r.c_x,
              tx: r.c_tx,
              T: r.c_T,
              spendMinor: r.c_spendMinor,
              holdout: r.c_holdout,
            },
          ]
        : [],
    ),
  };
}

/** When the shop's first counted purchase in its currency was placed (null: none yet). */
export async function firstPurchaseAt(db: Db, shop: string, currencyCode: string): Promise<Date | null> {
  const [row] = await db.$queryRawUnsafe<{ first: Date | null }[]>(
    `SELECT min(${PLACED_AT_SQL}) AS first FROM "Order" o
     WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL} AND o."currencyCode" = $2`,
    shop,
    currencyCode,
  );
  return row?.first ?? null;
}
