import type { Calendar } from "../model/calendar";
import { SEGMENTS, type Segment } from "../model/params";
import { Rng, hashString } from "../random/rng";
import { responder, type CustomerState, type ProgramExposure } from "../scenario/respond";
import type { Scenario, Variant } from "../scenario/schema";

// The true effect of each variant: every customer lives the truth horizon once per variant
// and replication, with common random numbers (day d of customer i draws from the same stream
// under every variant), so differences between variants carry little Monte Carlo noise.
// The program is simplified: points are earned on the order's merchandise value and are
// spendable at once, no expiry, tiers count spend from the start of the horizon.

export interface PopulationMember {
  index: number;
  state: CustomerState;
}

export interface VariantOutcome {
  orders: number;
  revenueMinor: number;
  rewardCostMinor: number;
  netRevenueMinor: number;
  redemptions: number;
  aliveAtEnd: number;
}

export interface VariantTruth {
  key: string;
  holdout: boolean;
  customers: number;
  /** Means per customer over the horizon. */
  perCustomer: VariantOutcome;
  /** Relative to the baseline variant; null for the baseline itself. */
  vsBaseline: {
    ordersLift: number;
    revenueLift: number;
    netRevenueLift: number;
    netRevenueDiffPerCustomerMinor: number;
    /** Standard error of that paired difference (Monte Carlo and population sampling). */
    netRevenueDiffStandardError: number;
  } | null;
  bySegment: Partial<
    Record<Segment, { customers: number; ordersLift: number | null; netRevenueLift: number | null }>
  >;
}

export function baselineKey(scenario: Scenario): string {
  return scenario.baseline ?? (scenario.variants.find((v) => v.holdout) ?? scenario.variants[0]!).key;
}

export function variantTruth(
  scenario: Scenario,
  population: readonly PopulationMember[],
  calendar: Calendar,
): VariantTruth[] {
  const respond = responder(scenario.response);
  const { horizonDays, replications } = scenario.truth;
  const seed = (scenario.shop.seed ^ hashString(`truth:${scenario.name}`)) | 0;
  const rng = new Rng(seed);
  const outcomes = scenario.variants.map(() => population.map(() => emptyOutcome()));

  scenario.variants.forEach((variant, v) => {
    population.forEach((member, i) => {
      const total = outcomes[v]![i]!;
      for (let rep = 0; rep < replications; rep++) {
        const one = liveHorizon(
          variant,
          member,
          calendar,
          horizonDays,
          (day) => rng.reseed((seed + Math.imul(rep * 1_009 + day + 1, 0x9e3779b1)) | 0, member.index),
          respond,
        );
        for (const k of OUTCOME_KEYS) total[k] += one[k] / replications;
      }
    });
  });

  const base = scenario.variants.findIndex((v) => v.key === baselineKey(scenario));
  return scenario.variants.map((variant, v) => {
    const mine = outcomes[v]!;
    const theirs = outcomes[base]!;
    const bySegment: VariantTruth["bySegment"] = {};
    for (const segment of SEGMENTS) {
      const idx = population.flatMap((m, i) => (m.state.segment === segment ? [i] : []));
      if (idx.length === 0) continue;
      const a = mean(idx.map((i) => mine[i]!));
      const b = mean(idx.map((i) => theirs[i]!));
      bySegment[segment] = {
        customers: idx.length,
        ordersLift: v === base ? null : ratio(a.orders, b.orders),
        netRevenueLift: v === base ? null : ratio(a.netRevenueMinor, b.netRevenueMinor),
      };
    }
    const perCustomer = mean(mine);
    const baseline = mean(theirs);
    const diffs = mine.map((o, i) => o.netRevenueMinor - theirs[i]!.netRevenueMinor);
    const diffMean = diffs.reduce((s, x) => s + x, 0) / Math.max(1, diffs.length);
    const diffVar = diffs.reduce((s, x) => s + (x - diffMean) ** 2, 0) / Math.max(1, diffs.length - 1);
    return {
      key: variant.key,
      holdout: variant.holdout,
      customers: population.length,
      perCustomer,
      vsBaseline:
        v === base
          ? null
          : {
              ordersLift: ratio(perCustomer.orders, baseline.orders) ?? 0,
              revenueLift: ratio(perCustomer.revenueMinor, baseline.revenueMinor) ?? 0,
              netRevenueLift: ratio(perCustomer.netRevenueMinor, baseline.netRevenueMinor) ?? 0,
              netRevenueDiffPerCustomerMinor: diffMean,
              netRevenueDiffStandardError: Math.sqrt(diffVar / Math.max(1, diffs.length)),
            },
      bySegment,
    };
  });
}

