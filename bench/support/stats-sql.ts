import pg from "pg";
import { createPrisma } from "../../app/db.server";
import { METRICS } from "../../app/experiments/metrics";
import { aggregateExperiment } from "../../app/experiments/metrics.server";
import { scratchDatabase } from "./services";

// bench:stats' SQL half: a scratch database with `members` exposed members of one experiment
// (3 variants, exposures spread over `days`), ~1.2 orders each after exposure, 5% of orders
// refunded, 20% of members with a used reward and a ledger entry per order, seeded set-based
// (untimed); then the experiments domain's aggregation of every metric, timed.

const SHOP = "bench-stats.myshopify.com";
const EXPERIMENT = "00000000-0000-4000-8000-000000000001";

export async function aggregationBench(members: number, days: number): Promise<number> {
  const database = await scratchDatabase("stats");
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const db = createPrisma(database.url, 2);
  try {
    const seeded = performance.now();
    await seed(client, members, days);
    console.log(
      `seeded ${members.toLocaleString("en-US")} exposed members with their orders in ${((performance.now() - seeded) / 1000).toFixed(1)} s (not timed)`,
    );
    const asOf = new Date(Date.UTC(2026, 0, 1) + (days + 60) * 86_400_000);
    const started = performance.now();
    const rows = await aggregateExperiment(db, SHOP, EXPERIMENT, asOf, 4500);
    const elapsedMs = performance.now() - started;
    const exposed = rows.reduce((sum, r) => sum + (r.n ?? 0), 0);
    console.log(
      `  ${rows.length} rows (variant x exposure day) for ${exposed.toLocaleString("en-US")} members, ${Object.keys(METRICS).length} metrics`,
    );
    console.log(`stats-aggregation: ${(elapsedMs / 1000).toFixed(2)} s (target < 10 s)`);
    return elapsedMs;
  } finally {
    await client.end();
    await db.$disconnect();
    await database.stop();
  }
}

export async function seedForExplain(c: pg.Client, members: number, days: number) {
  return seed(c, members, days);
}

async function seed(c: pg.Client, members: number, days: number) {
  await c.query(`SELECT setseed(0.2026)`);
  await c.query(
    `INSERT INTO "Experiment" ("id", "shop", "key", "name", "lever", "salt", "status", "primaryMetric", "updatedAt", "launchedAt")
     VALUES ($1, $2, 'bench', 'Bench', 'earnRate', 'bench', 'running', 'netRevenue', now(), '2026-01-01')`,
    [EXPERIMENT, SHOP],
  );
  await c.query(
    `INSERT INTO "ExperimentVariant" ("experimentId", "key", "name", "weight", "control", "position")
     VALUES ($1, 'control', 'Control', 34, true, 0), ($1, 'b', 'B', 33, false, 1), ($1, 'c', 'C', 33, false, 2)`,
    [EXPERIMENT],
  );
  await c.query(
    `INSERT INTO "ExperimentExposure" ("shop", "experimentId", "customerId", "variantKey", "exposedAt", "trigger", "covariate")
     SELECT $1, $2, g, 'bench:' || (ARRAY['control', 'b', 'c'])[1 + g % 3],
            timestamp '2026-01-01' + ((g - 1) * $4::float8 / $3) * interval '1 day', 'assignment', floor(random() * 20000)
     FROM generate_series(1, $3::int) g`,
    [SHOP, EXPERIMENT, members, days],
  );
  // Orders: 80% of members buy, half of them twice; placed after exposure.
  await c.query(
    `INSERT INTO "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor",
                          "totalDiscountsMinor", "financialStatus", "shopifyCreatedAt", "processedAt")
     SELECT $1, g * 2 + k, g, '#' || (g * 2 + k), 'USD', t, t, 500, 'paid', at, at
     FROM generate_series(1, $2::int) g
     CROSS JOIN LATERAL generate_series(0, g % 2) k
     CROSS JOIN LATERAL (SELECT (2000 + floor(random() * 8000) * (1 + (g % 3) * 0.02))::bigint AS t,
                                timestamp '2026-01-01' + ((g - 1) * $3::float8 / $2) * interval '1 day'
                                  + (1 + k * 20 + floor(random() * 10)) * interval '1 day' AS at) o
     WHERE g % 5 <> 0`,
    [SHOP, members, days],
  );
  await c.query(
    `INSERT INTO "Refund" ("shop", "id", "orderId", "totalMinor")
     SELECT "shop", "id", "id", "totalMinor" / 3 FROM "Order" WHERE "shop" = $1 AND "id" % 20 = 0`,
    [SHOP],
  );
  await c.query(
    `INSERT INTO "Redemption" ("id", "shop", "customerId", "rewardId", "reward", "pointsCost", "programVersion", "status", "createdAt", "updatedAt", "usedOrderId")
     SELECT gen_random_uuid(), "shop", "customerId", 'five',
            '{"value":{"kind":"fixedAmount","amount":{"amountMinor":500,"currency":"USD"}}}', 500, 1, 'used',
            "processedAt", "processedAt", "id"
     FROM "Order" WHERE "shop" = $1 AND "customerId" % 5 = 1 AND "id" % 2 = 0`,
    [SHOP],
  );
  await c.query(
    `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt", "programVersion", "orderId")
     SELECT "shop", "customerId", "shop" || ':order:' || "id" || ':earn', 'earn', ("totalMinor" / 100)::int, 'available',
            "processedAt", 1, "id"
     FROM "Order" WHERE "shop" = $1`,
    [SHOP],
  );
  await c.query(`VACUUM ANALYZE`);
}
