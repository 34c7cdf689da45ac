import type { Prisma, PrismaClient } from "~/db.server";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "~/experiments/metrics";
import type { LedgerEntry } from "~/loyalty/ledger";
import type { ExpiryConfig } from "~/loyalty/program";
import { timed } from "../scoring/timing";
import type { ChurnCustomer } from "./features";

// The churn model's inputs for one shop, read in PostgreSQL as of `asOf` (nothing at or after
// it is read); days are epoch days (fractional), amounts major units:
// - orders: counted orders (paid or refunded after payment, not test, not cancelled) in the
//   shop's currency, at their total; refunds processed before `asOf`;
// - loyalty: the available-points balance and the rewards redeemed so far, as of each of the
//   pipeline's cutoffs (one aggregate per customer, dated by the latest entry before the cutoff:
//   exactly what the features read at those cutoffs, and never anything after them); tier moves
//   from the `tierChanged` loyalty events (upgrade +1, downgrade −1; a reassignment after a
//   program change is no movement of the member's); with an expiry rule, the member's whole
//   ledger, from which features.ts projects the points expiring after each cutoff;
// - engagement: sends, opens and clicks per customer per day counted back from `asOf` (so a day
//   never straddles a cutoff a whole number of days earlier), over the last `lookbackDays`;
// - reviews: each review's sentiment (null until the scorer has read it) and rating;
// - per buyer, for the value at stake and the intervention: the 12-month CLV of the latest
//   lifetime-value fit, the net spend of the last 365 days, the member's spendable points.
// One row per customer and source (arrays aggregated in SQL): a shop of 100,000 buyers with
// 1,000,000 orders returns 100,000 rows, not a million; nothing is sorted in SQL that the
// features do not need sorted (orders are sorted per customer here, cheaply).

type Db = PrismaClient | Prisma.TransactionClient;
export const DAY_MS = 86_400_000;

export type BuyerFacts = {
  clv12mMinor: number | null;
  recentSpendMinor: number;
  pointsBalance: number | null;
};

export type ChurnInputOptions = {
  /** The moments the features are computed at (the pipeline's cutoffs, at most `asOf`). */
  cutoffs: readonly Date[];
  /** How far back engagement is read (the earliest cutoff's window). */
  lookbackDays: number;
  /** The program's expiry rule (policy "none": no ledger is read for expiries). */
  expiry: ExpiryConfig;
};

const ORDERS_SQL = `
  SELECT o."customerId"::text AS c,
         array_agg(extract(epoch FROM ${PLACED_AT_SQL})::float8) AS at, array_agg(o."totalMinor"::float8) AS total
  FROM "Order" o
  WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
    AND o."currencyCode" = $2 AND ${PLACED_AT_SQL} < $3::timestamp
  GROUP BY o."customerId"`;

const REFUNDS_SQL = `
  SELECT o."customerId"::text AS c,
         array_agg(extract(epoch FROM COALESCE(r."processedAt", r."shopifyCreatedAt"))::float8) AS at,
         array_agg(r."totalMinor"::float8) AS total
  FROM "Refund" r JOIN "Order" o ON o."id" = r."orderId" AND o."shop" = r."shop"
  WHERE r."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
    AND o."currencyCode" = $2 AND COALESCE(r."processedAt", r."shopifyCreatedAt") < $3::timestamp
  GROUP BY o."customerId"`;

/** Per customer, for each cutoff ($2…): the latest entry's time, the balance and the redemptions before it. */
const ledgerSql = (cutoffs: number) => {
  const each = (f: (n: number) => string) => Array.from({ length: cutoffs }, (_, i) => f(i + 2)).join(", ");
  return `
  SELECT "customerId"::text AS c,
         ARRAY[${each((n) => `extract(epoch FROM max("occurredAt") FILTER (WHERE "occurredAt" < $${n}::timestamp))::float8`)}] AS at,
         ARRAY[${each((n) => `COALESCE(sum("points") FILTER (WHERE "occurredAt" < $${n}::timestamp), 0)::float8`)}] AS balance,
         ARRAY[${each((n) => `(count(*) FILTER (WHERE "kind" = 'redeem' AND "occurredAt" < $${n}::timestamp))::int`)}] AS redemptions
  FROM "LedgerEntry"
  WHERE "shop" = $1 AND "bucket" = 'available' AND "occurredAt" < $${cutoffs + 1}::timestamp
  GROUP BY "customerId"`;
};

