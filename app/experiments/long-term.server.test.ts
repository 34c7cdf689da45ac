import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { createExperiment } from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";
import { lifetimeValueChange, summaryAt, type PurchaseDay } from "./long-term";
import { loadSurrogateModel, NO_MODEL_REASON } from "./long-term.server";
import { METRICS } from "./metrics";
import { aggregateExperiment } from "./metrics.server";
import { experimentReport } from "./report.server";
import { banditUpdate } from "./stats/bandit-allocation";
import { periodStatistics, updateBandit } from "./bandit.server";

// The long-term objective in SQL against the same objective computed in TypeScript with the
// pure summaries (long-term.ts), on seeded orders around each member's exposure (same-day
// orders, a day that straddles the exposure, refunds, a fully refunded order); and what
// happens without a lifetime-value model (422 at create and launch, a notice on the report).

const db = prisma();
afterAll(() => db.$disconnect());

const DAY = 86_400_000;
const LAUNCH = Date.parse("2026-03-01T00:00:00Z");
const AS_OF = new Date(LAUNCH + 30 * DAY);
const GM = 0.4;
const PURCHASES = { r: 0.9, alpha: 60, a: 0.8, b: 2.6 };
const SPEND = { p: 6, q: 4, gamma: 40 };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const definition = (key: string, primaryMetric: string, extra: object = {}) => ({
  key,
  name: key,
  lever: "earnRate",
  primaryMetric,
  grossMarginPercent: GM * 100,
  variants: [
    { key: "control", name: "Control", weight: 50, control: true },
    { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
  ],
  ...extra,
});

async function fitted(shop: string) {
  await db.lifetimeValueFit.create({
    data: {
      shop,
      trigger: "test",
      status: "fitted",
      currencyCode: "USD",
      purchaseParams: PURCHASES,
      spendParams: SPEND,
    },
  });
}

describe("long-term value without a lifetime-value model", () => {
  it("is refused at create and at launch (422), and the report says why instead of counting zero", async () => {
    const shop = `lt-none-${randomUUID().slice(0, 8)}.myshopify.com`;
    await seedProgram(db, shop, {});
    const refused = await createExperiment(db, shop, definition("lt-a", "longTermValue"));
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { primaryMetric: NO_MODEL_REASON },
    });
    expect(await db.experiment.count({ where: { shop } })).toBe(0);

    // A draft made while a model existed (or named as a secondary metric) meets the same checks later.
    const created = await createExperiment(
      db,
      shop,
      definition("lt-b", "netMargin", { secondaryMetrics: ["longTermValue"] }),
    );
    if (!created.ok) throw new Error(created.message);
    await db.experiment.update({ where: { id: created.value.id }, data: { primaryMetric: "longTermValue" } });
    const launch = await launchExperiment(db, shop, created.value.id, { now: new Date(LAUNCH) });
    expect(launch).toMatchObject({ ok: false, status: 422 });
    expect(await db.experiment.findUnique({ where: { id: created.value.id } })).toMatchObject({
      status: "draft",
    });

    await db.experiment.update({ where: { id: created.value.id }, data: { primaryMetric: "netMargin" } });
    expect(await launchExperiment(db, shop, created.value.id, { now: new Date(LAUNCH) })).toMatchObject({
      ok: true,
    });
    const report = await experimentReport(db, shop, created.value.id, { asOf: AS_OF });
    expect(report!.longTermNotice).toBe(NO_MODEL_REASON);
    expect(report!.analysis.metrics.map((m) => m.key)).not.toContain("longTermValue");
  });
});

