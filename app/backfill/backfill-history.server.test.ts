import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createExperiment, startHoldout } from "~/experiments/experiments.server";
import { launchExperiment, stopExperiment } from "~/experiments/lifecycle.server";
import { forgetRunning } from "~/experiments/running.server";
import { loadAssignment } from "~/loyalty/services/assignment.server";
import { emulatorGraphql, seedProgram } from "~tests/support/loyalty-world.server";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { closeBackfillPools } from "./sql.server";
import { createBackfillRun, runBackfill } from "./run.server";

// The backfill credits each order under the program the member had when it was placed:
// the program version live then, and the experiment variant or holdout the member was in
// at that instant. Before an experiment launched, its members earned under the live
// program; after, under their variant; while the holdout ran, a held-out member earned
// nothing and the shadow ledger records what they would have.

const db = prisma();
const SHOP = "backfill-history.myshopify.com";
const NOW = new Date("2025-09-01T00:00:00Z");
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

let emulator: Emulator;
let graphql: AdminGraphql;

beforeAll(async () => {
  await resetDatabase(db);
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  graphql = emulatorGraphql(emulator, await installApp(emulator, SHOP));
});
afterAll(async () => {
  await emulator.close();
  await closeBackfillPools();
});

/** Saves the program as the next version and dates it as if saved on `on`. */
async function versionSavedOn(on: string, pointsPerCurrencyUnit: number) {
  const saved = await seedProgram(db, SHOP, { earning: { pointsPerCurrencyUnit, pendingDays: 14 } });
  await db.programVersion.updateMany({
    where: { shop: SHOP, version: saved.version },
    data: { createdAt: day(on) },
  });
  return saved.version;
}

const order = (customerId: string, createdAt: string, dollars: string) => ({
  customerId,
  createdAt: `${createdAt}T10:00:00Z`,
  lineItems: [{ title: "Tea", quantity: 1, unitPrice: dollars }],
});

describe("backfill over experiments' history", () => {
  it("credits each order under the version and the variant or holdout of its placement, shadowing held-out orders", async () => {
    await db.programVersion.deleteMany({ where: { shop: SHOP } });
    const early = await versionSavedOn("2025-01-01", 1);
    const late = await versionSavedOn("2025-06-01", 2);
    const test = await createExperiment(db, SHOP, {
      key: "earn5",
      name: "Five points per dollar",
      lever: "earnRate",
      primaryMetric: "netMargin",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "five", name: "Five", weight: 50, override: { earning: { pointsPerCurrencyUnit: 5 } } },
      ],
    });
    if (!test.ok) throw new Error(test.message);
    expect((await launchExperiment(db, SHOP, test.value.id, { now: day("2025-03-01") })).ok).toBe(true);
    const holdout = await startHoldout(db, SHOP, { sharePercent: 50 }, { now: day("2025-04-01") });
    if (!holdout.ok) throw new Error(holdout.message);

    // Who is where, by the app's own assignment while both run.
    const customers = emulator.store.addCustomers(
      SHOP,
      Array.from({ length: 40 }, (_, i) => ({ email: `c${i}@example.com` })),
    );
    forgetRunning(SHOP);
    const assignment = await loadAssignment(SHOP, day("2025-05-01"));
    const arm = (c: (typeof customers)[number]) => {
      const id = BigInt(c.legacyId);
      if (assignment.heldOut(id)) return "held";
      return assignment.overridesFor(id).length ? "five" : "control";
    };
    const treated = customers.find((c) => arm(c) === "five")!;
    const held = customers.find((c) => arm(c) === "held")!;
    const control = customers.find((c) => arm(c) === "control")!;
    expect(treated && held && control).toBeTruthy();
    expect((await stopExperiment(db, SHOP, holdout.value.id, { now: day("2025-07-01") })).ok).toBe(true);

    const [tBefore, tAfter, hBefore, hDuring, cPre, cEarly, cLate] = emulator.store.addOrders(SHOP, [
      order(treated.id, "2025-02-10", "100.00"),
      order(treated.id, "2025-03-10", "100.00"),
      order(held.id, "2025-02-15", "100.00"),
      order(held.id, "2025-05-10", "100.00"),
      order(control.id, "2024-11-01", "50.00"),
      order(control.id, "2025-02-20", "100.00"),
      order(control.id, "2025-08-10", "100.00"),
    ]);
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    const done = await runBackfill(run.id, {
      db,
      graphql,
      now: () => NOW,
      poll: { intervalMs: 5, maxIntervalMs: 20 },
    });
    expect(done.status).toBe("completed");
    expect(done.programVersion).toBe(late);

    const earns = await db.ledgerEntry.findMany({
      where: { shop: SHOP, kind: "earn" },
      select: { orderId: true, points: true, programVersion: true, experimentVariants: true },
    });
    const earnOf = (o: { legacyId: number | string } | undefined) =>
      earns.find((e) => e.orderId === BigInt(o!.legacyId));
    // Before the experiment launched: the live program of the day.
    expect(earnOf(tBefore)).toEqual(
      expect.objectContaining({ points: 100, programVersion: early, experimentVariants: [] }),
    );
    // After: the variant.
    expect(earnOf(tAfter)).toEqual(
      expect.objectContaining({ points: 500, programVersion: early, experimentVariants: ["earn5:five"] }),
    );
    // Held out: earned before the holdout began, nothing while it ran.
    expect(earnOf(hBefore)).toEqual(expect.objectContaining({ points: 100, programVersion: early }));
    expect(earnOf(hDuring)).toBeUndefined();
    // The version live at placement; before the first version, the one the run pinned.
    expect(earnOf(cEarly)).toEqual(expect.objectContaining({ points: 100, programVersion: early }));
    expect(earnOf(cLate)).toEqual(expect.objectContaining({ points: 200, programVersion: late }));
    expect(earnOf(cPre)).toEqual(expect.objectContaining({ points: 100, programVersion: late }));

    const shadow = await db.holdoutShadowEntry.findMany({
      where: { shop: SHOP },
      select: { experimentId: true, customerId: true, orderId: true, kind: true, points: true, key: true },
    });
    expect(shadow).toEqual([
      {
        experimentId: holdout.value.id,
        customerId: BigInt(held.legacyId),
        orderId: BigInt(hDuring!.legacyId),
        kind: "earn",
        points: 100,
        key: `${SHOP}:order:${hDuring!.legacyId}:earn`,
      },
    ]);
    const member = await db.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: BigInt(held.legacyId) } },
    });
    expect(member.availablePoints).toBe(100);

    // Replaying again writes nothing twice, shadow included.
    const again = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    await runBackfill(again.run.id, {
      db,
      graphql,
      now: () => NOW,
      poll: { intervalMs: 5, maxIntervalMs: 20 },
    });
    expect(await db.holdoutShadowEntry.count({ where: { shop: SHOP } })).toBe(1);
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, kind: "earn" } })).toBe(earns.length);
  });
});
