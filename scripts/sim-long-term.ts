// npm run sim:long-term [-- --scenario simulator/scenarios/long-term-bribe.json]
// The long-term objective end to end through the app's database, once: the scenario's buyers
// (scripts/long-term-validation.ts) go into a shop `sim-<scenario>.myshopify.com` with their
// history as orders; the app's own lifetime-value fit runs on it (runLifetimeValueFit); an
// experiment with primary metric `longTermValue` is created and launched by the experiments
// service and the app's exposure sweep assigns and exposes every buyer; each buyer's 180 days
// under the arm the app gave them are written as orders (their discounts as used redemptions);
// and the app's `experimentReport` reads 14-day net revenue (as of 14 days) and the long-term
// value (as of 28 days), printed next to the simulator's 180-day truth. The promotion is no app
// lever: the experiment's variants stand for the scenario's arms (same program, the simulator
// decides how each arm's buyers behave).
import { parseArgs } from "node:util";
import type { Prisma } from "../app/generated/prisma/client";
import { loadScenario } from "../simulator/scenario/load";
import { longTermPopulation, trueBest } from "./long-term-validation";
import { loadLocalEnv, prepareDatabase } from "./processes";

const { values: args } = parseArgs({
  options: { scenario: { type: "string", default: "simulator/scenarios/long-term-bribe.json" } },
});
const DAY_MS = 86_400_000;
const STAFF = "simulator";

loadLocalEnv();
await prepareDatabase();
const { prisma } = await import("../app/db.server");
const { eraseShop } = await import("../simulator/history-app.server");
const { eraseExperiments } = await import("../simulator/demo-experiments.server");
const { currentProgramVersion, saveProgram } = await import("../app/loyalty/services/program.server");
const { runLifetimeValueFit } = await import("../app/intelligence/clv/fit.server");
const { createExperiment } = await import("../app/experiments/experiments.server");
const { launchExperiment } = await import("../app/experiments/lifecycle.server");
const { sweepExposures } = await import("../app/experiments/exposure-sweep.server");
const { experimentReport } = await import("../app/experiments/report.server");

