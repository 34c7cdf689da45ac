// A shop for the full-scoring benchmark, written straight into a scratch database: customers
// who are all members, their orders drawn from BG/NBD (first orders spread over the first
// 20 months of a two-year history, rate λ ~ Gamma(r, α) per day while alive, dropout after
// each repeat with p ~ Beta(a, b), values ~ Gamma), 4% of orders refunded, one earn ledger
// entry per order and a redemption for one member in ten, tier moves, email engagement
// (monthly campaigns to 40% of customers over the last 450 days, opened by each at their own
// rate, less after dropout) and reviews of 5% of orders with a sentiment. Orders and customers
// travel by COPY; the rest is derived from them in set-based SQL. Not timed: the scoring is.
import pg from "pg";
import { inTransaction } from "../../app/backfill/sql.server";
import { Rng } from "../../simulator/random/rng";
import { beta, exponential, gamma } from "../../simulator/random/samplers";

const DAY_MS = 86_400_000;
const HISTORY_DAYS = 730;
const CHUNK = 100_000;

export type ScoringShop = { customers: number; orders: number; end: Date };

/** The instant the shop's history ends (and the scoring scores as of). */
export const SCORING_SHOP_END = new Date(Date.UTC(2026, 11, 1));

/** Draws and writes the shop; `orders` is a target, reached by the customers' draws in turn. */
export async function writeScoringShop(
  url: string,
  shop: string,
  counts: { customers: number; orders: number },
  seed = 20261207,
): Promise<ScoringShop> {
  const end = SCORING_SHOP_END;
  const start = end.getTime() - HISTORY_DAYS * DAY_MS;
  const rng = new Rng(seed);
  // Tuned so that 100,000 customers place about 1,000,000 orders in two years.
  const r = 2.2;
  const alpha = 42;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let orderId = 0;
  try {
    await pool.query(
      `INSERT INTO "Shop" ("domain", "currencyCode", "ianaTimezone", "updatedAt") VALUES ($1, 'USD', 'UTC', now())`,
      [shop],
    );
    for (let from = 1; from <= counts.customers; from += CHUNK) {
      const to = Math.min(counts.customers, from + CHUNK - 1);
      const customers: string[] = [];
      const members: string[] = [];
      const orders: string[] = [];
      for (let id = from; id <= to; id++) {
        const acquired = rng.open() * (HISTORY_DAYS - 120);
        const lambda = gamma(rng, r, 1 / alpha);
        const dropout = beta(rng, 1.2, 9);
        const meanValue = 20 + gamma(rng, 4, 15);
        const stamp = (day: number) => new Date(start + day * DAY_MS).toISOString().slice(0, -1);
        customers.push(`${shop}\t${id}\tcustomer${id}@bench.example\t${stamp(acquired)}`);
        members.push(`${shop}\t${id}\t${stamp(acquired)}\t${stamp(acquired)}`);
        const remaining = counts.orders - orderId;
        for (let t = acquired, n = 0; t < HISTORY_DAYS && n < remaining; n++) {
          const total = Math.max(100, Math.round(gamma(rng, 6, meanValue / 6) * 100));
          orderId++;
          orders.push(`${shop}\t${orderId}\t${id}\t#${orderId}\tUSD\t${total}\t${total}\tpaid\t${stamp(t)}`);
          if (n > 0 && rng.open() < dropout) break;
          t += exponential(rng, lambda);
        }
      }
      await inTransaction(pool, async (tx) => {
        await tx.copyFrom(
          `COPY "Customer" ("shop", "id", "email", "shopifyCreatedAt") FROM STDIN`,
          customers.join("\n") + "\n",
        );
        await tx.copyFrom(
          `COPY "Member" ("shop", "customerId", "enrolledAt", "updatedAt") FROM STDIN`,
          members.join("\n") + "\n",
        );
        if (orders.length)
          await tx.copyFrom(
            `COPY "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor",
               "financialStatus", "processedAt") FROM STDIN`,
            orders.join("\n") + "\n",
          );
      });
    }
    await derive(pool, shop, end);
  } finally {
    await pool.end();
  }
  return { customers: counts.customers, orders: orderId, end };
}

