// npm run bench:proxy [-- --members 10000 --requests 3000 --warmup 300]
// Member status through the real app proxy route (routes/proxy.status.ts, loader called
// in-process with Shopify's signed query): the library's HMAC check and offline-session
// load, our stale/duplicate checks, and the status service's reads, on a scratch database
// seeded in bulk SQL with N members of one shop (ledger history, orders, redemptions) and
// as many of another shop. Reports server time per request; target p95 < 50 ms.
import { parseArgs } from "node:util";
import pg from "pg";
import { signedProxyQuery } from "../app/storefront/proxy-signature";
import { percentile } from "./support/orders";
import { appEnv, BENCH_SECRET, freePort, scratchDatabase, scratchRedis } from "./support/services";

const { values: args } = parseArgs({
  options: {
    members: { type: "string", default: "10000" },
    requests: { type: "string", default: "3000" },
    warmup: { type: "string", default: "300" },
  },
});
const MEMBERS = Number(args.members);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
if (
  ![MEMBERS, REQUESTS].every((n) => Number.isInteger(n) && n > 0) ||
  !Number.isInteger(WARMUP) ||
  WARMUP < 0
)
  throw new Error("--members and --requests must be positive integers, --warmup a whole number");
const SHOP = "bench-proxy.myshopify.com";
const OTHER = "bench-proxy-other.myshopify.com";
const TARGET_P95_MS = 50;

// Each member: a signup bonus, 12 orders earned (the last 2 still pending), a release for
// each settled one, a redemption, and an adjustment now and then — about 25 ledger rows.
async function seed(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const shop of [SHOP, OTHER]) {
      await client.query(
        `INSERT INTO "Shop" ("domain", "currencyCode", "updatedAt") VALUES ($1, 'USD', now())`,
        [shop],
      );
      await client.query(
        `INSERT INTO "Member" ("shop", "customerId", "status", "enrolledAt", "availablePoints", "pendingPoints",
           "lifetimePoints", "redeemedPoints", "ordersEarned", "tierId", "tierValue", "nextTierId", "tierRemaining",
           "metafieldsDirty", "createdAt", "updatedAt")
         SELECT $1, c, CASE WHEN c % 50 = 0 THEN 'excluded'::"MemberStatus" ELSE 'active' END,
           now() - interval '400 days', 800 + (c % 37) * 40, 240, 1540 + (c % 37) * 40, 500, 12,
           CASE WHEN c % 3 = 0 THEN 'gold' WHEN c % 3 = 1 THEN 'silver' ELSE 'bronze' END,
           (c % 90) * 1000, 'gold', 1000, false, now(), now()
         FROM generate_series(1, $2::int) AS c`,
        [shop, MEMBERS],
      );
      await client.query(
        `INSERT INTO "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor",
           "financialStatus", "processedAt", "shopifyCreatedAt")
         SELECT $1, c * 100 + o, c, '#' || (c * 100 + o), 'USD', 6000, 6500, 'paid',
           now() - (o * interval '20 days'), now() - (o * interval '20 days')
         FROM generate_series(1, $2::int) AS c, generate_series(1, 12) AS o`,
        [shop, MEMBERS],
      );
      await client.query(
        `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
           "availableAt", "programVersion", "orderId")
         SELECT $1, c, $1 || ':order:' || (c * 100 + o) || ':earn', 'earn', 120,
           CASE WHEN o <= 2 THEN 'pending'::"LedgerBucket" ELSE 'available' END,
           now() - (o * interval '20 days'), now() - (o * interval '20 days') + interval '30 days', 2, c * 100 + o
         FROM generate_series(1, $2::int) AS c, generate_series(1, 12) AS o`,
        [shop, MEMBERS],
      );
      await client.query(
        `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
           "programVersion", "lotKey")
         SELECT $1, c, $1 || ':order:' || (c * 100 + o) || ':earn:release', 'release', 120, 'available',
           now() - (o * interval '20 days') + interval '30 days', 2, $1 || ':order:' || (c * 100 + o) || ':earn'
         FROM generate_series(1, $2::int) AS c, generate_series(3, 12) AS o`,
        [shop, MEMBERS],
      );
      await client.query(
        `INSERT INTO "Redemption" ("id", "shop", "customerId", "rewardId", "reward", "pointsCost", "programVersion",
           "status", "clientKey", "code", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), $1, c, 'ship', '{"name":"Free shipping"}', 300, 2, 'issued',
           md5($1 || c), 'LOY-' || md5($1 || c), now() - interval '10 days', now()
         FROM generate_series(1, $2::int) AS c`,
        [shop, MEMBERS],
      );
      await client.query(
        `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
           "programVersion", "redemptionId")
         SELECT r."shop", r."customerId", r."shop" || ':redemption:' || r."id" || ':redeem', 'redeem', -300,
           'available', r."createdAt", 2, r."id"
         FROM "Redemption" r WHERE r."shop" = $1`,
        [shop],
      );
      await client.query(
        `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
           "programVersion")
         SELECT $1, c, $1 || ':customer:' || c || ':signup', 'bonus', 100, 'available',
           now() - interval '400 days', 1
         FROM generate_series(1, $2::int) AS c`,
        [shop, MEMBERS],
      );
    }
    await client.query(`ANALYZE`);
  } finally {
    await client.end();
  }
}

