import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { createExperiment, startHoldout } from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";
import { METRICS } from "./metrics";
import { aggregateExperiment } from "./metrics.server";
import { experimentReport, holdoutReport } from "./report.server";

// The SQL aggregation against a direct computation in TypeScript over the same seeded
// members, orders, refunds, redemptions and ledger entries; then the services on top.

const db = prisma();
afterAll(() => db.$disconnect());

const SHOP = `metrics-${randomUUID().slice(0, 8)}.myshopify.com`;
const DAY = 86_400_000;
const LAUNCH = Date.parse("2026-01-01T00:00:00Z");
const AS_OF = new Date(LAUNCH + 40 * DAY);
const GM = 0.35;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

type Member = {
  id: bigint;
  variant: string;
  exposedAt: number;
  cov: number;
  orders: { at: number; net: number }[];
  cost: number;
  red: number;
  pts: number;
};

describe("metrics in SQL", () => {
  it("match sums computed directly from the seeded data, per variant and exposure day", async () => {
    await seedProgram(db, SHOP, {});
    const created = await createExperiment(db, SHOP, {
      key: "aov",
      name: "AOV",
      lever: "earnRate",
      primaryMetric: "netRevenue",
      secondaryMetrics: ["orders", "conversion", "aov", "redemptionRate", "repeatPurchase60d"],
      guardrails: [{ metric: "rewardCost", threshold: 0.1 }],
      grossMarginPercent: GM * 100,
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
      ],
    });
    if (!created.ok) throw new Error("create failed");
    const experimentId = created.value.id;
    await launchExperiment(db, SHOP, experimentId, { now: new Date(LAUNCH) });

    const random = rng(7);
    const members: Member[] = [];
    const orders = [];
    const refunds = [];
    const redemptions = [];
    const ledger = [];
    let orderId = 1n;
    for (let i = 0; i < 300; i++) {
      const id = BigInt(5000 + i);
      const variant = random() < 0.5 ? "aov:control" : "aov:double";
      const exposedAt = LAUNCH + Math.floor(random() * 5) * DAY + Math.floor(random() * 3600_000);
      const m: Member = { id, variant, exposedAt, cov: 0, orders: [], cost: 0, red: 0, pts: 0 };
      // Orders before exposure (the covariate, stored as the exposure would), after it, and after as-of.
      for (let k = 0; k < 6; k++) {
        const at = exposedAt + Math.floor((random() * 120 - 60) * DAY);
        const total = 1000 + Math.floor(random() * 9000);
        const refunded = random() < 0.2 ? Math.floor(total / 3) : 0;
        const kind = random();
        const counts = kind > 0.1;
        const cancelled = kind < 0.05;
        const id_ = orderId++;
        orders.push({
          shop: SHOP,
          id: id_,
          customerId: id,
          name: `#${id_}`,
          currencyCode: "USD",
          subtotalMinor: BigInt(total),
          totalMinor: BigInt(total),
          totalDiscountsMinor: 300n,
          financialStatus: counts ? "paid" : "pending",
          shopifyCreatedAt: new Date(at),
          processedAt: new Date(at),
          cancelledAt: cancelled ? new Date(at + DAY) : null,
        });
        if (refunded) refunds.push({ shop: SHOP, id: id_ * 10n, orderId: id_, totalMinor: BigInt(refunded) });
        const net = total - refunded;
        if (!counts || cancelled) continue;
        if (at < exposedAt && at >= exposedAt - 90 * DAY) m.cov += net;
        if (at >= exposedAt && at < AS_OF.getTime()) m.orders.push({ at, net });
      }
      if (random() < 0.3) {
        const at = exposedAt + DAY;
        const used = random() < 0.7;
        // A percentage reward costs what the order it was used on was discounted (300 here).
        const percent = random() < 0.4;
        redemptions.push({
          shop: SHOP,
          customerId: id,
          rewardId: "five",
          reward: percent
            ? { value: { kind: "percentage", percent: 10 } }
            : { value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } } },
          pointsCost: 500,
          programVersion: 1,
          status: used ? ("used" as const) : ("issued" as const),
          usedOrderId: used ? orderId - 1n : null,
          createdAt: new Date(at),
        });
        if (at < AS_OF.getTime()) {
          m.red += 1;
          if (used) m.cost += percent ? 300 : 500;
        }
      }
      for (const [k, points] of [
        [0, 120],
        [1, -40],
      ] as const) {
        const at = exposedAt + (k * 2 - 1) * 3 * DAY;
        ledger.push({
          shop: SHOP,
          customerId: id,
          key: `${SHOP}:${id}:${k}`,
          kind: "adjustment" as const,
          points,
          bucket: "available" as const,
          occurredAt: new Date(at),
          programVersion: 1,
        });
        if (at >= exposedAt && at < AS_OF.getTime()) m.pts += points;
      }
      members.push(m);
    }
    await db.order.createMany({ data: orders });
    await db.refund.createMany({ data: refunds });
    await db.redemption.createMany({ data: redemptions });
    await db.ledgerEntry.createMany({ data: ledger });
    await db.experimentExposure.createMany({
      data: members.map((m) => ({
        shop: SHOP,
        experimentId,
        customerId: m.id,
        variantKey: m.variant,
        exposedAt: new Date(m.exposedAt),
        trigger: "assignment",
        covariate: m.cov,
      })),
    });

    const rows = await aggregateExperiment(db, SHOP, experimentId, AS_OF, GM * 10_000);
    const dayOf = (t: number) => Math.floor(t / DAY) * DAY;
    const groups = new Map<string, Member[]>();
    for (const m of members) {
      const key = `${m.variant}|${dayOf(m.exposedAt)}`;
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    expect(rows).toHaveLength(groups.size);
    const close = (a: number, b: number) =>
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));
    for (const row of rows) {
      const group = groups.get(`${row.variant}|${row.day.getTime()}`)!;
      const facts = group.map((m) => {
        const rev = m.orders.reduce((s, o) => s + o.net, 0);
        const ord = m.orders.length;
        const ord60 = m.orders.filter((o) => o.at < m.exposedAt + 60 * DAY).length;
        return { rev, ord, ord60, cost: m.cost, red: m.red, pts: m.pts, cov: m.cov };
      });
      const sum = (f: (x: (typeof facts)[number]) => number) => facts.reduce((s, x) => s + f(x), 0);
      close(row.n!, group.length);
      close(
        row.cov_s!,
        sum((x) => x.cov),
      );
      close(
        row.cov_ss!,
        sum((x) => x.cov * x.cov),
      );
      close(
        row.netRevenue_s!,
        sum((x) => x.rev),
      );
      close(
        row.netRevenue_ss!,
        sum((x) => x.rev * x.rev),
      );
      close(
        row.netRevenue_sx!,
        sum((x) => x.rev * x.cov),
      );
      close(
        row.orders_s!,
        sum((x) => x.ord),
      );
      close(
        row.conversion_s!,
        sum((x) => (x.ord > 0 ? 1 : 0)),
      );
      close(
        row.aov_sy!,
        sum((x) => x.rev),
      );
      close(
        row.aov_sx!,
        sum((x) => x.ord),
      );
      close(
        row.aov_sxy!,
        sum((x) => x.rev * x.ord),
      );
      close(
        row.redemptionRate_s!,
        sum((x) => (x.red > 0 ? 1 : 0)),
      );
      close(
        row.repeatPurchase60d_s!,
        sum((x) => (x.ord60 >= 2 ? 1 : 0)),
      );
      close(
        row.rewardCost_s!,
        sum((x) => x.cost),
      );
      close(
        row.pointsLiability_s!,
        sum((x) => x.pts),
      );
      close(
        row.netMargin_s!,
        sum((x) => x.rev * GM - x.cost),
      );
      close(
        row.netMargin_ss!,
        sum((x) => (x.rev * GM - x.cost) ** 2),
      );
      close(
        row.netMargin_sx!,
        sum((x) => (x.rev * GM - x.cost) * x.cov),
      );
    }
    // Every metric but the long-term value (long-term.server.test.ts checks it) is checked above.
    expect(Object.keys(METRICS)).toHaveLength(10);

    // The report: arms control first, every metric with its role, a decision with reasons, the series.
    const report = await experimentReport(db, SHOP, experimentId, { asOf: AS_OF });
    expect(report!.variants.map((v) => v.key)).toEqual(["control", "double"]);
    expect(report!.variants.reduce((s, v) => s + v.exposed, 0)).toBe(members.length);
    expect(report!.analysis.metrics.map((m) => [m.key, m.role])).toEqual([
      ["netRevenue", "primary"],
      ["orders", "secondary"],
      ["conversion", "secondary"],
      ["aov", "secondary"],
      ["redemptionRate", "secondary"],
      ["repeatPurchase60d", "secondary"],
      ["rewardCost", "guardrail"],
    ]);
    expect(report!.analysis.metrics[0]!.variants[0]!.frequentist.ok).toBe(true);
    expect(report!.analysis.decision.reasons.length).toBeGreaterThan(0);
    expect(report!.series.points).toHaveLength(report!.series.days.length);
    expect(await experimentReport(db, "other.myshopify.com", experimentId)).toBeNull();
  });

  it("values the program against the holdout with intervals and a sentence", async () => {
    const shop = `hv-${randomUUID().slice(0, 8)}.myshopify.com`;
    await seedProgram(db, shop, {});
    expect(await holdoutReport(db, shop)).toBeNull();
    const holdout = await startHoldout(
      db,
      shop,
      { sharePercent: 10, grossMarginPercent: 50 },
      { now: new Date(LAUNCH) },
    );
    if (!holdout.ok) throw new Error("holdout failed");
    const random = rng(11);
    const exposures = [];
    const orders = [];
    for (let i = 0; i < 400; i++) {
      const held = i % 5 === 0;
      const id = BigInt(9000 + i);
      exposures.push({
        shop,
        experimentId: holdout.value.id,
        customerId: id,
        variantKey: held ? `${holdout.value.key}:holdout` : `${holdout.value.key}:program`,
        exposedAt: new Date(LAUNCH + DAY),
        trigger: "assignment",
        covariate: 0,
      });
      const total = Math.round((held ? 5000 : 6000) * (0.5 + random()));
      orders.push({
        shop,
        id: BigInt(i + 1),
        customerId: id,
        name: `#${i}`,
        currencyCode: "USD",
        subtotalMinor: BigInt(total),
        totalMinor: BigInt(total),
        financialStatus: "paid",
        shopifyCreatedAt: new Date(LAUNCH + 2 * DAY),
      });
    }
    await db.experimentExposure.createMany({ data: exposures });
    await db.order.createMany({ data: orders });
    const card = await holdoutReport(db, shop, { asOf: new Date(LAUNCH + 30 * DAY) });
    expect(card).toMatchObject({
      ok: true,
      members: { holdout: 80, program: 320 },
      sharePercent: 10,
      days: 30,
    });
    const { revenue, grossMargin, netMargin } = card!.perMember;
    expect(revenue.lower).toBeLessThan(revenue.estimate);
    expect(grossMargin.estimate).toBeCloseTo(revenue.estimate * 0.5, 6);
    expect(netMargin.estimate).toBeCloseTo(grossMargin.estimate, 6);
    expect(card!.total.netMargin.estimate).toBeCloseTo(netMargin.estimate * 320, 6);
    expect(card!.sentence).toMatch(
      /^The program made you \$[\d,]+ ± \$[\d,]+ (more|less) margin than it cost over the last 30 days/,
    );
  });
});

