import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { simulatedStoreNotice } from "~/experiments/simulated";
import { memberPrograms } from "~/loyalty/services/member-program.server";
import { emulatorGraphql } from "../tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../emulator/server";
import { installApp, startTestEmulator } from "../emulator/testing";
import {
  DEMO_EXPERIMENT_DAYS,
  recordHistoryExposures,
  replayBanditUpdates,
  respondToArms,
  startDemoExperiments,
} from "./demo-experiments.server";
import { loadShopIntoStore } from "./history";
import { createHistoryRun, prepareShop } from "./history-app.server";
import { DAY_MS } from "./model/calendar";
import { responseSchema } from "./scenario/schema";
import { generateShop } from "./shop";

// The demo's experiments on a small generated shop: the holdout and the double-points
// experiment start 60 days before the end of history, before the backfill, and the app's
// sweep then exposes every member, at launch or when they joined, in the arm it assigns.

const db = prisma();
const DOMAIN = "demo-experiments-e2e.myshopify.com";
const NOW = new Date();
const HISTORY_END = `${NOW.toISOString().slice(0, 10)}T00:00:00Z`;
const generated = generateShop({
  seed: 9,
  // DEMO_E2E_CUSTOMERS: a larger shop, to time the bandit replay (4,000: see the report).
  customers: Number(process.env.DEMO_E2E_CUSTOMERS ?? 600),
  historyMonths: 4,
  historyEnd: HISTORY_END,
  domain: DOMAIN,
});

let emulator: Emulator;
beforeAll(async () => {
  await resetDatabase(db);
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  await closeBackfillPools();
});

