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
  customers: 600,
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
    const { launchedAt } = await startDemoExperiments(db, DOMAIN, 1, new Date(HISTORY_END));
    expect(launchedAt.getTime()).toBe(Date.parse(HISTORY_END) - DEMO_EXPERIMENT_DAYS * DAY_MS);

    // Since launch the history follows the response model: under its defaults a 1%-back
    // program buys less than no program, so only members' orders are left out, none before launch.
    const before = generated.orders.map((o) => String(o.id));
    const thinned = await respondToArms(db, generated, launchedAt, responseSchema.parse({}));
    expect(thinned.holdout ?? 0).toBe(0);
    expect((thinned.control ?? 0) + (thinned["double-points:double"] ?? 0)).toBeGreaterThan(0);
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
