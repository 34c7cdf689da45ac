import type { Segment } from "../model/params";
import type { Rng } from "../random/rng";
import { gamma } from "../random/samplers";
import {
  DEFAULT_SEGMENT_RESPONSE,
  type ChannelResponse,
  type MessageChannel,
  type MessageResponse,
  type ResponseConfig,
} from "./schema";

// How one simulated customer reacts, one day at a time, to what the program does for them.
// Pure: the scenario's response config, the customer's state and exposure, and an Rng in;
// a decision out. The live simulation, `npm run sim` and the ground truth all call this.

/** What the simulator knows about the customer (latents included) on the day. */
export interface CustomerState {
  segment: Segment;
  alive: boolean;
  lambdaPerYear: number;
  dropoutP: number;
  /** Gamma-Gamma: order value (major units) ~ Gamma(spendShape, rate spendRate). */
  spendShape: number;
  spendRate: number;
  openRate: number;
  clickGivenOpen: number;
  pointsBalance: number;
  /** Spend counted towards the next tier (minor units). */
  tierProgressMinor: number;
}

/** What the app is doing for the customer on the day. */
export interface ProgramExposure {
  /** false for the holdout and for customers not enrolled. */
  member: boolean;
  /** Points per major currency unit, after campaign multipliers (tier multiplier separate). */
  pointsPerCurrencyUnit: number;
  tierMultiplier: number;
  /** Rewards the member could redeem (active ones). */
  rewards: ReadonlyArray<{ id: string; pointsCost: number; valueMinor: number }>;
  /** The spend threshold of the next tier, or null at the top (or without tiers). */
  nextTierThresholdMinor: number | null;
  /**
   * The latest message, with whether the customer opened it (null until they decided), on its
   * channel (default email) and, once read, the days since (the lift runs from the read; an
   * email or a text is read the day it arrives or never, an inbox message on a visit).
   */
  message: {
    variant: string;
    daysSinceSent: number;
    opened: boolean | null;
    channel?: MessageChannel;
    daysSinceRead?: number | null;
  } | null;
  /** The calendar's purchase-intensity multiplier for the day (1 = an average day). */
  seasonality: number;
  /**
   * A variant's deep-discount promotion (schema `promotion`): while `active`, the purchase rate
   * is × (1 + purchaseLift); from exposure on, dropout is × dropoutMultiplier. Absent: none.
   */
  promotion?: { active: boolean; purchaseLift: number; dropoutMultiplier: number } | null;
}

export interface RateComponents {
  membership: number;
  earnRate: number;
  rewardGoal: number;
  tierGoal: number;
  message: number;
  holdout: number;
  /** Product of the components. */
  total: number;
  /** Fraction of spend returned as reward value (pointsPerUnit × tier multiplier × best value per point). */
  rewardRate: number;
}

export interface DayResponse {
  /** Expected purchases on the day (the Poisson rate). */
  rate: number;
  purchased: boolean;
  /** Merchandise value of the order, minor units (0 without a purchase). */
  orderValueMinor: number;
  redeemedRewardId: string | null;
  /** Set on the day a message arrives; null otherwise. */
  openedMessage: boolean | null;
  clickedMessage: boolean | null;
  /** Dropped out after this purchase (BG/NBD: only ever right after a purchase). */
  droppedOut: boolean;
}

export type Respond = (state: CustomerState, exposure: ProgramExposure, rng: Rng) => DayResponse;

export function rewardRate(exposure: ProgramExposure): number {
  let bestValuePerPoint = 0;
  for (const r of exposure.rewards)
    bestValuePerPoint = Math.max(bestValuePerPoint, r.valueMinor / r.pointsCost);
  return (exposure.pointsPerCurrencyUnit * exposure.tierMultiplier * bestValuePerPoint) / 100;
}

export function rateComponents(
  config: ResponseConfig,
  state: CustomerState,
  exposure: ProgramExposure,
  /** Whether the latest message was opened, when decided after `exposure` was built. */
  opened: boolean | null = exposure.message?.opened ?? null,
): RateComponents {
  const seg = config.segments[state.segment] ?? DEFAULT_SEGMENT_RESPONSE;
  const rate = rewardRate(exposure);
  if (!exposure.member) {
    const holdout = config.holdout.frequencyMultiplier;
    return {
      membership: 1,
      earnRate: 1,
      rewardGoal: 1,
      tierGoal: 1,
      message: 1,
      holdout,
      total: holdout,
      rewardRate: 0,
    };
  }
  const membership = 1 + config.membership.frequencyLift * seg.membership;
  const { referenceRewardRate, elasticity, minMultiplier, maxMultiplier } = config.earnRate;
  const earnRate = clamp(
    Math.pow(rate / referenceRewardRate, elasticity * seg.earnElasticity),
    minMultiplier,
    maxMultiplier,
  );

  const gg = config.goalGradient;
  let nextCost = Infinity;
  for (const r of exposure.rewards)
    if (r.pointsCost > state.pointsBalance && r.pointsCost < nextCost) nextCost = r.pointsCost;
  const rewardGoal =
    nextCost < Infinity
      ? goalRamp((nextCost - state.pointsBalance) / nextCost, gg.rewardBoost * seg.goalGradient, gg)
      : 1;
  const threshold = exposure.nextTierThresholdMinor;
  const tierGoal =
    threshold && threshold > 0
      ? goalRamp((threshold - state.tierProgressMinor) / threshold, gg.tierBoost * seg.goalGradient, gg)
      : 1;

  let message = 1;
  const m = exposure.message;
  if (m && opened) {
    const effect = messageEffect(config, m.variant);
    // Read today when the exposure did not know it yet.
    const sinceRead = m.opened === null ? 0 : (m.daysSinceRead ?? m.daysSinceSent);
    if (sinceRead < effect.liftDays) message = Math.max(0.1, 1 + effect.purchaseLift * seg.message);
  }
  const total = membership * earnRate * rewardGoal * tierGoal * message;
  return { membership, earnRate, rewardGoal, tierGoal, message, holdout: 1, total, rewardRate: rate };
}