const db = prisma();
const started = performance.now();
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
try {
  const scenario = loadScenario(args.scenario!);
  const population = longTermPopulation(scenario, { keepOrders: true });
  const { launch, arms } = population;
  const shop = `sim-${scenario.name}.myshopify.com`;
  console.log(
    `${scenario.name}: ${population.ids.length} buyers simulated in ${seconds(started)}; shop ${shop}`,
  );

  await eraseExperiments(db, shop);
  if (await db.shop.findUnique({ where: { domain: shop }, select: { domain: true } }))
    await eraseShop(db, shop);
  await db.shop.create({ data: { domain: shop, name: shop, currencyCode: "USD", ianaTimezone: "UTC" } });
  const { version, program } = await currentProgramVersion(db, shop);
  await saveProgram(db, shop, program, { basedOn: version, createdBy: STAFF, note: "Scenario control" });

  // History: one paid order per purchase day, before launch.
  let nextId = 1n;
  const orderRow = (customerId: bigint, at: Date, net: number) => {
    const id = nextId++;
    return {
      shop,
      id,
      customerId,
      name: `#${id}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(net),
      totalMinor: BigInt(net),
      financialStatus: "paid",
      shopifyCreatedAt: at,
      processedAt: at,
    };
  };
  const insert = async <T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 5_000) await write(rows.slice(i, i + 5_000));
  };
  const history = population.ids.flatMap((id, i) =>
    population.history[i]!.map((d) => orderRow(BigInt(id), d.at, d.netMinor)),
  );
  await insert(history, (data) => db.order.createMany({ data }));
  const joined = new Date(launch.getTime() - DAY_MS);
  await insert(population.ids, (chunk) =>
    db.member.createMany({
      data: chunk.map((id) => ({
        shop,
        customerId: BigInt(id),
        status: "active" as const,
        enrolledAt: joined,
        createdAt: joined,
      })),
    }),
  );

  // The app's lifetime-value fit on the history, as of launch.
  let step = performance.now();
  const fit = await db.lifetimeValueFit.create({ data: { shop, trigger: STAFF } });
  const fitted = await runLifetimeValueFit(db, fit.id, { now: launch });
  const fitRow = await db.lifetimeValueFit.findUniqueOrThrow({ where: { id: fit.id } });
  console.log(
    `lifetime-value fit: ${fitted.status}, ${fitted.members} members valued, BG/NBD ${JSON.stringify(fitRow.purchaseParams)}, ` +
      `Gamma-Gamma ${JSON.stringify(fitRow.spendParams)}; ${seconds(step)}`,
  );

  const created = await createExperiment(
    db,
    shop,
    {
      key: "long-term",
      name: "Bribe vs standard",
      lever: "earnRate",
      primaryMetric: "longTermValue",
      secondaryMetrics: ["netRevenue", "netMargin"],
      grossMarginPercent: 40,
      variants: arms.map((key, a) => ({
        key,
        name: key,
        weight: 50,
        control: a === 0,
        ...(a === 0 ? {} : { override: { earning: { pointsPerCurrencyUnit: 1 } } }),
      })),
    },
    STAFF,
  );
  if (!created.ok)
    throw new Error(`createExperiment: ${created.message} ${JSON.stringify(created.fieldErrors)}`);
  const launched = await launchExperiment(db, shop, created.value.id, { staffId: STAFF, now: launch });
  if (!launched.ok) throw new Error(`launchExperiment: ${launched.message}`);
  await sweepExposures(db, shop, launch);
  const exposures = await db.experimentExposure.findMany({
    where: { shop, experimentId: created.value.id },
    select: { customerId: true, variantKey: true },
  });
  const armOf = new Map(
    exposures.map((e) => [e.customerId.toString(), arms.indexOf(e.variantKey.split(":")[1]!)]),
  );

  // Each buyer's days under the arm the app gave them: orders, and their discounts as used redemptions.
  const orders: ReturnType<typeof orderRow>[] = [];
  const redemptions: Prisma.RedemptionCreateManyInput[] = [];
  population.ids.forEach((id, i) => {
    const a = armOf.get(id);
    if (a === undefined || a < 0) return;
    for (const o of population.orders![a]![i]!) {
      const at = new Date(launch.getTime() + o.day * DAY_MS + 12 * 3_600_000);
      const row = orderRow(BigInt(id), at, o.net);
      orders.push(row);
      if (o.discount > 0)
        redemptions.push({
          shop,
          customerId: BigInt(id),
          rewardId: "discount",
          reward: { value: { kind: "fixedAmount", amount: { amountMinor: o.discount, currency: "USD" } } },
          pointsCost: 0,
          programVersion: 1,
          status: "used" as const,
          usedOrderId: row.id,
          createdAt: at,
        });
    }
  });
  await insert(orders, (data) => db.order.createMany({ data }));
  await insert(redemptions, (data) => db.redemption.createMany({ data }));
  console.log(
    `experiment ${created.value.key}: ${exposures.length} members exposed by the app's sweep ` +
      `(${arms.map((k) => `${k} ${exposures.filter((e) => e.variantKey.endsWith(`:${k}`)).length}`).join(", ")}); ` +
      `${orders.length} orders and ${redemptions.length} discounted ones written after launch`,
  );

  const best = trueBest(population);
  for (const days of [14, 28, 56]) {
    step = performance.now();
    const report = await experimentReport(db, shop, created.value.id, {
      asOf: new Date(launch.getTime() + days * DAY_MS),
    });
    const elapsed = seconds(step);
    const means = (key: string) => {
      const m = report!.analysis.metrics.find((x) => x.key === key);
      return m
        ? m.arms
            .map((e, a) => `${report!.variants[a]!.key} $${e.ok ? (e.estimate.mean / 100).toFixed(2) : "—"}`)
            .join(" / ")
        : "—";
    };
    console.log(
      `report as of ${days} days (${elapsed}): net revenue since exposure ${means("netRevenue")}; ` +
        `net margin ${means("netMargin")}; long-term value ${means("longTermValue")} (CUPED means per member); ` +
        `decision ${report!.analysis.decision.verdict}${report!.longTermNotice ? `; ${report!.longTermNotice}` : ""}`,
    );
  }
  console.log(
    `truth per member: ${population.truth
      .map(
        (t) =>
          `${t.arm} 14-day net revenue $${t.netRevenue14.toFixed(2)}, 180-day margin $${t.margin180.toFixed(2)}`,
      )
      .join("; ")}; 180-day winner ${arms[best]}. Total ${seconds(started)}.`,
  );
} finally {
  const { closeQueues } = await import("../app/jobs/queue.server");
  await closeQueues();
  globalThis.__redis?.disconnect();
  await db.$disconnect();
}
