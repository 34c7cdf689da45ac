// Headless scenario run (`npm run sim`): the scenario's shop lives `days` of simulated time
// in-process, each buyer assigned to one variant as an experiment would, responding per the
// scenario's `respond`, while every decision about them is the app's own pure rules
// (app/loyalty): pointsForOrder for what an order earns (tier multipliers, first-order
// bonus, rounding), evaluateTier for tiers, canRedeem for whether a wanted reward may be
// redeemed. The report puts what the app decided next to the ground truth the simulator
// computed for every variant (groundTruth).
import { programSchema, type Program } from "../app/loyalty/program";
import { liveUnderProgram, type LifeContext, type SimMember } from "./app-life";
import { SEGMENTS, type Segment } from "./model/params";
import { Rng, hashString } from "./random/rng";
import { customerState, groundTruth, type GroundTruthReport } from "./scenario/ground-truth";
import { responder } from "./scenario/respond";
import type { Scenario, Variant } from "./scenario/schema";
import { customerBatches, defineShop } from "./shop";
import { baselineKey, type VariantTruth } from "./truth/variants";

export interface SimOptions {
  /** Simulated days after the history (default: the scenario's truth horizon). */
  days?: number;
  /** Replaces the scenario's shop seed. */
  seed?: number;
  /** Skip the ground truth (faster; `truth` is then null). */
  withTruth?: boolean;
}

export interface VariantDecisions {
  key: string;
  holdout: boolean;
  customers: number;
  orders: number;
  revenueMinor: number;
  /** Reward value given as discounts on orders. */
  rewardCostMinor: number;
  netRevenueMinor: number;
  pointsIssued: number;
  pointsRedeemed: number;
  redemptions: number;
  /** Rewards customers wanted that the app's rules refused, by reason. */
  redemptionsRefused: Record<string, number>;
  /** Members in each tier at the end (tier id → count); empty without tiers. */
  tiers: Record<string, number>;
  tierUpgrades: number;
  aliveAtEnd: number;
  /** Means per assigned customer. */
  perCustomer: { orders: number; revenueMinor: number; netRevenueMinor: number; redemptions: number };
  /** Observed lifts against the baseline variant's assigned customers (null for the baseline). */
  vsBaseline: { ordersLift: number | null; revenueLift: number | null; netRevenueLift: number | null } | null;
  bySegment: Partial<
    Record<Segment, { customers: number; ordersPerCustomer: number; netRevenuePerCustomerMinor: number }>
  >;
}

export interface SimReport {
  scenario: { name: string; description: string; seed: number; baseline: string; days: number };
  shop: { domain: string; customers: number; buyers: number; simulated: number; historyEnd: string };
  /** What the app decided, per variant. */
  app: VariantDecisions[];
  /** The simulator's truth for the same variants (every customer under every variant). */
  truth: { variants: VariantTruth[]; summary: GroundTruthReport["summary"] } | null;
  /** Per variant: the app's observed net revenue lift next to the true one. */
  comparison: Array<{
    key: string;
    observedNetRevenueLift: number | null;
    trueNetRevenueLift: number | null;
  }>;
  elapsedMs: number;
}

interface Member extends SimMember {
  variant: number;
}

/** Which variant a customer is in: a stable hash of scenario, seed and customer, equal shares. */
export function assignVariant(scenario: Scenario, seed: number, customerIndex: number): number {
  const h = hashString(`${scenario.name}:${seed}:${customerIndex}`) >>> 0;
  return h % scenario.variants.length;
}

/** The app's program for a scenario variant (the holdout gets none). Points are spendable at once, as in the truth. */
export function variantProgram(variant: Variant, currency: string): Program {
  const { program } = variant;
  return programSchema.parse({
    currency,
    earning: { pointsPerCurrencyUnit: program.pointsPerCurrencyUnit, pendingDays: 0 },
    tiers: {
      basis: "spend",
      window: "lifetime",
      downgradeGraceDays: 0,
      levels: program.tiers.map((t, i) => ({
        id: `tier-${i}`,
        name: t.name,
        threshold: t.thresholdMinor,
        benefits: { earnMultiplier: t.earnMultiplier },
      })),
    },
    rewards: program.rewards.map((r) => ({
      id: r.id,
      name: r.id,
      value: { kind: "fixedAmount", amount: { amountMinor: r.valueMinor, currency } },
      pointsCost: r.pointsCost,
    })),
  });
}

