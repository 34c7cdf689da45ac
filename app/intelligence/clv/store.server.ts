import type { Prisma } from "~/db.server";
import type { BgNbdParams } from "./bgnbd";
import { conditionalExpectedPurchases } from "./bgnbd";
import type { GammaGammaParams } from "./gamma-gamma";
import { memberValue } from "./lifetime-value";
import type { MemberSummary } from "./summaries.server";

// Members' values from a fitted model, written over the previous fit's in one transaction:
// readers see either the old model's values or the new one's, never a mix.

/** Days per month in the discounting (the `lifetimes` convention for daily data). */
export const DAYS_PER_MONTH = 30;
const CHUNK = 5_000;

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

const INSERT_SQL = `
  INSERT INTO "MemberLifetimeValue" ("shop", "customerId", "fitId", "repeatPurchases", "recencyDays",
    "ageDays", "pAlive", "expectedPurchases90d", "expectedPurchases12m", "expectedSpendMinor",
    "clv12mMinor", "computedAt")
  SELECT $1, v.c, $2::uuid, v.x, v.tx, v.t, v.p, v.e90, v.e12, v.s, v.clv, $3::timestamp
  FROM unnest($4::bigint[], $5::int[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
              $10::float8[], $11::float8[], $12::float8[]) AS v(c, x, tx, t, p, e90, e12, s, clv)`;

/** Replaces the shop's member values with `rows` (from fit `fitId`). */
export async function replaceMemberValues(
  tx: Prisma.TransactionClient,
  shop: string,
  fitId: string,
  rows: readonly MemberValueRow[],
  computedAt: Date,
): Promise<void> {
  await tx.memberLifetimeValue.deleteMany({ where: { shop } });
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await tx.$executeRawUnsafe(
      INSERT_SQL,
      shop,
      fitId,
      computedAt,
      part.map((r) => r.customerId.toString()),
      part.map((r) => r.repeatPurchases),
      part.map((r) => r.recencyDays),
      part.map((r) => r.ageDays),
      part.map((r) => r.pAlive),
      part.map((r) => r.expectedPurchases90d),
      part.map((r) => r.expectedPurchases12m),
      part.map((r) => r.expectedSpendMinor),
      part.map((r) => r.clv12mMinor),
    );
  }
}
