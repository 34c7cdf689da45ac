import type { PrismaClient } from "~/db.server";

// A member's lifetime value from the shop's model in use (app/intelligence/clv), for the
// member page; null when the model has not valued them (no paid order, or no model yet).

export type MemberValueView = {
  clvMinor: number | null;
  expectedSpendMinor: number | null;
  pAlive: number;
  expectedPurchases90d: number;
  expectedPurchases12m: number;
  currency: string;
  computedAt: string;
};

export async function loadMemberValue(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
): Promise<MemberValueView | null> {
  const value = await db.memberLifetimeValue.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (!value) return null;
  const fit = await db.lifetimeValueFit.findUnique({
    where: { id: value.fitId },
    select: { currencyCode: true },
  });
  return {
    clvMinor: value.clv12mMinor,
    expectedSpendMinor: value.expectedSpendMinor,
    pAlive: value.pAlive,
    expectedPurchases90d: value.expectedPurchases90d,
    expectedPurchases12m: value.expectedPurchases12m,
    currency: fit?.currencyCode ?? "USD",
    computedAt: value.computedAt.toISOString(),
  };
}