const POINTS_LEDGER_SQL = `
  SELECT "customerId"::text AS c, "key", "kind"::text AS kind, "points", "bucket"::text AS bucket,
         "occurredAt", "availableAt", "lotKey", "writtenOff", "programVersion"
  FROM "LedgerEntry"
  WHERE "shop" = $1 AND "occurredAt" < $2::timestamp
  ORDER BY "customerId", "occurredAt", "id"`;

const TIER_SQL = `
  SELECT "customerId"::text AS c, extract(epoch FROM "occurredAt")::float8 AS at,
         CASE "payload"->>'change' WHEN 'upgrade' THEN 1 ELSE -1 END AS direction
  FROM "LoyaltyEvent"
  WHERE "shop" = $1 AND "type" = 'tierChanged' AND "customerId" IS NOT NULL
    AND "occurredAt" < $2::timestamp AND "payload"->>'change' IN ('upgrade', 'downgrade')`;

const ENGAGEMENT_SQL = `
  SELECT c::text AS c, array_agg(back) AS back, array_agg(sends) AS sends, array_agg(opens) AS opens,
         array_agg(clicks) AS clicks
  FROM (
    SELECT "customerId" AS c, floor(extract(epoch FROM $2::timestamp - "occurredAt") / 86400)::int AS back,
           (count(*) FILTER (WHERE "type" = 'send'))::int AS sends,
           (count(*) FILTER (WHERE "type" = 'open'))::int AS opens,
           (count(*) FILTER (WHERE "type" = 'click'))::int AS clicks
    FROM "EngagementEvent"
    WHERE "shop" = $1 AND "customerId" IS NOT NULL AND "occurredAt" < $2::timestamp
      AND "occurredAt" >= $2::timestamp - make_interval(days => $3::int)
    GROUP BY 1, 2
  ) d
  GROUP BY c`;

const REVIEWS_SQL = `
  SELECT "customerId"::text AS c, extract(epoch FROM "reviewedAt")::float8 AS at, "sentiment", "rating"
  FROM "ProductReview"
  WHERE "shop" = $1 AND "customerId" IS NOT NULL AND "redactedAt" IS NULL AND "reviewedAt" < $2::timestamp`;

// One pass over the buyers' orders: every buyer (a counted order in the currency, at any time)
// with the net spend of their orders of the last 365 days (NULL, read as 0, without any).
const FACTS_SQL = `
  WITH rf AS (SELECT "orderId", sum("totalMinor") AS refunded FROM "Refund" WHERE "shop" = $1 GROUP BY "orderId"),
  s AS (
    SELECT o."customerId" AS c,
           sum(o."totalMinor" - COALESCE(rf.refunded, 0)) FILTER (
             WHERE ${PLACED_AT_SQL} < $3::timestamp AND ${PLACED_AT_SQL} >= $3::timestamp - interval '365 days') AS spend
    FROM "Order" o LEFT JOIN rf ON rf."orderId" = o."id"
    WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL} AND o."currencyCode" = $2
    GROUP BY o."customerId"
  )
  SELECT s.c::text AS c, v."clv12mMinor" AS clv, GREATEST(COALESCE(s.spend, 0), 0)::float8 AS spend,
         m."availablePoints" AS points
  FROM s
  LEFT JOIN "MemberLifetimeValue" v ON v."shop" = $1 AND v."customerId" = s.c
  LEFT JOIN "Member" m ON m."shop" = $1 AND m."customerId" = s.c AND m."status" = 'active'`;

type Series = { c: string; at: number[]; total: number[] };
type PointsRow = Omit<LedgerEntry, "kind" | "bucket"> & { c: string; kind: string; bucket: string };
type Mutable = {
  id: string;
  orders: { day: number; amount: number }[];
  refunds: { day: number; amount: number }[];
  loyalty?: { day: number; balance: number; redemptions: number }[];
  tierChanges?: { day: number; direction: 1 | -1 }[];
  points?: { ledger: LedgerEntry[]; expiry: ExpiryConfig };
  reviews?: { day: number; sentiment: number | null; rating?: number }[];
  engagement?: { day: number; sends: number; opens: number; clicks: number }[];
};

const day = (epochSeconds: number) => (epochSeconds * 1000) / DAY_MS;