export function messageEffect(config: ResponseConfig, variant: string): MessageResponse {
  return config.messages.variants[variant] ?? config.messages.default;
}

export function channelEffect(config: ResponseConfig, channel: MessageChannel = "email"): ChannelResponse {
  return config.channels[channel];
}

/**
 * P(a store visit on the day) for a channel read on visits: `visitsPerOrder` times the
 * customer's expected purchases that day (from their latent rate), never for one who left.
 */
export function visitProbability(
  channel: ChannelResponse,
  state: Pick<CustomerState, "alive" | "lambdaPerYear">,
  seasonality: number,
): number {
  if (!state.alive) return 0;
  return 1 - Math.exp(-(state.lambdaPerYear / 365) * seasonality * channel.visitsPerOrder);
}

/**
 * Whether the customer reads (and then clicks) a message they have in front of them: the
 * channel's read rate (or their own open rate) × the variant's open multiplier, less for one
 * who dropped out; clicks at their click-through × the variant's × the channel's multiplier.
 */
export function readsMessage(
  config: ResponseConfig,
  state: Pick<CustomerState, "alive" | "openRate" | "clickGivenOpen">,
  message: { variant: string; channel?: MessageChannel },
  rng: Rng,
): { opened: boolean; clicked: boolean } {
  const effect = messageEffect(config, message.variant);
  const channel = channelEffect(config, message.channel);
  // A customer who has dropped out still opens some mail, but less (as in the history).
  const openRate = Math.min(
    1,
    (channel.readRate ?? state.openRate) * effect.openMultiplier * (state.alive ? 1 : 0.35),
  );
  const opened = rng.chance(openRate);
  const clicked =
    opened &&
    rng.chance(Math.min(1, state.clickGivenOpen * effect.clickMultiplier * channel.clickMultiplier));
  return { opened, clicked };
}

/** P(redeem a reward worth `valueMinor` at a purchase) for the segment. */
export function redemptionProbability(config: ResponseConfig, segment: Segment, valueMinor: number): number {
  const { intercept, perCurrencyUnit, maxProbability } = config.redemption;
  const seg = config.segments[segment] ?? DEFAULT_SEGMENT_RESPONSE;
  const p = seg.redemption / (1 + Math.exp(-(intercept + (perCurrencyUnit * valueMinor) / 100)));
  return Math.min(maxProbability, p);
}

export function responder(config: ResponseConfig): Respond {
  return (state, exposure, rng) => {
    const out: DayResponse = {
      rate: 0,
      purchased: false,
      orderValueMinor: 0,
      redeemedRewardId: null,
      openedMessage: null,
      clickedMessage: null,
      droppedOut: false,
    };
    const m = exposure.message;
    let opened = m?.opened ?? null;
    if (m && m.opened === null && exposure.member) {
      const channel = channelEffect(config, m.channel);
      // An email or a text is in front of the customer the day it arrives; an inbox message
      // whenever they visit the store while it is kept (unread until they do).
      const inFront =
        channel.readsOn === "arrival"
          ? m.daysSinceSent === 0
          : m.daysSinceSent < channel.keptDays &&
            rng.chance(visitProbability(channel, state, exposure.seasonality));
      if (inFront) {
        const read = readsMessage(config, state, m, rng);
        if (read.opened || channel.readsOn === "arrival") {
          opened = read.opened;
          out.openedMessage = read.opened;
          out.clickedMessage = read.clicked;
        }
      }
    }
    if (!state.alive) return out;
    const components = rateComponents(config, state, exposure, opened);
    const promo = exposure.member ? exposure.promotion : null;
    const promoted = promo?.active ? 1 + promo.purchaseLift : 1;
    out.rate = (state.lambdaPerYear / 365) * exposure.seasonality * components.total * promoted;
    if (!rng.chance(1 - Math.exp(-out.rate))) return out;
    out.purchased = true;
    out.orderValueMinor = Math.round(gamma(rng, state.spendShape, 1 / state.spendRate) * 100);
    if (exposure.member) {
      let best: { id: string; valueMinor: number } | null = null;
      for (const r of exposure.rewards)
        if (
          r.pointsCost <= state.pointsBalance &&
          r.valueMinor < out.orderValueMinor &&
          (!best || r.valueMinor > best.valueMinor)
        )
          best = r;
      if (best && rng.chance(redemptionProbability(config, state.segment, best.valueMinor)))
        out.redeemedRewardId = best.id;
    }
    const dropout =
      (exposure.member ? state.dropoutP * config.membership.dropoutMultiplier : state.dropoutP) *
      (promo?.dropoutMultiplier ?? 1);
    out.droppedOut = rng.chance(Math.min(1, dropout));
    return out;
  };
}

/** The goal-gradient multiplier at a remaining `distance` (share of the goal still to go). */
function goalRamp(distance: number, boost: number, gg: ResponseConfig["goalGradient"]): number {
  if (distance <= 0 || distance > gg.window) return 1;
  return 1 + boost * Math.pow(1 - distance / gg.window, gg.curvature);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
