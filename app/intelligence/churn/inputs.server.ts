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
  /**
   * Leave the buyers' facts out (an empty map): a full scoring reads them with `loadBuyerFacts`
   * (from the returned `recentSpend`) once the lifetime values of the same run are stored.
   */
  withoutFacts?: boolean;
};

// Number lists travel as comma-separated text (as in ../rewards/inputs.server.ts): the driver's
// array parser cost more than the query at 1,000,000 orders (ADR 0033). Each element is the
// text PostgreSQL writes for the value inside an array, read back by Number: the same numbers.
// Orders and refunds in one pass over the customer's orders (ADR 0033, fifth pass: one scan of
// "Order" fewer than a query for each). The orders are the counted ones in the currency placed
// before $3; the refunds those processed before $3 of any counted order in the currency (the
// order's own date not bounded, as they always were), aggregated per order first and joined to
// its order, so the flattened list is the same set of refunds. string_agg skips the NULLs of
// orders without refunds; both refund lists aggregate the same rows in the same order, so they
// stay aligned. A customer with no order before $3 has no row (their refunds were never read).
// The same pass gives the buyer's net spend of the last 365 days for the list's facts: their
// orders placed in [$3 − 365 days, $3) less all of those orders' refunds (whenever processed),
// at least 0 (the facts' own pass over the orders before; sums of whole minor units, exact).
const ORDERS_SQL = `
  WITH rf AS (
    SELECT r."orderId",
           string_agg(date_part('epoch', COALESCE(r."processedAt", r."shopifyCreatedAt"))::text, ',')
             FILTER (WHERE COALESCE(r."processedAt", r."shopifyCreatedAt") < $3::timestamp) AS at,
           string_agg(r."totalMinor"::float8::text, ',')
             FILTER (WHERE COALESCE(r."processedAt", r."shopifyCreatedAt") < $3::timestamp) AS total,
           sum(r."totalMinor") AS refunded
    FROM "Refund" r
    WHERE r."shop" = $1
    GROUP BY r."orderId"
  )
  SELECT o."customerId"::text AS c,
         string_agg(date_part('epoch', ${PLACED_AT_SQL})::text, ',') FILTER (WHERE ${PLACED_AT_SQL} < $3::timestamp) AS at,
         string_agg(o."totalMinor"::float8::text, ',') FILTER (WHERE ${PLACED_AT_SQL} < $3::timestamp) AS total,
         string_agg(rf.at, ',') AS "refundAt",
         string_agg(rf.total, ',') AS "refundTotal",
         GREATEST(COALESCE(sum(o."totalMinor" - COALESCE(rf.refunded, 0)) FILTER (
           WHERE ${PLACED_AT_SQL} < $3::timestamp AND ${PLACED_AT_SQL} >= $3::timestamp - interval '365 days'), 0), 0)::float8 AS spend
  FROM "Order" o LEFT JOIN rf ON rf."orderId" = o."id"
  WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL} AND o."currencyCode" = $2
  GROUP BY o."customerId"
  HAVING count(*) FILTER (WHERE ${PLACED_AT_SQL} < $3::timestamp) > 0`;

