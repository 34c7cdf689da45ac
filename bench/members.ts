// bench:members: the members list at scale. A scratch database gets `--members` members
// (default 20,000) with customers, ~3 orders each (inserted in one statement, so the
// stale-log trigger's cost is in the seeding figure, and the first drain is timed) and 5%
// of orders refunded; then each list view (a page of 25 with its count) is timed, median of 5, and the CSV
// export of every member is streamed through. Exits 1 when a page exceeds its target.
//   npm run bench:members [-- --members 20000]
import { parseArgs } from "node:util";
import pg from "pg";
import { parseListParams } from "../app/admin/members/list-params";
import { streamMembersCsv } from "../app/admin/members/member-export.server";
import { listMembers } from "../app/admin/members/members.server";
import { createPrisma } from "../app/db.server";
import { closePgPools } from "../app/db/pg-pools.server";
import { scratchDatabase } from "./support/services";

const PAGE_TARGET_MS = 250;
const SHOP = "bench-members.myshopify.com";
const VIEWS = [
  "",
  "sort=spent",
  "sort=lastOrder&direction=asc",
  "sort=averageOrder&spentMin=100",
  "lastOrder=over90&sort=spent",
  "lastOrder=never",
  "tier=gold&ordersMin=3",
  "nextTierWithin=50&sort=tierValue",
  "query=smith",
  "query=smith&sort=spent&page=3",
  "page=400",
];

const { values } = parseArgs({ options: { members: { type: "string", default: "20000" } } });
const members = Number(values.members);

async function seed(c: pg.Client) {
  await c.query(`SELECT setseed(0.14)`);
  await c.query(
    `INSERT INTO "Customer" ("shop", "id", "firstName", "lastName", "email")
     SELECT $1, g, (ARRAY['Ada','Grace','Alan','Zoë','Ravi','Mia'])[1 + g % 6],
       (ARRAY['Smith','Lovelace','Hopper','Turing','Okafor','Nguyen','Garcia'])[1 + (g / 7) % 7],
       'customer' || g || '@example.com'
     FROM generate_series(1, $2) g`,
    [SHOP, members],
  );
  await c.query(
    `INSERT INTO "Member" ("shop", "customerId", "availablePoints", "lifetimePoints", "tierId", "tierValue",
       "nextTierId", "tierRemaining", "enrolledAt", "updatedAt")
     SELECT $1, g, (random() * 2000)::int, (random() * 5000)::int,
       (ARRAY[NULL, 'silver', 'gold'])[1 + g % 3], (random() * 150000)::bigint,
       (ARRAY['silver', 'gold', NULL])[1 + g % 3], (random() * 60000)::bigint,
       now() - (random() * 700 || ' days')::interval, now()
     FROM generate_series(1, $2) g`,
    [SHOP, members],
  );
  const started = performance.now();
  // One statement for every order: the statement-level trigger logs their customers once.
  await c.query(
    `INSERT INTO "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor", "processedAt")
     SELECT $1, o, 1 + (o * 7919) % ($2 * 85 / 100), '#' || o, 'USD', t, t, now() - (random() * 700 || ' days')::interval
     FROM (SELECT o, (1000 + random() * 20000)::bigint AS t FROM generate_series(1, $2 * 3) o) s`,
    [SHOP, members],
  );
  const ordersMs = performance.now() - started;
  await c.query(
    `INSERT INTO "Refund" ("shop", "id", "orderId", "totalMinor")
     SELECT $1, o, o, 500 FROM generate_series(1, $2 * 3, 20) o`,
    [SHOP, members],
  );
  await c.query(`ANALYZE`);
  const drained = performance.now();
  const stats = await c.query(`SELECT drain_customer_order_stats($1) AS n`, [SHOP]);
  console.log(
    `seeded ${members.toLocaleString("en-US")} members and ${(members * 3).toLocaleString("en-US")} orders in one statement (${(ordersMs / 1000).toFixed(1)} s with the trigger); the first drain refreshed ${stats.rows[0].n.toLocaleString("en-US")} customers in ${((performance.now() - drained) / 1000).toFixed(1)} s`,
  );
}

const database = await scratchDatabase("members");
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const db = createPrisma(database.url, 2);
let failed = false;
try {
  await seed(client);
  const context = { currency: "USD", tierBasis: "spend" as const, now: new Date() };
  for (const view of VIEWS) {
    const params = parseListParams(new URLSearchParams(view));
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      total = (await listMembers(db, SHOP, params, context)).total;
      times.push(performance.now() - started);
    }
    const median = times.sort((a, b) => a - b)[2]!;
    if (median > PAGE_TARGET_MS) failed = true;
    console.log(
      `  /app/members?${view.padEnd(36)} ${median.toFixed(1).padStart(7)} ms  (${total.toLocaleString("en-US")} match)`,
    );
  }
  const started = performance.now();
  const stream = await streamMembersCsv(
    SHOP,
    parseListParams(new URLSearchParams("sort=spent")),
    { ...context, timeZone: "America/New_York", tiers: { basis: "spend", levels: [] } },
    database.url,
  );
  let bytes = 0;
  let peak = 0;
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
    peak = Math.max(peak, read.value.byteLength);
  }
  console.log(
    `export: ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(2)} s, largest chunk ${(peak / 1e3).toFixed(0)} kB`,
  );
  console.log(`members-list: pages ${failed ? "ABOVE" : "within"} the ${PAGE_TARGET_MS} ms target`);
} finally {
  await client.end();
  await db.$disconnect();
  await closePgPools("member-export");
  await database.stop();
}
process.exit(failed ? 1 : 0);
