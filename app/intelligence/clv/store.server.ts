import type { SqlTx } from "~/backfill/sql.server";
import type { PrismaClient } from "~/db.server";
import { replaceShopRows } from "../copy-rows.server";
import type { BgNbdParams } from "./bgnbd";
import { conditionalExpectedPurchases } from "./bgnbd";
import type { GammaGammaParams } from "./gamma-gamma";
import { memberValue } from "./lifetime-value";
import type { MemberSummary } from "./summaries.server";

// Members' values from a fitted model, written over the previous fit's in one transaction
// (by COPY, ../copy-rows.server.ts): readers see either the old model's values or the new
// one's, never a mix.

/** Days per month in the discounting (the `lifetimes` convention for daily data). */
export const DAYS_PER_MONTH = 30;

export type MemberValueRow = {
  customerId: bigint;
  repeatPurchases: number;
  recencyDays: number;
  ageDays: number;
  pAlive: number;
  expectedPurchases90d: number;
  expectedPurchases12m: number;
  expectedSpendMinor: number | null;
  clv12mMinor: number | null;
};

/** Each member's P(alive), expected purchases, expected spend and 12-month discounted value. */
export function scoreMembers(
  purchases: BgNbdParams,
  spend: GammaGammaParams | null,
  summaries: readonly MemberSummary[],
  minorPerMajor: number,
): MemberValueRow[] {
  return summaries.map((s) => {
    const c = { x: s.x, tx: s.tx, T: s.T, spend: s.spendMinor / minorPerMajor };
    const value = memberValue(purchases, spend, c, { unitsPerMonth: DAYS_PER_MONTH, months: 12 });
    return {
      customerId: s.customerId,
      repeatPurchases: s.x,
      recencyDays: s.tx,
      ageDays: s.T,
      pAlive: value.pAlive,
      expectedPurchases90d: conditionalExpectedPurchases(purchases, 90, c),
      expectedPurchases12m: value.expectedPurchases,
      expectedSpendMinor: value.expectedSpend === null ? null : value.expectedSpend * minorPerMajor,
      clv12mMinor: value.lifetimeValue === null ? null : value.lifetimeValue * minorPerMajor,
    };
  });
}

const COLUMNS = [
  "customerId",
  "fitId",
  "repeatPurchases",
  "recencyDays",
  "ageDays",
  "pAlive",
  "expectedPurchases90d",
  "expectedPurchases12m",
  "expectedSpendMinor",
  "clv12mMinor",
  "computedAt",
] as const;

/**
 * Replaces the shop's member values with `rows` (from fit `fitId`), by COPY; `finish` (the
 * fit's row) commits with them.
 */
export function replaceMemberValues(
  db: PrismaClient,
  shop: string,
  fitId: string,
  rows: readonly MemberValueRow[],
  computedAt: Date,
  finish: (tx: SqlTx) => Promise<unknown>,
): Promise<void> {
  return replaceShopRows(
    db,
    shop,
    "MemberLifetimeValue",
    COLUMNS,
    rows,
    (r) => [
      r.customerId,
      fitId,
      r.repeatPurchases,
      r.recencyDays,
      r.ageDays,
      r.pAlive,
      r.expectedPurchases90d,
      r.expectedPurchases12m,
      r.expectedSpendMinor,
      r.clv12mMinor,
      computedAt,
    ],
    finish,
  );
}