/** Refunds, ledger, tier moves, engagement and reviews, from the orders in SQL. */
async function derive(pool: pg.Pool, shop: string, end: Date) {
  const q = (sql: string, params: unknown[] = [shop]) => pool.query(sql, params);
  await q(`SELECT setseed(0.15)`, []);
  await q(
    `INSERT INTO "Refund" ("shop", "id", "orderId", "totalMinor", "processedAt")
     SELECT "shop", "id", "id", ("totalMinor" * (0.2 + 0.8 * random()))::bigint, "processedAt" + interval '6 days'
     FROM "Order" WHERE "shop" = $1 AND random() < 0.04`,
  );
  await q(
    `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt", "programVersion", "orderId")
     SELECT "shop", "customerId", 'earn:' || "id", 'earn', ("totalMinor" / 100)::int, 'available', "processedAt", 1, "id"
     FROM "Order" WHERE "shop" = $1`,
  );
  await q(
    `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt", "programVersion")
     SELECT "shop", "customerId", 'redeem:' || "customerId", 'redeem', -50, 'available', max("processedAt") + interval '1 day', 1
     FROM "Order" WHERE "shop" = $1 AND "customerId" % 10 = 0 GROUP BY "shop", "customerId"`,
  );
  await q(
    `UPDATE "Member" m SET "availablePoints" = GREATEST(0, s.points)
     FROM (SELECT "customerId", sum("points")::int AS points FROM "LedgerEntry" WHERE "shop" = $1 GROUP BY 1) s
     WHERE m."shop" = $1 AND m."customerId" = s."customerId"`,
  );
  await q(
    `INSERT INTO "LoyaltyEvent" ("shop", "customerId", "type", "key", "payload", "occurredAt")
     SELECT "shop", "customerId", 'tierChanged', 'tier:' || "id",
            jsonb_build_object('change', CASE WHEN "id" % 3 = 0 THEN 'downgrade' ELSE 'upgrade' END),
            "processedAt"
     FROM "Order" WHERE "shop" = $1 AND "id" % 40 = 0`,
  );
  // Campaigns every 30 days over the last 450; 40% of customers get them, each opens at a rate of its own.
  await q(
    `INSERT INTO "EngagementEvent" ("shop", "source", "externalId", "channel", "type", "customerId", "occurredAt")
     SELECT $1, 'bench', e.kind || ':' || c."id" || ':' || k, 'email', e.kind::"EngagementType", c."id",
            $2::timestamp - make_interval(days => 30 * k) + interval '9 hours'
     FROM "Customer" c
     CROSS JOIN generate_series(1, 15) k
     CROSS JOIN LATERAL (
       SELECT 'send' AS kind
       UNION ALL SELECT 'open' WHERE random() < 0.1 + (c."id" % 7) / 10.0
       UNION ALL SELECT 'click' WHERE random() < 0.05
     ) e
     WHERE c."shop" = $1 AND c."id" % 5 < 2`,
    [shop, end],
  );
  await q(
    `INSERT INTO "ProductReview" ("shop", "source", "externalId", "productRef", "customerId", "rating", "reviewedAt",
       "importId", "sentiment", "sentimentSource")
     SELECT "shop", 'bench', "id"::text, 'p' || ("id" % 500), "customerId", r, "processedAt" + interval '12 days',
            '00000000-0000-4000-8000-000000000000', (r - 3) / 2.0 + (random() - 0.5) * 0.2, 'vader'
     FROM (SELECT *, 1 + floor(random() * 5)::int AS r FROM "Order" WHERE "shop" = $1 AND random() < 0.05) o`,
  );
  await q(`ANALYZE`, []);
}