describe("long-term value in SQL", () => {
  it("matches the objective computed in TypeScript from each member's purchase days", async () => {
    const shop = `lt-sql-${randomUUID().slice(0, 8)}.myshopify.com`;
    await seedProgram(db, shop, {});
    await fitted(shop);
    const loaded = await loadSurrogateModel(db, shop);
    if (!loaded.ok) throw new Error(loaded.reason);
    const created = await createExperiment(db, shop, definition("lt", "longTermValue"));
    if (!created.ok) throw new Error(created.message);
    const experimentId = created.value.id;
    expect(await launchExperiment(db, shop, experimentId, { now: new Date(LAUNCH) })).toMatchObject({
      ok: true,
    });

    const random = rng(11);
    const orders = [];
    const refunds = [];
    const exposures = [];
    const expected = new Map<string, { n: number; s: number; ss: number }>();
    let orderId = 1n;
    for (let i = 0; i < 120; i++) {
      const customerId = BigInt(9000 + i);
      const variant = random() < 0.5 ? "lt:control" : "lt:double";
      const exposedAt = LAUNCH + Math.floor(random() * 3) * DAY + 10 * 3_600_000;
      const mine: { at: number; net: number }[] = [];
      const count = Math.floor(random() * 7); // some members never buy
      for (let k = 0; k < count; k++) {
        // Some orders on the exposure's own day, before and after the instant.
        const at =
          k === 0 && random() < 0.3
            ? exposedAt + (random() < 0.5 ? -1 : 1) * 3_600_000
            : exposedAt + Math.floor((random() * 150 - 110) * DAY);
        const total = 2000 + Math.floor(random() * 8000);
        const refunded = random() < 0.1 ? total : random() < 0.2 ? Math.floor(total / 4) : 0;
        const id = orderId++;
        orders.push({
          shop,
          id,
          customerId,
          name: `#${id}`,
          currencyCode: "USD",
          subtotalMinor: BigInt(total),
          totalMinor: BigInt(total),
          totalDiscountsMinor: 0n,
          financialStatus: "paid",
          shopifyCreatedAt: new Date(at),
          processedAt: new Date(at),
        });
        if (refunded)
          refunds.push({
            shop,
            id: id * 10n,
            orderId: id,
            totalMinor: BigInt(refunded),
            processedAt: new Date(Math.min(at + DAY, AS_OF.getTime() - 1)),
          });
        if (at < AS_OF.getTime()) mine.push({ at, net: total - refunded });
      }
      exposures.push({
        shop,
        experimentId,
        customerId,
        variantKey: variant,
        exposedAt: new Date(exposedAt),
        trigger: "assignment",
        covariate: 0,
      });
      // The reference: purchase days in UTC (the shop has no time zone), split at the exposure.
      const days = new Map<string, PurchaseDay>();
      for (const o of mine.filter((o) => o.net > 0)) {
        const key = `${new Date(o.at).toISOString().slice(0, 10)}|${o.at < exposedAt}`;
        const d = days.get(key);
        days.set(
          key,
          d
            ? { at: new Date(Math.min(+d.at, o.at)), netMinor: d.netMinor + o.net }
            : { at: new Date(o.at), netMinor: o.net },
        );
      }
      const list = [...days.values()];
      const change = lifetimeValueChange(
        loaded.model,
        summaryAt(list, new Date(exposedAt)),
        summaryAt(list, AS_OF),
      );
      const rev = mine.filter((o) => o.at >= exposedAt).reduce((s, o) => s + o.net, 0);
      const value = (rev + change) * GM;
      const e = expected.get(variant) ?? { n: 0, s: 0, ss: 0 };
      expected.set(variant, { n: e.n + 1, s: e.s + value, ss: e.ss + value * value });
    }
    await db.order.createMany({ data: orders });
    await db.refund.createMany({ data: refunds });
    await db.experimentExposure.createMany({ data: exposures });

    const rows = await aggregateExperiment(db, shop, experimentId, AS_OF, GM * 10_000, [
      METRICS.longTermValue,
    ]);
    for (const [variant, e] of expected) {
      const mine = rows.filter((r) => r.variant === variant);
      const sum = (k: string) => mine.reduce((s, r) => s + r[k]!, 0);
      expect(sum("n")).toBe(e.n);
      expect(Math.abs(sum("longTermValue_s") - e.s)).toBeLessThan(1e-6 * Math.abs(e.s) + 1e-6);
      expect(Math.abs(sum("longTermValue_ss") - e.ss)).toBeLessThan(1e-6 * e.ss + 1e-6);
    }
    // The change is not zero: members who did not buy lose predicted value, buyers gain.
    expect([...expected.values()].some((e) => Math.abs(e.s) > 100)).toBe(true);

    // The bandit's posterior reads the same per-member statistics (one period: launch).
    const periods = await periodStatistics(
      db,
      shop,
      { id: experimentId, key: "lt", grossMarginBps: GM * 10_000 },
      ["control", "double"],
      METRICS.longTermValue as typeof METRICS.longTermValue & { kind: "mean" },
      [],
      AS_OF,
    );
    expect(periods).toHaveLength(1);
    const [control, double] = periods[0]!;
    expect(Math.abs(control!.sum - expected.get("lt:control")!.s)).toBeLessThan(
      1e-6 * Math.abs(control!.sum) + 1e-6,
    );
    expect(Math.abs(double!.sum - expected.get("lt:double")!.s)).toBeLessThan(
      1e-6 * Math.abs(double!.sum) + 1e-6,
    );
    expect(
      banditUpdate({
        periods,
        kind: "mean",
        current: [0.5, 0.5],
        periodIndex: 1,
        settings: {
          burnInPeriods: 0,
          minShare: 0.05,
          maxChange: 0.2,
          minMembersPerArm: 10,
          minStratumMembers: 0,
          periodWeighting: "precision",
        },
      }).phase,
    ).toBe("thompson");
  });

  it("a bandit on it is refused without a model and keeps its allocation when the model goes", async () => {
    const shop = `lt-bandit-${randomUUID().slice(0, 8)}.myshopify.com`;
    await seedProgram(db, shop, {});
    await fitted(shop);
    const created = await createExperiment(
      db,
      shop,
      definition("ltb", "longTermValue", { bandit: { cadenceMinutes: 60, burnInPeriods: 1 } }),
    );
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(await launchExperiment(db, shop, created.value.id, { now: new Date(LAUNCH) })).toMatchObject({
      ok: true,
    });
    await db.lifetimeValueFit.deleteMany({ where: { shop } });
    await expect(updateBandit(db, shop, created.value.id, new Date(LAUNCH + 2 * 3_600_000))).rejects.toThrow(
      NO_MODEL_REASON,
    );
    expect(await db.experimentAllocation.count({ where: { shop } })).toBe(0);
  });
});
