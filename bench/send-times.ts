// Send-time and channel choice from the database (app/campaigns/send-time): a simulator shop
// with preferred shopping hours (50,000 customers by default) written into a scratch database,
// then the nightly refresh of every member timed end to end (three set-based reads, the pure
// choices, the rows written), and the one-member computation a send makes on a miss.
//   sh scripts/node.sh --import tsx bench/send-times.ts [--customers 50000]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createPrisma } from "../app/db.server";
import { computeMemberSendTime, refreshSendTimes } from "../app/campaigns/send-time/refresh.server";
import { generateShop } from "../simulator/index";
import { scratchDatabase } from "./support/services";

const { values } = parseArgs({ options: { customers: { type: "string", default: "50000" } } });
const SHOP = "bench-sendtime.myshopify.com";
const TARGET_REFRESH_S = 60;
// The miss path runs in the delivery worker (and once on a new member's page), not per request.
const TARGET_MEMBER_P95_MS = 1000;
const database = await scratchDatabase("sendtime");
const db = createPrisma(database.url);
try {
  const shop = generateShop({ seed: 43, customers: Number(values.customers), shoppingHour: {} });
  await db.shop.create({ data: { domain: SHOP, ianaTimezone: "America/New_York" } });
  const ids = shop.customerInputs.map((c) => String(c.id));
  const emails = shop.customerInputs.map((c) => c.email ?? null);
  await db.$executeRawUnsafe(
    `INSERT INTO "Customer" ("shop", "id", "email", "emailConsent")
     SELECT $1, c, e, true FROM unnest($2::bigint[], $3::text[]) AS t(c, e)`,
    SHOP,
    ids,
    emails,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Member" ("shop", "customerId", "updatedAt") SELECT $1, c, now() FROM unnest($2::bigint[]) AS c`,
    SHOP,
    ids,
  );
  const orders = shop.orders.filter((o) => o.customerId != null && o.processedAt);
  for (let i = 0; i < orders.length; i += 50_000) {
    const chunk = orders.slice(i, i + 50_000);
    await db.$executeRawUnsafe(
      `INSERT INTO "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor", "processedAt")
       SELECT $1, i, c, '#' || i, 'USD', 1000, 1000, p FROM unnest($2::bigint[], $3::bigint[], $4::timestamp[]) AS t(i, c, p)`,
      SHOP,
      chunk.map((o) => String(o.id)),
      chunk.map((o) => String(o.customerId)),
      chunk.map((o) => o.processedAt!.replace("Z", "")),
    );
  }
  await db.$executeRawUnsafe(`ANALYZE`);

  const started = performance.now();
  const cpu = process.cpuUsage();
  const { members } = await refreshSendTimes(db, SHOP, new Date());
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);

  const times: number[] = [];
  for (let k = 0; k < 40; k++) {
    const id = BigInt(ids[(k * 7919) % ids.length]!);
    const t = performance.now();
    await computeMemberSendTime(db, SHOP, id);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length * 0.5)]!;
  const p95 = times[Math.floor(times.length * 0.95)]!;
  console.log(
    `send times: ${members.toLocaleString("en-US")} members, ${orders.length.toLocaleString("en-US")} orders: refresh ${seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU in this process; one member on a miss p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`send-times refresh: ${seconds.toFixed(1)} s (target <= ${TARGET_REFRESH_S})`);
  console.log(`send-times member: ${p95.toFixed(0)} ms p95 (target <= ${TARGET_MEMBER_P95_MS})`);
  if (seconds > TARGET_REFRESH_S || p95 > TARGET_MEMBER_P95_MS) process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.stop();
}
