import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { pointsForOrder } from "~/loyalty/earning";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { line, order } from "~tests/support/loyalty-fixtures";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Backtest } from "./backtest";
import { launchPicks } from "./launch.server";
import { mirrorSimulatorCatalogue } from "./mirror-testing.server";
import type { ProductPick } from "./picks";
import { runWeeklyPicks, type StoredSettings } from "./run.server";

// The weekly-picks service on a 3,000-customer simulator shop with 18 months of history in
// the real database: the run stores the backtest (beating seasonal-naive), the picks within
// stock, and the settings it used; the launch asks for confirmation, then saves one program
// version with a product-scoped campaign for the forecast week, once; thin data says why.

const db = prisma();
const SHOP = "weekly-picks-service.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
});

describe("runWeeklyPicks and launchPicks", () => {
  it("computes, stores and launches the picks of a simulator shop", async () => {
    const { end } = await mirrorSimulatorCatalogue(db, SHOP, {
      seed: 5,
      customers: 3_000,
      historyMonths: 18,
    });
    await seedProgram(db, SHOP, {
      earning: { pointsPerCurrencyUnit: 1 },
      rewards: [
        {
          id: "five",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 200,
        },
      ],
    });
    const run = await db.weeklyPicksRun.create({
      data: { shop: SHOP, trigger: "merchant", settings: { top: 4 } },
    });
    const progress: number[] = [];
    const started = Date.now();
    const outcome = await runWeeklyPicks(db, run.id, {
      now: end,
      onProgress: async (p) => void progress.push(p),
    });
    console.info("weekly picks run took", Date.now() - started, "ms");
    expect(outcome).toEqual({ status: "computed", picks: 4 });
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const stored = await db.weeklyPicksRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "computed", progress: 1, currencyCode: "USD", forecastFrom: end });
    const backtest = stored.backtest as unknown as Backtest;
    console.info("weekly picks service backtest", JSON.stringify(backtest));
    expect(backtest.seasonalOrigins).toBe(8);
    // Sparse here (~0.8 units per product-week): every forecast is near WAPE 0.9 and the model's
    // lead is small (measured 0.874 against seasonal-naive 0.902 and naive 0.948); the margin
    // at volume is simulator.test.ts's.
    expect(backtest.wapeSeasonalOrigins!).toBeLessThan(backtest.seasonalNaiveWape!);
    expect(backtest.wape).toBeLessThan(backtest.naiveWape);
    const settings = stored.settings as unknown as StoredSettings;
    expect(settings).toMatchObject({ top: 4, multiplier: 2, pointsPerCurrencyUnit: 1, pointValueMinor: 2.5 });
    expect(settings.figures).toMatchObject({ redemptionSource: "default", marginSource: "costs" });
    const picks = stored.picks as unknown as ProductPick[];
    for (const p of picks) {
      expect(p.netMinor).toBeGreaterThan(0);
      expect(p.marginSource).toBe("cost");
      expect(p.inventory).not.toBeNull();
      expect(p.promotedUnits).toBeLessThanOrEqual(p.inventory!);
    }

    // Launch: first the estimate, then one new version with the campaign on the picks.
    const before = await currentProgramVersion(db, SHOP);
    const ask = await launchPicks(db, SHOP, run.id, { staffId: "42", confirmed: false, now: end });
    expect(ask).toMatchObject({ ok: false, status: 409 });
    if (!ask.ok) expect(ask.estimate?.products).toBe(4);
    expect((await currentProgramVersion(db, SHOP)).version).toBe(before.version);
    const done = await launchPicks(db, SHOP, run.id, { staffId: "42", confirmed: true, now: end });
    if (!done.ok) throw new Error(done.message);
    const after = await currentProgramVersion(db, SHOP);
    expect(after.version).toBe(before.version + 1);
    const campaign = after.program.earning.campaigns.find((c) => c.id === done.campaign.id)!;
    expect(campaign).toMatchObject({
      kind: "multiplier",
      multiplier: 2,
      startsAt: end.toISOString(),
      endsAt: new Date(end.getTime() + 7 * 86_400_000).toISOString(),
      productIds: picks.map((p) => p.id),
    });
    // The campaign doubles a picked product's line and leaves others alone.
    const placedAt = new Date(end.getTime() + 86_400_000);
    const earned = pointsForOrder(
      order({
        placedAt,
        lines: [line({ id: "a", productId: picks[0]!.id }), line({ id: "b", productId: "1" })],
      }),
      { tierId: null, previousOrderCount: 1 },
      after.program,
      placedAt,
    );
    expect(earned.orderPoints).toBe(30);
    expect(await db.weeklyPicksRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      launchedVersion: after.version,
      launchedBy: "42",
    });
    expect(await launchPicks(db, SHOP, run.id, { staffId: "42", confirmed: true, now: end })).toMatchObject({
      ok: false,
      status: 409,
    });
    // Another shop cannot launch this shop's run.
    expect(
      await launchPicks(db, "other.myshopify.com", run.id, { staffId: null, confirmed: true, now: end }),
    ).toMatchObject({
      ok: false,
      status: 404,
    });

    // Without orders: not enough data, with what is needed.
    await db.order.deleteMany({ where: { shop: SHOP } });
    const thin = await db.weeklyPicksRun.create({ data: { shop: SHOP, trigger: "schedule" } });
    expect(await runWeeklyPicks(db, thin.id, { now: end })).toMatchObject({ status: "notEnoughData" });
    const recorded = await db.weeklyPicksRun.findUniqueOrThrow({ where: { id: thin.id } });
    expect(recorded.reason).toMatch(/at least 8 weeks of orders/);
    expect(await runWeeklyPicks(db, run.id, { now: end })).toMatchObject({ status: "skipped" });
  }, 120_000);
});