describe("the demo's holdout and experiment", () => {
  it("run for 60 days of the imported history, with exposures in every arm", async () => {
    await prepareShop(db, generated);
    const { launchedAt, banditId } = await startDemoExperiments(db, DOMAIN, 1, new Date(HISTORY_END));
    expect(launchedAt.getTime()).toBe(Date.parse(HISTORY_END) - DEMO_EXPERIMENT_DAYS * DAY_MS);

    // Since launch the history follows the response model: each arm keeps its orders in
    // proportion to what its program makes customers buy, the arm that buys most keeps all
    // of them, and no order before launch is touched.
    const before = generated.orders.map((o) => String(o.id));
    const thinned = await respondToArms(db, generated, launchedAt, responseSchema.parse({}));
    // Arms are the combinations of the two experiments' variants (the earn rate and the
    // bandit's reward costs, on different levers, overlap): 1 holdout + 2 × (1 + 3).
    const combinations = ["double-points:control", "double-points:double"].flatMap((d) => [
      d,
      ...["control", "minus-25", "minus-40"].map((r) => `${d}+reward-thresholds:${r}`),
    ]);
    const arms = ["holdout", "control", ...combinations].map((arm) => thinned[arm] ?? 0);
    expect(Math.min(...arms)).toBe(0);
    expect(Math.max(...arms)).toBeGreaterThan(0);
    expect(thinned["holdout"]).toBeGreaterThan(0);
    const kept = new Set(generated.orders.map((o) => String(o.id)));
    const gone = generated.orders.length === before.length ? [] : before.filter((id) => !kept.has(id));
    expect(gone.length).toBe(Object.values(thinned).reduce((s, n) => s + n, 0));

    loadShopIntoStore(emulator.store, generated, () => undefined);
    const token = await installApp(emulator, DOMAIN);
    const run = await createHistoryRun(db, DOMAIN);
    const done = await runBackfill(run.id, {
      db,
      graphql: emulatorGraphql(emulator, token),
      poll: { intervalMs: 20, maxIntervalMs: 100 },
    });
    expect(done.status).toBe("completed");

    // The bandit's allocations every three days, by the app's update at each period's start (burn-in 2 periods).
    const started = performance.now();
    const written = await replayBanditUpdates(db, DOMAIN, banditId, NOW);
    console.info(
      `bandit replay: ${written} periods in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(written).toBeGreaterThanOrEqual(DEMO_EXPERIMENT_DAYS / 3 - 1);
    const allocations = await db.experimentAllocation.findMany({
      where: { shop: DOMAIN, experimentId: banditId },
      orderBy: { period: "asc" },
    });
    expect(allocations.slice(0, 1).map((a) => a.phase)).toEqual(["burn-in"]);
    expect(allocations.some((a) => a.phase === "thompson")).toBe(true);
    for (const a of allocations) {
      const bps = (a.weights as { key: string; bps: number }[]).map((w) => w.bps);
      expect(bps.reduce((x, y) => x + y, 0)).toBe(10_000);
      expect(Math.min(...bps)).toBeGreaterThanOrEqual(500);
    }
    // Replaying again writes nothing twice.
    expect(await replayBanditUpdates(db, DOMAIN, banditId, NOW)).toBe(0);

    const counts = await recordHistoryExposures(db, DOMAIN, NOW);
    for (const arm of [
      "holdout-1:holdout",
      "holdout-1:program",
      "double-points:control",
      "double-points:double",
    ])
      expect(counts[arm], arm).toBeGreaterThan(0);
    // Held-out customers are in no experiment.
    expect(counts["double-points:control"]! + counts["double-points:double"]!).toBe(
      counts["holdout-1:program"],
    );

    const experiments = await db.experiment.findMany({ where: { shop: DOMAIN } });
    expect(experiments.map((e) => [e.key, e.status]).sort()).toEqual([
      ["double-points", "running"],
      ["holdout-1", "running"],
      ["reward-thresholds", "running"],
    ]);
    for (const e of experiments) {
      expect(e.launchedAt).toEqual(launchedAt);
      expect(simulatedStoreNotice(e)).toMatch(/simulated store/);
    }

    // Every member is exposed (the holdout's arms cover them all), at launch or, for a customer
    // who joined the shop later, at joining, in the arm the app's resolution gives them.
    const holdoutId = experiments.find((e) => e.key === "holdout-1")!.id;
    const members = await db.member.findMany({ where: { shop: DOMAIN, status: { not: "deleted" } } });
    expect(counts["holdout-1:holdout"]! + counts["holdout-1:program"]!).toBe(members.length);
    const customers = new Map(
      (await db.customer.findMany({ where: { shop: DOMAIN } })).map((c) => [c.id, c.shopifyCreatedAt]),
    );
    const joined = new Map(
      members.map((m) => {
        const created = customers.get(m.customerId);
        return [m.customerId, created && created < m.createdAt ? created : m.createdAt];
      }),
    );
    const resolve = await memberPrograms(db, DOMAIN, NOW);
    const exposures = await db.experimentExposure.findMany({ where: { shop: DOMAIN } });
    let joinedLater = 0;
    for (const x of exposures) {
      const join = joined.get(x.customerId)!;
      if (join > launchedAt) joinedLater += 1;
      expect([x.trigger, x.exposedAt]).toEqual(["assignment", join > launchedAt ? join : launchedAt]);
      if (x.experimentId === holdoutId) continue;
      if (x.experimentId === banditId) {
        // Sticky: the member's resolved program carries the arm their exposure recorded.
        // (a control names no variant: it changes nothing)
        const arm = resolve(x.customerId).variants.find((v) => v.startsWith("reward-thresholds:"));
        expect(arm ?? "reward-thresholds:control").toBe(x.variantKey);
        continue;
      }
      expect(resolve(x.customerId).program.earning.pointsPerCurrencyUnit).toBe(
        x.variantKey === "double-points:double" ? 2 : 1,
      );
    }
    // The generated shop keeps signing customers up during the 60 days.
    expect(joinedLater).toBeGreaterThan(0);
    // Rerunning records nothing twice.
    await recordHistoryExposures(db, DOMAIN, NOW);
    expect(await db.experimentExposure.count({ where: { shop: DOMAIN } })).toBe(
      Object.values(counts).reduce((s, n) => s + n, 0),
    );
  }, 90_000);
});
