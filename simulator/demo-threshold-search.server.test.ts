import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { loadReport } from "~/admin/experiments/report.server";
import { runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { getExperiment } from "~/experiments/experiments.server";
import { storedOptimizer } from "~/experiments/optimizer";
import { emulatorGraphql } from "../tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../emulator/server";
import { installApp, startTestEmulator } from "../emulator/testing";
import {
  DEMO_EXPERIMENT_DAYS,
  finishThresholdSearch,
  recordHistoryExposures,
  respondToArms,
  startDemoExperiments,
  startDemoThresholdSearch,
} from "./demo-experiments.server";
import { loadShopIntoStore } from "./history";
import { createHistoryRun, prepareShop } from "./history-app.server";
import { responseSchema } from "./scenario/schema";
import { generateShop } from "./shop";

// The demo's finished reward-cost search on a small generated shop: candidates by the
// optimizer's rule from the generated history, launched with the other experiments before the
// backfill on the other half of the rewards layer, its weekly allocations replayed by the app's
// update after it, then stopped: the report has the response curve and a recommendation.

const db = prisma();
const DOMAIN = "demo-threshold-e2e.myshopify.com";
const NOW = new Date();
const HISTORY_END = `${NOW.toISOString().slice(0, 10)}T00:00:00Z`;
const generated = generateShop({
  seed: 11,
  customers: 600,
  historyMonths: 9,
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

describe("the demo's reward-cost search", () => {
  it("places four candidates by the rule, runs beside the bandit, and ends with a curve and a recommendation", async () => {
    await prepareShop(db, generated);
    const { launchedAt } = await startDemoExperiments(db, DOMAIN, 1, new Date(HISTORY_END));
    const searchId = await startDemoThresholdSearch(db, generated, launchedAt);
    const search = (await getExperiment(db, DOMAIN, searchId))!;
    const settings = storedOptimizer(search.bandit)!;
    expect(settings.kind).toBe("rewardCost");
    expect(settings.candidates).toHaveLength(4);
    expect(settings.candidates[0]).toBe(settings.min);
    expect(settings.candidates.at(-1)).toBe(settings.max);
    expect(settings.rule).toBe("quantiles");
    // Live value as control plus the candidates that differ from it.
    expect(search.variants[0]!.key).toBe("live");
    expect(search.variants.length).toBeGreaterThanOrEqual(4);
    // The other half of the rewards layer: no overlap with the reward-thresholds bandit.
    const bandit = (await db.experiment.findFirst({ where: { shop: DOMAIN, key: "reward-thresholds" } }))!;
    expect(search.layerStart! >= bandit.layerEnd! || search.layerEnd! <= bandit.layerStart!).toBe(true);

    await respondToArms(db, generated, launchedAt, responseSchema.parse({}));
    loadShopIntoStore(emulator.store, generated, () => undefined);
    const token = await installApp(emulator, DOMAIN);
    const run = await createHistoryRun(db, DOMAIN);
    const done = await runBackfill(run.id, {
      db,
      graphql: emulatorGraphql(emulator, token),
      poll: { intervalMs: 20, maxIntervalMs: 100 },
    });
    expect(done.status).toBe("completed");

    const periods = await finishThresholdSearch(db, DOMAIN, searchId, NOW);
    expect(periods).toBe(Math.floor(DEMO_EXPERIMENT_DAYS / 7));
    await recordHistoryExposures(db, DOMAIN, NOW);
    const finished = (await getExperiment(db, DOMAIN, searchId))!;
    expect(finished.status).toBe("stopped");
    const exposed = await db.experimentExposure.count({ where: { shop: DOMAIN, experimentId: searchId } });
    const report = await loadReport(db, DOMAIN, finished, exposed, NOW, { currency: "USD", timeZone: null });
    expect(report.available).toBe(true);
    if (!report.available) return;
    const view = report.optimizer!;
    expect(view.points).toHaveLength(finished.variants.length);
    expect(view.points.map((p) => p.x)).toEqual([...view.points.map((p) => p.x)].sort((a, b) => a - b));
    for (const p of view.points) expect(p.lower).toBeLessThan(p.upper);
    expect(view.recommendation?.sentence).toMatch(/likely the best|most likely best/);
  }, 180_000);
});
