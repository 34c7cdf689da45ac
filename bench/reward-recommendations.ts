// The reward-recommendation stage of full scoring, from the database: a simulator shop with a
// past loyalty program (100,000 customers by default) written into a scratch database as the
// app would hold it, then one run timed end to end (the one set-based read, the holdout
// evaluation, the refit, every member scored, the rows written).
//   sh scripts/node.sh --import tsx bench/reward-recommendations.ts [--customers 100000] [--orders 1m]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createPrisma } from "../app/db.server";
import { writeLoyaltyShop, at } from "../app/intelligence/rewards/loyalty-testing.server";
import { runRewardRecommendationRun } from "../app/intelligence/rewards/run.server";
import { rewardMembers } from "../app/intelligence/rewards/simulator-testing";
import { generateShop } from "../simulator/index";
import { scratchDatabase } from "./support/services";

const { values } = parseArgs({
  // --orders 1m: frequent, loyal buyers (λ mean 11.7/year, dropout mean 3%), ~10 orders each.
  options: {
    customers: { type: "string", default: "100000" },
    orders: { type: "string", default: "default" },
  },
});
const SHOP = "bench-rewards.myshopify.com";
const database = await scratchDatabase("rewards");
const db = createPrisma(database.url);
try {
  const heavy =
    values.orders === "1m" ? { purchase: { r: 1.4, alpha: 0.12 }, dropout: { a: 1.3, b: 40 } } : {};
  const shop = generateShop({ seed: 41, customers: Number(values.customers), pastLoyalty: {}, ...heavy });
  const members = rewardMembers(shop);
  await writeLoyaltyShop(db, SHOP, shop, members);
  await db.$executeRawUnsafe(`ANALYZE`);
  const run = await db.rewardRecommendationRun.create({ data: { shop: SHOP, trigger: "bench" } });
  const stages: string[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await runRewardRecommendationRun(db, run.id, {
    now: at(shop, shop.calendar.historyDays),
    onProgress: async (p) =>
      void stages.push(`${p} at ${((performance.now() - started) / 1000).toFixed(1)} s`),
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(
    `reward recommendations: ${outcome.members.toLocaleString("en-US")} members (${shop.orders.length.toLocaleString("en-US")} orders, ${shop.redemptions.length.toLocaleString("en-US")} redemptions) in ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU in this process (the SQL runs in PostgreSQL) [${outcome.method}]; progress ${stages.join(", ")}; load average ${loadavg()[0]!.toFixed(1)}`,
  );
} finally {
  await db.$disconnect();
  await database.stop();
}
