import type { Prisma, PrismaClient } from "~/db.server";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "~/experiments/metrics";
import type { ChurnCustomer } from "./features";

// The churn model's inputs for one shop, read in PostgreSQL from the mirror and the loyalty
// tables (README "Input"); days are epoch days (fractional), amounts major units:
// - orders: counted orders (paid or refunded after payment, not test, not cancelled) in the
//   shop's currency placed before `asOf`, at their total; refunds processed before `asOf`;
// - loyalty: the available-bucket ledger as a running balance, redemptions flagged (members only);
// - per buyer, for the value at stake and the intervention: the 12-month CLV of the latest
//   lifetime-value fit, the net spend of the last 365 days, the member's spendable points.
// Not read (no source yet): tier history, scheduled expiries, reviews, message engagement.

type Db = PrismaClient | Prisma.TransactionClient;
export const DAY_MS = 86_400_000;

export type BuyerFacts = {
  clv12mMinor: number | null;
  recentSpendMinor: number;
  pointsBalance: number | null;
};

const ORDERS_SQL = `
  SELECT o."customerId"::text AS c, extract(epoch FROM ${PLACED_AT_SQL})::float8 AS at,
         o."totalMinor"::float8 AS total
  FROM "Order" o
  WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
    AND o."currencyCode" = $2 AND ${PLACED_AT_SQL} < $3::timestamp`;

const REFUNDS_SQL = `
  SELECT o."customerId"::text AS c,
         extract(epoch FROM COALESCE(r."processedAt", r."shopifyCreatedAt"))::float8 AS at,
         r."totalMinor"::float8 AS total
  FROM "Refund" r JOIN "Order" o ON o."id" = r."orderId" AND o."shop" = r."shop"
  WHERE r."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
    AND o."currencyCode" = $2 AND COALESCE(r."processedAt", r."shopifyCreatedAt") < $3::timestamp`;

const LEDGER_SQL = `
  SELECT "customerId"::text AS c, extract(epoch FROM "occurredAt")::float8 AS at,
         (sum("points") OVER (PARTITION BY "customerId" ORDER BY "occurredAt", "id"))::float8 AS balance,
         ("kind" = 'redeem') AS redemption
  FROM "LedgerEntry"
  WHERE "shop" = $1 AND "bucket" = 'available' AND "occurredAt" < $2::timestamp`;

const FACTS_SQL = `
  WITH b AS (SELECT DISTINCT o."customerId" AS c FROM "Order" o
             WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL} AND o."currencyCode" = $2),
  s AS (
    SELECT o."customerId" AS c, sum(o."totalMinor" - COALESCE(
             (SELECT sum(r."totalMinor") FROM "Refund" r WHERE r."shop" = o."shop" AND r."orderId" = o."id"), 0)) AS spend
    FROM "Order" o
    WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL} AND o."currencyCode" = $2
      AND ${PLACED_AT_SQL} < $3::timestamp AND ${PLACED_AT_SQL} >= $3::timestamp - interval '365 days'
    GROUP BY o."customerId"
  )
  SELECT b.c::text AS c, v."clv12mMinor" AS clv, GREATEST(COALESCE(s.spend, 0), 0)::float8 AS spend,
         m."availablePoints" AS points
  FROM b LEFT JOIN s USING (c)
  LEFT JOIN "MemberLifetimeValue" v ON v."shop" = $1 AND v."customerId" = b.c
  LEFT JOIN "Member" m ON m."shop" = $1 AND m."customerId" = b.c AND m."status" = 'active'`;

type Row = { c: string; at: number; total: number };

/** Every buyer's events as of `asOf` (see the file's comment) and their facts for the list. */
export async function loadChurnInputs(
  db: Db,
  shop: string,
  currencyCode: string,
  asOf: Date,
  perMajor: number,
): Promise<{ customers: ChurnCustomer[]; facts: Map<string, BuyerFacts> }> {
  const day = (epochSeconds: number) => (epochSeconds * 1000) / DAY_MS;
  const byId = new Map<string, ChurnCustomer & { orders: ChurnCustomer["orders"][number][] }>();
  const customer = (id: string) => {
    let c = byId.get(id);
    if (!c) byId.set(id, (c = { id, orders: [], refunds: [] }));
    return c;
  };
  for (const o of await db.$queryRawUnsafe<Row[]>(ORDERS_SQL, shop, currencyCode, asOf))
    customer(o.c).orders.push({ day: day(o.at), amount: o.total / perMajor });
  for (const r of await db.$queryRawUnsafe<Row[]>(REFUNDS_SQL, shop, currencyCode, asOf)) {
    const c = byId.get(r.c);
    if (c)
      (c.refunds as { day: number; amount: number }[]).push({ day: day(r.at), amount: r.total / perMajor });
  }
  const ledger = await db.$queryRawUnsafe<{ c: string; at: number; balance: number; redemption: boolean }[]>(
    LEDGER_SQL,
    shop,
    asOf,
  );
  for (const e of ledger) {
    const c = byId.get(e.c);
    if (!c) continue;
    const list = (c.loyalty ?? []) as { day: number; balance: number; redemption?: boolean }[];
    list.push({ day: day(e.at), balance: e.balance, redemption: e.redemption });
    c.loyalty = list;
  }
  const facts = new Map<string, BuyerFacts>();
  const rows = await db.$queryRawUnsafe<
    { c: string; clv: number | null; spend: number; points: number | null }[]
  >(FACTS_SQL, shop, currencyCode, asOf);
  for (const f of rows)
    facts.set(f.c, { clv12mMinor: f.clv, recentSpendMinor: f.spend, pointsBalance: f.points });
  return { customers: [...byId.values()], facts };
}
