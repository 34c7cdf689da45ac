// Generates a shop with one million orders in the emulator's input shapes and reports the
// rate. Batches are streamed and dropped, so memory stays flat; small batches let the
// orders die young (cheap scavenges instead of old-generation GC). Exits 1 below the target.
//   npm run bench:simulate [-- --orders 1000000 --seed 7 --batch 100]
import { parseArgs } from "node:util";
import { customerBatches, defineShop } from "../simulator/shop";

const TARGET_PER_SECOND = 16_667;

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "1000000" },
    seed: { type: "string", default: "20261101" },
    batch: { type: "string", default: "100" },
  },
});
const targetOrders = Number(values.orders);
const seed = Number(values.seed);
const batchSize = Number(values.batch);
if (!Number.isInteger(targetOrders) || targetOrders < 1)
  throw new Error("--orders must be a positive integer");

const started = performance.now();
const cpuStart = process.cpuUsage();
const definition = defineShop({ seed, customers: 1_000_000 });
let customers = 0;
let orders = 0;
let lines = 0;
let refunds = 0;
let reviews = 0;
for (const batch of customerBatches(definition, batchSize)) {
  customers += batch.customers.length;
  orders += batch.orders.length;
  refunds += batch.refunds.length;
  reviews += batch.reviews.length;
  for (const order of batch.orders) lines += order.lineItems.length;
  if (orders >= targetOrders) break;
}
const seconds = (performance.now() - started) / 1000;
const rate = Math.round(orders / seconds);
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

console.log(
  `generated ${orders.toLocaleString("en-US")} orders (${lines.toLocaleString("en-US")} lines, ` +
    `${refunds.toLocaleString("en-US")} refunds, ${reviews.toLocaleString("en-US")} reviews) ` +
    `for ${customers.toLocaleString("en-US")} customers and ${definition.products.length} products`,
);
// Wall time is the figure that counts; CPU time shows how much of it was this process's own
// work when the machine is shared.
console.log(`cpu: ${cpuSeconds.toFixed(1)} s (${Math.round(orders / cpuSeconds)} orders per CPU-second)`);
console.log(
  `simulate: ${rate} orders/s (target >= ${TARGET_PER_SECOND} orders/s, i.e. 1M orders in <= 60 s) in ${seconds.toFixed(1)} s`,
);
if (rate < TARGET_PER_SECOND) process.exitCode = 1;
