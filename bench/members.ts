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
import { cursorAt } from "./support/member-cursors";
import { seedMembersShop } from "./support/members-shop";
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
  "query=smith&sort=spent",
];

const { values } = parseArgs({ options: { members: { type: "string", default: "20000" } } });
const members = Number(values.members);

const database = await scratchDatabase("members");
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const db = createPrisma(database.url, 2);
let failed = false;
try {
  await seedMembersShop(client, SHOP, members);
  const context = { currency: "USD", tierBasis: "spend" as const, now: new Date() };
  // A page 10,000 members in (page 401), as following "next" reaches it.
  const deep = `after=${await cursorAt(db, SHOP, "", Math.min(10_000, members - 1), context)}`;
  for (const view of [...VIEWS, deep]) {
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