const database = await scratchDatabase("proxy");
const redis = await scratchRedis();
try {
  Object.assign(process.env, appEnv(database.url, redis.url, await freePort()), { LOG_LEVEL: "warn" });
  const started = performance.now();
  await seed(database.url);
  // App modules read the environment when first imported, so they come after it is set.
  const { prisma } = await import("../app/db.server");
  const { seedProgram } = await import("../tests/support/loyalty-world.server");
  const { Session } = await import("@shopify/shopify-api");
  const { sessionStorage } = await import("../app/shopify.server");
  const { loader } = await import("../app/routes/proxy.status");
  const db = prisma();
  for (const shop of [SHOP, OTHER]) {
    await seedProgram(db, shop, {
      tiers: {
        basis: "spend",
        levels: [
          { id: "bronze", name: "Bronze", threshold: 0 },
          { id: "silver", name: "Silver", threshold: 30000, benefits: { perkPercent: 5 } },
          { id: "gold", name: "Gold", threshold: 90000, benefits: { perkPercent: 10, freeShipping: true } },
        ],
      },
      rewards: [
        {
          id: "five",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 500,
        },
        {
          id: "ten",
          name: "$10 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "USD" } },
          pointsCost: 1000,
        },
        {
          id: "pct",
          name: "15% off",
          value: { kind: "percentage", percent: 15 },
          pointsCost: 1500,
          perMemberLimit: 2,
        },
        {
          id: "ship",
          name: "Free shipping",
          value: { kind: "freeShipping" },
          pointsCost: 300,
          perMemberLimit: 1,
        },
      ],
    });
    const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
    session.accessToken = "bench-token";
    session.scope = "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts";
    await sessionStorage.storeSession(session);
  }
  const counts = await db.$queryRaw<Array<{ members: bigint; entries: bigint }>>`
    SELECT (SELECT count(*) FROM "Member") AS members, (SELECT count(*) FROM "LedgerEntry") AS entries`;
  console.log(
    `seeded ${counts[0]!.members} members and ${counts[0]!.entries} ledger entries over 2 shops in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  // Members picked spread over the shop; one request in 20 is a guest (the join offer).
  let state = 20261123;
  const nextMember = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % 20 === 0 ? null : 1 + (state % MEMBERS);
  };
  const request = (customerId: number | null) =>
    new Request(
      `https://bench.example.com/proxy/status?${signedProxyQuery({ shop: SHOP, customerId: customerId === null ? null : String(customerId), secret: BENCH_SECRET })}`,
    );
  const statuses = new Map<number, number>();
  const samples: number[] = [];
  // The server's cost of a request beside its time: this process's CPU (the bench's own loop
  // is a small part of it) and the statements it sent (committed transactions; PostgreSQL
  // publishes them within a second, hence the pauses around the timed requests).
  const committed = async () =>
    (
      await db.$queryRaw<[{ n: bigint }]>`
        SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`
    )[0].n;
  const settle = () => new Promise((r) => setTimeout(r, 1_100));
  let cpuBefore = process.cpuUsage();
  let committedBefore = 0n;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    if (i === WARMUP) {
      await settle();
      committedBefore = await committed();
      cpuBefore = process.cpuUsage();
    }
    const req = request(nextMember());
    const t0 = performance.now();
    const response = await loader({ request: req, params: {}, context: {} });
    await response.text();
    const ms = performance.now() - t0;
    if (i >= WARMUP) {
      samples.push(ms);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  await settle();
  // Less the look-up that read the count before.
  const statements = Number((await committed()) - committedBefore - 1n) / REQUESTS;
  if ((statuses.get(200) ?? 0) === 0)
    throw new Error(`no successful status answers: ${JSON.stringify([...statuses])}`);
  const p = (q: number) => percentile(samples, q).toFixed(1);
  console.log(
    `${REQUESTS} status requests (${[...statuses].map(([s, n]) => `${n}× ${s}`).join(", ")}) over ${MEMBERS} members: ` +
      `p50 ${p(50)} ms, p99 ${p(99)} ms, max ${Math.max(...samples).toFixed(1)} ms`,
  );
  console.log(
    `  ${((cpu.user + cpu.system) / 1000 / REQUESTS).toFixed(2)} ms of CPU a request in this process, ` +
      `${statements.toFixed(2)} statements a request`,
  );
  const p95 = percentile(samples, 95);
  console.log(`proxy: ${p95.toFixed(1)} ms p95 (target < ${TARGET_P95_MS} ms)`);
  if (!(p95 < TARGET_P95_MS)) process.exitCode = 1;
  await db.$disconnect();
} finally {
  globalThis.__redis?.disconnect();
  await redis.stop();
  await database.stop();
}