const OUTCOME_KEYS = [
  "orders",
  "revenueMinor",
  "rewardCostMinor",
  "netRevenueMinor",
  "redemptions",
  "aliveAtEnd",
] as const;

function emptyOutcome(): VariantOutcome {
  return {
    orders: 0,
    revenueMinor: 0,
    rewardCostMinor: 0,
    netRevenueMinor: 0,
    redemptions: 0,
    aliveAtEnd: 0,
  };
}

function mean(xs: readonly VariantOutcome[]): VariantOutcome {
  const out = emptyOutcome();
  for (const x of xs) for (const k of OUTCOME_KEYS) out[k] += x[k] / Math.max(1, xs.length);
  return out;
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b - 1 : null;
}

/**
 * One customer's horizon under one variant; `dayRng(d)` gives the stream for day d. `onOrder`
 * sees each order (day, merchandise value, discount: reward and promotion), for the long-term
 * validation's timelines.
 */
export function liveHorizon(
  variant: Variant,
  member: PopulationMember,
  calendar: Calendar,
  horizonDays: number,
  dayRng: (day: number) => Rng,
  respond: ReturnType<typeof responder>,
  onOrder?: (day: number, valueMinor: number, discountMinor: number) => void,
): VariantOutcome {
  const out = emptyOutcome();
  const { program } = variant;
  const state: CustomerState = { ...member.state, pointsBalance: 0, tierProgressMinor: 0 };
  let tier = 0;
  // Mutated in place: this loop owns the exposure it hands to `respond` each day.
  const message = {
    variant: variant.message?.variant ?? "",
    daysSinceSent: 0,
    opened: null as boolean | null,
  };
  const exposure: ProgramExposure = {
    member: !variant.holdout,
    pointsPerCurrencyUnit: program.pointsPerCurrencyUnit,
    tierMultiplier: program.tiers[0]?.earnMultiplier ?? 1,
    rewards: program.rewards,
    nextTierThresholdMinor: program.tiers[1]?.thresholdMinor ?? null,
    message: null,
    seasonality: 1,
    promotion: variant.promotion
      ? {
          active: true,
          purchaseLift: variant.promotion.purchaseLift,
          dropoutMultiplier: variant.promotion.dropoutMultiplier,
        }
      : null,
  };
  for (let day = 0; day < horizonDays && state.alive; day++) {
    exposure.seasonality = calendar.intensity[Math.min(calendar.days - 1, calendar.historyDays + day)]!;
    if (exposure.promotion) exposure.promotion.active = day < variant.promotion!.days;
    if (variant.message && !variant.holdout) {
      if (day % variant.message.everyDays === 0) {
        message.daysSinceSent = 0;
        message.opened = null;
        exposure.message = message;
      } else message.daysSinceSent++;
    }
    const r = respond(state, exposure, dayRng(day));
    if (r.openedMessage !== null) message.opened = r.openedMessage;
    if (!r.purchased) continue;
    out.orders++;
    out.revenueMinor += r.orderValueMinor;
    let discount = 0;
    if (r.redeemedRewardId) {
      const reward = program.rewards.find((x) => x.id === r.redeemedRewardId)!;
      state.pointsBalance -= reward.pointsCost;
      discount = Math.min(reward.valueMinor, r.orderValueMinor);
      out.redemptions++;
      out.rewardCostMinor += discount;
    }
    if (exposure.promotion?.active && exposure.member) {
      // The promotion's discount on what is left to pay after any reward.
      const promoted = Math.round((r.orderValueMinor - discount) * variant.promotion!.discountShare);
      discount += promoted;
      out.rewardCostMinor += promoted;
    }
    onOrder?.(day, r.orderValueMinor, discount);
    out.netRevenueMinor += r.orderValueMinor - discount;
    if (exposure.member) {
      state.pointsBalance += Math.floor(
        ((r.orderValueMinor - discount) / 100) * program.pointsPerCurrencyUnit * exposure.tierMultiplier,
      );
      state.tierProgressMinor += r.orderValueMinor - discount;
      while (program.tiers[tier + 1] && state.tierProgressMinor >= program.tiers[tier + 1]!.thresholdMinor)
        tier++;
      exposure.tierMultiplier = program.tiers[tier]?.earnMultiplier ?? 1;
      exposure.nextTierThresholdMinor = program.tiers[tier + 1]?.thresholdMinor ?? null;
    }
    if (r.droppedOut) state.alive = false;
  }
  out.aliveAtEnd = state.alive ? 1 : 0;
  return out;
}