/** Every buyer's events as of `asOf` (see the file's comment) and their facts for the list. */
export async function loadChurnInputs(
  db: Db,
  shop: string,
  currencyCode: string,
  asOf: Date,
  perMajor: number,
  options: ChurnInputOptions,
): Promise<{ customers: ChurnCustomer[]; facts: Map<string, BuyerFacts> }> {
  const cutoffs = [...options.cutoffs].sort((a, b) => a.getTime() - b.getTime());
  // The sources are independent: asked at once, over the pool's connections.
  const q = <T>(label: string, sql: string, ...values: unknown[]) =>
    timed(`churn read: ${label}`, () => db.$queryRawUnsafe<T>(sql, ...values));
  const [orders, refunds, ledger, points, tiers, engagement, reviews, factRows] = await Promise.all([
    q<Series[]>("orders", ORDERS_SQL, shop, currencyCode, asOf),
    q<Series[]>("refunds", REFUNDS_SQL, shop, currencyCode, asOf),
    q<{ c: string; at: (number | null)[]; balance: number[]; redemptions: number[] }[]>(
      "ledger",
      ledgerSql(cutoffs.length),
      shop,
      ...cutoffs,
    ),
    options.expiry.policy === "none" ? [] : q<PointsRow[]>("points ledger", POINTS_LEDGER_SQL, shop, asOf),
    q<{ c: string; at: number; direction: number }[]>("tiers", TIER_SQL, shop, asOf),
    q<{ c: string; back: number[]; sends: number[]; opens: number[]; clicks: number[] }[]>(
      "engagement",
      ENGAGEMENT_SQL,
      shop,
      asOf,
      options.lookbackDays,
    ),
    q<{ c: string; at: number; sentiment: number | null; rating: number }[]>(
      "reviews",
      REVIEWS_SQL,
      shop,
      asOf,
    ),
    q<{ c: string; clv: number | null; spend: number; points: number | null }[]>(
      "facts",
      FACTS_SQL,
      shop,
      currencyCode,
      asOf,
    ),
  ]);
  const byId = new Map<string, Mutable>();
  for (const o of orders)
    byId.set(o.c, {
      id: o.c,
      orders: o.at
        .map((at, i) => ({ day: day(at), amount: o.total[i]! / perMajor }))
        .sort((a, b) => a.day - b.day),
      refunds: [],
    });
  for (const r of refunds) {
    const c = byId.get(r.c);
    if (c) c.refunds = r.at.map((at, i) => ({ day: day(at), amount: r.total[i]! / perMajor }));
  }
  for (const e of ledger) {
    const c = byId.get(e.c);
    if (c)
      c.loyalty = e.at.flatMap((at, i) =>
        at === null ? [] : [{ day: day(at), balance: e.balance[i]!, redemptions: e.redemptions[i]! }],
      );
  }
  for (const { c: id, ...e } of points) {
    const c = byId.get(id);
    if (c && options.expiry.policy !== "none")
      (c.points ??= { ledger: [], expiry: options.expiry }).ledger.push({
        ...e,
        kind: e.kind as LedgerEntry["kind"],
        bucket: e.bucket as LedgerEntry["bucket"],
      });
  }
  for (const t of tiers) {
    const c = byId.get(t.c);
    if (c) (c.tierChanges ??= []).push({ day: day(t.at), direction: t.direction > 0 ? 1 : -1 });
  }
  const asOfDay = asOf.getTime() / DAY_MS;
  for (const e of engagement) {
    const c = byId.get(e.c);
    // The day `back` whole days before asOf spans [asOf − back − 1, asOf − back): dated by its start.
    if (c)
      c.engagement = e.back.map((back, i) => ({
        day: asOfDay - back - 1,
        sends: e.sends[i]!,
        opens: e.opens[i]!,
        clicks: e.clicks[i]!,
      }));
  }
  for (const r of reviews) {
    const c = byId.get(r.c);
    if (c) (c.reviews ??= []).push({ day: day(r.at), sentiment: r.sentiment, rating: r.rating });
  }
  const facts = new Map<string, BuyerFacts>();
  for (const f of factRows)
    facts.set(f.c, { clv12mMinor: f.clv, recentSpendMinor: f.spend, pointsBalance: f.points });
  return { customers: [...byId.values()], facts };
}
