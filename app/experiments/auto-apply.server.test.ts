import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/queue.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { OPTIMIZER_STAFF_ID } from "./auto-apply";
import { evaluateAutoApplies, evaluateAutoApply, setAutoApply } from "./auto-apply.server";
import { createExperiment } from "./experiments.server";
import { launchExperiment, revertShip } from "./lifecycle.server";
import { forgetRunning } from "./running.server";

// Auto-apply on the real database: a fixed split whose variant wins safely is shipped once as
// a program version by the optimizer, audited with the rule and the statistics, and reverts in
// one call; a variant that breaches a guardrail pauses the experiment, saying why; a bandit
// ships the arm that held its probability of being best; nothing happens while it is off.

const db = prisma();
vi.setConfig({ testTimeout: 120_000 });
afterAll(async () => {
  await closeQueues();
  await db.$disconnect();
});

const DAY = 86_400_000;
const HOUR = 3_600_000;
const LAUNCH = new Date("2026-03-02T00:00:00Z");
const at = (days: number) => new Date(LAUNCH.getTime() + days * DAY);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const input = (bandit: Record<string, unknown> | null = null) => ({
  key: "earn",
  name: "Earn rate",
  lever: "earnRate",
  primaryMetric: "netRevenue",
  variants: [
    { key: "control", name: "Control", weight: 50, control: true },
    { key: "double", name: "Double points", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
  ],
  bandit,
});

/**
 * A launched experiment whose members (300 per arm, exposed at launch) each placed one order,
 * used one reward and earned points; the variant's revenue is `revenueLift` higher and its
 * reward cost `costLift` higher.
 */
async function seeded(options: { revenueLift: number; costLift: number; bandit?: Record<string, unknown> }) {
  const shop = `auto-apply-${randomUUID().slice(0, 8)}.myshopify.com`;
  await seedProgram(db, shop, {});
  const created = await createExperiment(db, shop, input(options.bandit ?? null));
  if (!created.ok) throw new Error(created.message);
  const id = created.value.id;
  await launchExperiment(db, shop, id, { now: LAUNCH });
  const random = rng(11);
  const orders = [];
  const redemptions = [];
  const ledger = [];
  const exposures = [];
  for (let i = 0; i < 600; i++) {
    const customerId = BigInt(1000 + i);
    const variant = i % 2 === 0 ? "control" : "double";
    const lift = variant === "double" ? 1 : 0;
    const placed = new Date(LAUNCH.getTime() + DAY + i * 1000);
    const total = Math.round((4000 + random() * 4000) * (1 + lift * options.revenueLift));
    orders.push({
      shop,
      id: customerId,
      customerId,
      name: `#${customerId}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(total),
      totalMinor: BigInt(total),
      totalDiscountsMinor: 0n,
      financialStatus: "paid",
      shopifyCreatedAt: placed,
      processedAt: placed,
    });
    const amount = Math.round((300 + random() * 400) * (1 + lift * options.costLift));
    redemptions.push({
      shop,
      customerId,
      rewardId: "five",
      reward: { value: { kind: "fixedAmount", amount: { amountMinor: amount, currency: "USD" } } },
      pointsCost: 500,
      programVersion: 1,
      status: "used" as const,
      usedOrderId: customerId,
      createdAt: placed,
    });
    ledger.push({
      shop,
      customerId,
      key: `${shop}:${customerId}:earn`,
      kind: "adjustment" as const,
      points: Math.round(40 + random() * 40),
      bucket: "available" as const,
      occurredAt: placed,
      programVersion: 1,
    });
    exposures.push({
      shop,
      experimentId: id,
      customerId,
      variantKey: `earn:${variant}`,
      exposedAt: LAUNCH,
      trigger: "assignment",
    });
  }
  await db.order.createMany({ data: orders });
  await db.redemption.createMany({ data: redemptions });
  await db.ledgerEntry.createMany({ data: ledger });
  await db.experimentExposure.createMany({ data: exposures });
  // Fresh tables without statistics get a poor plan for the metrics query (minutes, not seconds).
  await db.$executeRawUnsafe(`ANALYZE "Order", "Redemption", "LedgerEntry", "ExperimentExposure"`);
  forgetRunning(shop);
  return { shop, id };
}

const audits = (shop: string, id: string) =>
  db.experimentAudit.findMany({ where: { shop, experimentId: id }, orderBy: { id: "asc" } });

describe("a fixed split", () => {
  it("does nothing while auto-apply is off", async () => {
    const { shop, id } = await seeded({ revenueLift: 0.5, costLift: 0 });
    expect(await evaluateAutoApply(db, shop, id, at(10))).toEqual({ status: "off" });
    expect((await db.experiment.findFirst({ where: { id } }))?.status).toBe("running");
  });

  it("ships a safe winner once, as the optimizer, with the rule and statistics; reverts in one call", async () => {
    const { shop, id } = await seeded({ revenueLift: 0.5, costLift: 0 });
    expect(await setAutoApply(db, shop, id, { enabled: true }, { staffId: "42", now: at(0) })).toMatchObject({
      ok: true,
    });
    const before = await currentProgramVersion(db, shop);

    const fired = await evaluateAutoApply(db, shop, id, at(10));
    expect(fired).toMatchObject({ status: "evaluated", decision: { action: "ship", variant: "double" } });
    const live = await currentProgramVersion(db, shop);
    expect(live.version).toBe(before.version + 1);
    expect(live.program.earning.pointsPerCurrencyUnit).toBe(2);
    const version = await db.programVersion.findFirst({ where: { shop, version: live.version } });
    expect(version).toMatchObject({
      createdBy: OPTIMIZER_STAFF_ID,
      note: "Shipped experiment earn, variant double",
    });
    const shipped = (await audits(shop, id)).find((a) => a.action === "shipped")!;
    expect(shipped.staffId).toBe(OPTIMIZER_STAFF_ID);
    expect(shipped.at).toEqual(at(10));
    expect(shipped.details).toMatchObject({
      by: OPTIMIZER_STAFF_ID,
      rule: "sequential test",
      variant: "double",
      snapshot: {
        members: { control: 300, double: 300 },
        primary: { kind: "fixed", variant: "double" },
        guardrails: expect.arrayContaining([
          expect.objectContaining({ metric: "Reward cost per member", state: "safe" }),
        ]),
      },
    });

    // The next run finds it shipped: no second version, no second audit.
    expect(await evaluateAutoApply(db, shop, id, at(11))).toEqual({ status: "not-running" });
    expect((await currentProgramVersion(db, shop)).version).toBe(live.version);
    expect((await audits(shop, id)).filter((a) => a.action === "shipped")).toHaveLength(1);

    const reverted = await revertShip(db, shop, id, { staffId: "42" });
    expect(reverted).toMatchObject({ ok: true });
    expect((await currentProgramVersion(db, shop)).program.earning.pointsPerCurrencyUnit).toBe(
      before.program.earning.pointsPerCurrencyUnit,
    );
  });

  it("pauses on a guardrail breach and says why; a second run does not pause twice", async () => {
    const { shop, id } = await seeded({ revenueLift: 0.5, costLift: 1 });
    await setAutoApply(db, shop, id, { enabled: true }, { now: at(0) });
    const blocked = await evaluateAutoApply(db, shop, id, at(10));
    expect(blocked).toMatchObject({ status: "evaluated", decision: { action: "block" }, paused: true });
    const e = await db.experiment.findFirst({ where: { id } });
    expect(e?.status).toBe("paused");
    expect(e?.autoApplyCheck).toMatchObject({
      action: "block",
      reasons: [
        expect.stringMatching(
          /^Double points: guardrail Reward cost per member is worse by more than its 25.0% limit/,
        ),
      ],
    });
    const paused = (await audits(shop, id)).filter((a) => a.action === "paused");
    expect(paused).toHaveLength(1);
    expect(paused[0]).toMatchObject({ staffId: OPTIMIZER_STAFF_ID, details: { rule: "guardrail" } });
    expect(await evaluateAutoApply(db, shop, id, at(11))).toEqual({ status: "not-running" });
    expect(await db.programVersion.count({ where: { shop, createdBy: OPTIMIZER_STAFF_ID } })).toBe(0);
  });

  it("answers 422 for settings out of bounds and 409 once the experiment ended, writing nothing", async () => {
    const { shop, id } = await seeded({ revenueLift: 0, costLift: 0 });
    const bad = await setAutoApply(db, shop, id, { enabled: true, probabilityBestPercent: "50" });
    expect(bad).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { probabilityBestPercent: "At least 80%." },
    });
    expect((await db.experiment.findFirst({ where: { id } }))?.autoApply).toBeNull();
    await db.experiment.update({ where: { id }, data: { status: "stopped" } });
    expect(await setAutoApply(db, shop, id, { enabled: true })).toMatchObject({ ok: false, status: 409 });
    expect(await setAutoApply(db, "other.myshopify.com", id, { enabled: true })).toMatchObject({
      status: 404,
    });
    expect((await audits(shop, id)).some((a) => a.action.startsWith("auto-apply"))).toBe(false);
  });
});

describe("a bandit", () => {
  it("ships the arm that held P(best) for the hold, evaluated once after each update", async () => {
    const { shop, id } = await seeded({
      revenueLift: 0.5,
      costLift: 0,
      bandit: { burnInPeriods: 1, minMembersPerArm: 10 },
    });
    await setAutoApply(db, shop, id, { enabled: true, holdHours: "2", probabilityBestPercent: "95" });
    const allocation = (period: number, p: number) => ({
      shop,
      experimentId: id,
      period,
      effectiveFrom: new Date(LAUNCH.getTime() + period * HOUR),
      weights: [
        { key: "control", bps: 5000 },
        { key: "double", bps: 5000 },
      ],
      phase: "thompson",
      reason: "test",
      posterior: { arms: [{ probabilityBest: 1 - p }, { probabilityBest: p }] },
    });
    await db.experimentAllocation.createMany({ data: [allocation(30, 0.97)] });
    const once = await evaluateAutoApplies(db, new Date(LAUNCH.getTime() + 30 * HOUR + 1000), {
      afterBanditUpdate: true,
    });
    expect(once).toMatchObject({ evaluated: 1, shipped: 0 });
    expect((await db.experiment.findFirst({ where: { id } }))?.autoApplyCheck).toMatchObject({
      action: "wait",
      reasons: [expect.stringMatching(/held for 1 of the 2 consecutive updates/)],
    });
    // No new update since: the next run after an update skips it.
    expect(
      await evaluateAutoApplies(db, new Date(LAUNCH.getTime() + 30 * HOUR + 60_000), {
        afterBanditUpdate: true,
      }),
    ).toMatchObject({ evaluated: 0 });

    await db.experimentAllocation.createMany({ data: [allocation(31, 0.98)] });
    const fired = await evaluateAutoApplies(db, new Date(LAUNCH.getTime() + 31 * HOUR + 1000), {
      afterBanditUpdate: true,
    });
    expect(fired).toMatchObject({ evaluated: 1, shipped: 1 });
    const e = await db.experiment.findFirst({ where: { id } });
    expect(e).toMatchObject({ status: "shipped", shippedVariant: "double" });
    const shipped = (await audits(shop, id)).find((a) => a.action === "shipped")!;
    expect(shipped.details).toMatchObject({
      rule: "probability of being best",
      snapshot: { primary: { kind: "bandit", heldUpdates: 2, probabilityBest: { double: 0.98 } } },
    });
  });
});