/** Per customer, for each cutoff ($2…): the latest entry's time, the balance and the redemptions before it. */
const ledgerSql = (cutoffs: number) => {
  const each = (f: (n: number) => string) => Array.from({ length: cutoffs }, (_, i) => f(i + 2)).join(", ");
  return `
  SELECT "customerId"::text AS c,
         ARRAY[${each((n) => `date_part('epoch', max("occurredAt") FILTER (WHERE "occurredAt" < $${n}::timestamp))`)}] AS at,
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
  SELECT "customerId"::text AS c, date_part('epoch', "occurredAt") AS at,
         CASE "payload"->>'change' WHEN 'upgrade' THEN 1 ELSE -1 END AS direction
  FROM "LoyaltyEvent"
  WHERE "shop" = $1 AND "type" = 'tierChanged' AND "customerId" IS NOT NULL
    AND "occurredAt" < $2::timestamp AND "payload"->>'change' IN ('upgrade', 'downgrade')`;

const ENGAGEMENT_SQL = `
  SELECT c::text AS c, string_agg(back::text, ',') AS back, string_agg(sends::text, ',') AS sends,
         string_agg(opens::text, ',') AS opens, string_agg(clicks::text, ',') AS clicks
  FROM (
    SELECT "customerId" AS c, floor(date_part('epoch', $2::timestamp - "occurredAt") / 86400)::int AS back,
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
  SELECT "customerId"::text AS c, date_part('epoch', "reviewedAt") AS at, "sentiment", "rating"
  FROM "ProductReview"
  WHERE "shop" = $1 AND "customerId" IS NOT NULL AND "redactedAt" IS NULL AND "reviewedAt" < $2::timestamp`;

// The facts the orders do not give: the latest fit's 12-month CLV and the active member's points.
const CLV_SQL = `SELECT "customerId"::text AS c, "clv12mMinor" AS clv FROM "MemberLifetimeValue" WHERE "shop" = $1`;
const POINTS_SQL = `SELECT "customerId"::text AS c, "availablePoints" AS points FROM "Member" WHERE "shop" = $1 AND "status" = 'active'`;

type Series = {
  c: string;
  at: string;
  total: string;
  refundAt: string | null;
  refundTotal: string | null;
  spend: number;
};
type EngagementRow = { c: string; back: string; sends: string; opens: string; clicks: string };
const numbers = (list: string): number[] => list.split(",").map(Number);
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
): Promise<{
  customers: ChurnCustomer[];
  facts: Map<string, BuyerFacts>;
  /** Each buyer's net spend of the last 365 days, minor units (what `loadBuyerFacts` takes). */
  recentSpend: Map<string, number>;
}> {
  const cutoffs = [...options.cutoffs].sort((a, b) => a.getTime() - b.getTime());
  // The sources are independent: asked at once, over the pool's connections.
  const q = <T>(label: string, sql: string, ...values: unknown[]) =>
    timed(`churn read: ${label}`, () => db.$queryRawUnsafe<T>(sql, ...values));
  const [orders, ledger, points, tiers, engagement, reviews] = await Promise.all([
    q<Series[]>("orders and refunds", ORDERS_SQL, shop, currencyCode, asOf),
    q<{ c: string; at: (number | null)[]; balance: number[]; redemptions: number[] }[]>(
      "ledger",
      ledgerSql(cutoffs.length),
      shop,
      ...cutoffs,
    ),
    options.expiry.policy === "none" ? [] : q<PointsRow[]>("points ledger", POINTS_LEDGER_SQL, shop, asOf),
    q<{ c: string; at: number; direction: number }[]>("tiers", TIER_SQL, shop, asOf),
    q<EngagementRow[]>("engagement", ENGAGEMENT_SQL, shop, asOf, options.lookbackDays),
    q<{ c: string; at: number; sentiment: number | null; rating: number }[]>(
      "reviews",
      REVIEWS_SQL,
      shop,
      asOf,
    ),
  ]);
  const byId = new Map<string, Mutable>();
  const recentSpend = new Map<string, number>();
  for (const o of orders) {
    recentSpend.set(o.c, o.spend);
    const total = numbers(o.total);
    const refundTotal = o.refundTotal === null ? [] : numbers(o.refundTotal);
    byId.set(o.c, {
      id: o.c,
      orders: numbers(o.at)
        .map((at, i) => ({ day: day(at), amount: total[i]! / perMajor }))
        .sort((a, b) => a.day - b.day),
      refunds:
        o.refundAt === null
          ? []
          : numbers(o.refundAt).map((at, i) => ({ day: day(at), amount: refundTotal[i]! / perMajor })),
    });
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
    if (c) {
      const [sends, opens, clicks] = [numbers(e.sends), numbers(e.opens), numbers(e.clicks)];
      c.engagement = numbers(e.back).map((back, i) => ({
        day: asOfDay - back - 1,
        sends: sends[i]!,
        opens: opens[i]!,
        clicks: clicks[i]!,
      }));
    }
  }
  for (const r of reviews) {
    const c = byId.get(r.c);
    if (c) (c.reviews ??= []).push({ day: day(r.at), sentiment: r.sentiment, rating: r.rating });
  }
  const facts = options.withoutFacts
    ? new Map<string, BuyerFacts>()
    : await loadBuyerFacts(db, shop, recentSpend);
  return { customers: [...byId.values()], facts, recentSpend };
}

/**
 * Every buyer's facts for the list: the latest fit's 12-month CLV, last year's net spend (read
 * with the orders by `loadChurnInputs`), the active member's points. The buyers are those
 * `loadChurnInputs` returned, the only ones the list looks up.
 */
export async function loadBuyerFacts(
  db: Db,
  shop: string,
  recentSpend: ReadonlyMap<string, number>,
): Promise<Map<string, BuyerFacts>> {
  const [values, points] = await timed("churn read: facts", () =>
    Promise.all([
      db.$queryRawUnsafe<{ c: string; clv: number | null }[]>(CLV_SQL, shop),
      db.$queryRawUnsafe<{ c: string; points: number }[]>(POINTS_SQL, shop),
    ]),
  );
  const clv = new Map(values.map((v) => [v.c, v.clv]));
  const balance = new Map(points.map((p) => [p.c, p.points]));
  const facts = new Map<string, BuyerFacts>();
  for (const [c, spend] of recentSpend)
    facts.set(c, {
      clv12mMinor: clv.get(c) ?? null,
      recentSpendMinor: spend,
      pointsBalance: balance.get(c) ?? null,
    });
  return facts;
}