describe("planning", () => {
  it("reads the shop's baseline over all members (zeros included) and says what a holdout share can detect", async () => {
    const { shopBaseline, holdoutPrecision } = await import("./planning.server");
    const shop = `plan-${randomUUID().slice(0, 8)}.myshopify.com`;
    const at = new Date(LAUNCH);
    const totals = [1000, 3000, 5000, 7000];
    // Six members: four buyers who joined 40 days ago, a non-buyer who joined 50 days ago,
    // and one who joined 5 days ago, after an order they placed as a guest customer 10 days ago
    // (counted from their join: zero), plus one who joins after `at` (not in the audience).
    const joined = [40, 40, 40, 40, 50, 5, -1];
    await db.member.createMany({
      data: joined.map((d, i) => ({
        shop,
        customerId: BigInt(100 + i),
        createdAt: new Date(LAUNCH - d * DAY),
      })),
    });
    await db.member.create({
      data: { shop, customerId: 999n, status: "deleted", createdAt: new Date(LAUNCH - 3 * DAY) },
    });
    const orders = [...totals.map((t, i) => [t, i, i + 1]), [9000, 5, 10], [4000, 6, 1]];
    await db.order.createMany({
      data: orders.map(([total, i, daysAgo], k) => ({
        shop,
        id: BigInt(k + 1),
        customerId: BigInt(100 + i!),
        name: `#${k}`,
        currencyCode: "USD",
        subtotalMinor: BigInt(total!),
        totalMinor: BigInt(total!),
        financialStatus: "paid",
        shopifyCreatedAt: new Date(LAUNCH - daysAgo! * DAY),
      })),
    });
    await db.order.create({
      data: {
        shop: `other-${shop}`,
        id: 1n,
        customerId: 100n,
        name: "#x",
        currencyCode: "USD",
        subtotalMinor: 50_000n,
        totalMinor: 50_000n,
        financialStatus: "paid",
        shopifyCreatedAt: new Date(LAUNCH - DAY),
      },
    });
    const baseline = await shopBaseline(db, shop, { days: 30, joinWindowDays: 10, asOf: at });
    const values = [1000, 3000, 5000, 7000, 0, 0];
    const mean = values.reduce((a, b) => a + b, 0) / 6;
    expect(baseline.initialExposed).toBe(6);
    expect(baseline.baselineMean).toBeCloseTo(mean, 9);
    expect(baseline.baselineVariance).toBeCloseTo(values.reduce((a, b) => a + (b - mean) ** 2, 0) / 5, 6);
    expect(baseline.dailyExposed).toBeCloseTo(1 / 10, 9);
    // Over 2 days, only the orders of 1 and 2 days ago... from members' joins on.
    const short = await shopBaseline(db, shop, { days: 2, joinWindowDays: 10, asOf: at });
    expect(short.baselineMean).toBeCloseTo((1000 + 3000) / 6, 9);
    const five = holdoutPrecision({ ...baseline, dailyExposed: 500 }, 5, 90);
    const ten = holdoutPrecision({ ...baseline, dailyExposed: 500 }, 10, 90);
    expect(five.ok && ten.ok && ten.relative < five.relative).toBe(true);
  });
});
