import type pg from "pg";

// A shop of `members` members with customers (names to search), ~3 orders each inserted in one
// statement (so the stale-log trigger's cost is in the figure), 5% of orders refunded, and the
// first drain of the per-customer order stats: what the members list and the admin at scale
// read. Prints what it seeded and how long the orders and the drain took.

export async function seedMembersShop(c: pg.Client, shop: string, members: number) {
  await c.query(`SELECT setseed(0.14)`);
  await c.query(
    `INSERT INTO "Customer" ("shop", "id", "firstName", "lastName", "email")
     SELECT $1, g, (ARRAY['Ada','Grace','Alan','Zoë','Ravi','Mia'])[1 + g % 6],
       (ARRAY['Smith','Lovelace','Hopper','Turing','Okafor','Nguyen','Garcia'])[1 + (g / 7) % 7],
       'customer' || g || '@example.com'
     FROM generate_series(1, $2) g`,
    [shop, members],
  );
  await c.query(
    `INSERT INTO "Member" ("shop", "customerId", "availablePoints", "lifetimePoints", "tierId", "tierValue",
       "nextTierId", "tierRemaining", "enrolledAt", "updatedAt")
     SELECT $1, g, (random() * 2000)::int, (random() * 5000)::int,
       (ARRAY[NULL, 'silver', 'gold'])[1 + g % 3], (random() * 150000)::bigint,
       (ARRAY['silver', 'gold', NULL])[1 + g % 3], (random() * 60000)::bigint,
       now() - (random() * 700 || ' days')::interval, now()
     FROM generate_series(1, $2) g`,
    [shop, members],
  );
  const started = performance.now();
  // One statement for every order: the statement-level trigger logs their customers once.
  await c.query(
    `INSERT INTO "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor", "processedAt")
     SELECT $1, o, 1 + (o::bigint * 7919) % ($2 * 85 / 100), '#' || o, 'USD', t, t, now() - (random() * 700 || ' days')::interval
     FROM (SELECT o, (1000 + random() * 20000)::bigint AS t FROM generate_series(1, $2 * 3) o) s`,
    [shop, members],
  );
  const ordersMs = performance.now() - started;
  await c.query(
    `INSERT INTO "Refund" ("shop", "id", "orderId", "totalMinor")
     SELECT $1, o, o, 500 FROM generate_series(1, $2 * 3, 20) o`,
    [shop, members],
  );
  await c.query(`ANALYZE`);
  const drained = performance.now();
  const stats = await c.query(`SELECT drain_customer_order_stats($1) AS n`, [shop]);
  // What autovacuum's analyze would see a minute after the drain (autovacuum is off on
  // these machines): the list's filters are estimated from the statistics' columns.
  await c.query(`ANALYZE "CustomerOrderStats"`);
  console.log(
    `seeded ${members.toLocaleString("en-US")} members and ${(members * 3).toLocaleString("en-US")} orders in one statement (${(ordersMs / 1000).toFixed(1)} s with the trigger); the first drain refreshed ${stats.rows[0].n.toLocaleString("en-US")} customers in ${((performance.now() - drained) / 1000).toFixed(1)} s`,
  );
}