export function runScenario(input: Scenario, options: SimOptions = {}): SimReport {
  const started = performance.now();
  const scenario: Scenario =
    options.seed === undefined ? input : { ...input, shop: { ...input.shop, seed: options.seed } };
  const days = options.days ?? scenario.truth.horizonDays;
  const definition = defineShop({ ...scenario.shop, horizonDays: Math.max(scenario.shop.horizonDays, days) });
  const { params, calendar } = definition;
  const seed = params.seed;

  const members: Member[] = [];
  let customers = 0;
  let buyers = 0;
  for (const batch of customerBatches(definition)) {
    batch.customers.forEach((c, i) => {
      customers += 1;
      if (!c.latent.buyer) return;
      buyers += 1;
      if (members.length >= scenario.truth.maxCustomers) return;
      members.push({
        index: c.index,
        id: String(c.id),
        state: customerState(c, batch.histories[i]!),
        variant: assignVariant(scenario, seed, c.index),
      });
    });
  }

  const programs = scenario.variants.map((v) => variantProgram(v, params.currency));
  const respond = responder(scenario.response);
  const rng = new Rng((seed ^ hashString(`sim:${scenario.name}`)) | 0);
  const results = scenario.variants.map((v) => emptyDecisions(v));
  const perMember = members.map(() => ({ orders: 0, revenueMinor: 0, netRevenueMinor: 0 }));

  const ctx: LifeContext = { calendar, days, seed, respond, rng };
  members.forEach((m, mi) => {
    const variant = scenario.variants[m.variant]!;
    const out = results[m.variant]!;
    const life = liveUnderProgram(ctx, m, programs[m.variant]!, {
      heldOut: variant.holdout,
      message: variant.message,
    });
    out.orders += life.orders;
    out.revenueMinor += life.revenueMinor;
    out.rewardCostMinor += life.rewardCostMinor;
    out.netRevenueMinor += life.netRevenueMinor;
    out.pointsIssued += life.pointsIssued;
    out.pointsRedeemed += life.pointsRedeemed;
    out.redemptions += life.redemptions;
    out.tierUpgrades += life.tierUpgrades;
    for (const [reason, n] of Object.entries(life.redemptionsRefused))
      out.redemptionsRefused[reason] = (out.redemptionsRefused[reason] ?? 0) + n;
    perMember[mi] = {
      orders: life.orders,
      revenueMinor: life.revenueMinor,
      netRevenueMinor: life.netRevenueMinor,
    };
    if (life.alive) out.aliveAtEnd += 1;
    out.customers += 1;
    if (life.tierId) out.tiers[life.tierId] = (out.tiers[life.tierId] ?? 0) + 1;
  });

  const baseline = baselineKey(scenario);
  const base = results.find((r) => r.key === baseline)!;
  const perCustomer = (r: VariantDecisions) => {
    const n = Math.max(1, r.customers);
    return {
      orders: r.orders / n,
      revenueMinor: r.revenueMinor / n,
      netRevenueMinor: r.netRevenueMinor / n,
      redemptions: r.redemptions / n,
    };
  };
  for (const r of results) r.perCustomer = perCustomer(r);
  for (const r of results) {
    r.vsBaseline =
      r.key === baseline
        ? null
        : {
            ordersLift: lift(r.perCustomer.orders, base.perCustomer.orders),
            revenueLift: lift(r.perCustomer.revenueMinor, base.perCustomer.revenueMinor),
            netRevenueLift: lift(r.perCustomer.netRevenueMinor, base.perCustomer.netRevenueMinor),
          };
  }
  for (const segment of SEGMENTS) {
    scenario.variants.forEach((_, v) => {
      const idx = members.flatMap((m, i) => (m.variant === v && m.state.segment === segment ? [i] : []));
      if (idx.length === 0) return;
      results[v]!.bySegment[segment] = {
        customers: idx.length,
        ordersPerCustomer: idx.reduce((s, i) => s + perMember[i]!.orders, 0) / idx.length,
        netRevenuePerCustomerMinor: idx.reduce((s, i) => s + perMember[i]!.netRevenueMinor, 0) / idx.length,
      };
    });
  }

  let truth: SimReport["truth"] = null;
  if (options.withTruth !== false) {
    const report = groundTruth({ ...scenario, truth: { ...scenario.truth, horizonDays: days } });
    truth = { variants: report.variants, summary: report.summary };
  }
  return {
    scenario: { name: scenario.name, description: scenario.description, seed, baseline, days },
    shop: {
      domain: params.domain,
      customers,
      buyers,
      simulated: members.length,
      historyEnd: new Date(calendar.endMs).toISOString(),
    },
    app: results,
    truth,
    comparison: results.map((r) => ({
      key: r.key,
      observedNetRevenueLift: r.vsBaseline?.netRevenueLift ?? null,
      trueNetRevenueLift: truth?.variants.find((t) => t.key === r.key)?.vsBaseline?.netRevenueLift ?? null,
    })),
    elapsedMs: Math.round(performance.now() - started),
  };
}

function lift(a: number, b: number): number | null {
  return b > 0 ? a / b - 1 : null;
}

function emptyDecisions(variant: Variant): VariantDecisions {
  return {
    key: variant.key,
    holdout: variant.holdout,
    customers: 0,
    orders: 0,
    revenueMinor: 0,
    rewardCostMinor: 0,
    netRevenueMinor: 0,
    pointsIssued: 0,
    pointsRedeemed: 0,
    redemptions: 0,
    redemptionsRefused: {},
    tiers: {},
    tierUpgrades: 0,
    aliveAtEnd: 0,
    perCustomer: { orders: 0, revenueMinor: 0, netRevenueMinor: 0, redemptions: 0 },
    vsBaseline: null,
    bySegment: {},
  };
}
