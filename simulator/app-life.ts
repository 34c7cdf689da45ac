// One simulated customer's days after the history under the program the app gives them.
// The customer is the scenario's `respond`; every decision about them is the app's own pure
// rules (app/loyalty): pointsForOrder for what an order earns (tier multipliers, first-order
// bonus, rounding), evaluateTier for tiers, canRedeem for whether a wanted reward may be
// redeemed. Shared by `runScenario` (sim.ts) and the runs through the app's experiments
// (app-experiment.server.ts), which also replays every customer under every arm's program
// for the truth: day d of customer i draws from the same stream whatever the program
// (common random numbers), so an arm's outcome for a customer is a pure function of
// (customer, program).
import { pointsForOrder, type EarningOrder } from "../app/loyalty/earning";
import type { Program } from "../app/loyalty/program";
import { canRedeem } from "../app/loyalty/redemption";
import { evaluateTier, type QualifyingEvent, type TierStanding } from "../app/loyalty/tiers";
import { DAY_MS, type Calendar } from "./model/calendar";
import type { Rng } from "./random/rng";
import type { CustomerState, ProgramExposure, Respond } from "./scenario/respond";
import type { MessageChannel } from "./scenario/schema";

export interface LifeContext {
  calendar: Calendar;
  days: number;
  seed: number;
  respond: Respond;
  /** Reseeded per customer and day. */
  rng: Rng;
}

export interface SimMember {
  index: number;
  id: string;
  state: CustomerState;
}

export interface MemberLife {
  orders: number;
  revenueMinor: number;
  /** Reward value given as discounts on orders. */
  rewardCostMinor: number;
  netRevenueMinor: number;
  pointsIssued: number;
  pointsRedeemed: number;
  redemptions: number;
  redemptionsRefused: Record<string, number>;
  tierUpgrades: number;
  tierId: string | null;
  alive: boolean;
  /** The day of the first order (the app's exposure trigger), or null without one. */
  firstOrderDay: number | null;
}

/** The app's rewards as the customer sees them (fixed-amount ones: what the scenario models). */
function exposureRewards(program: Program): ProgramExposure["rewards"] {
  return program.rewards.flatMap((r) =>
    r.value.kind === "fixedAmount"
      ? [{ id: r.id, pointsCost: r.pointsCost, valueMinor: r.value.amount.amountMinor }]
      : [],
  );
}

/**
 * `member` lives `ctx.days` days under `program`; `heldOut` gets no program at all (no
 * points, rewards, tiers or messages). `message` is the scenario's message schedule, if any.
 */
/** A simulated order as the app's order mirror holds it (paid, placed at `at`). */
export function simulatedOrderRow(
  order: { at: Date; revenueMinor: number; discountMinor: number },
  row: { shop: string; id: bigint; customerId: bigint; name: string; currencyCode: string },
) {
  return {
    ...row,
    subtotalMinor: BigInt(order.revenueMinor),
    totalMinor: BigInt(order.revenueMinor - order.discountMinor),
    totalDiscountsMinor: BigInt(order.discountMinor),
    financialStatus: "paid",
    processedAt: order.at,
    shopifyCreatedAt: order.at,
  };
}

export function liveUnderProgram(
  ctx: LifeContext,
  member: SimMember,
  program: Program,
  options: {
    heldOut: boolean;
    /** On its channel (default email): when it is read depends on the channel (scenario `channels`). */
    message?: { variant: string; everyDays: number; channel?: MessageChannel } | null;
    /** The first day lived (a member who joins later); 0 by default. */
    fromDay?: number;
    /** Each order as it is placed (the bandit run writes them to the app's mirror). */
    onOrder?: (order: { at: Date; revenueMinor: number; discountMinor: number }) => void;
    /** The customer's decision on a message the day it arrives (the campaign run reads it through the app). */
    onMessageRead?: (read: { day: number; at: Date; opened: boolean; clicked: boolean }) => void;
  },
): MemberLife {
  const { calendar, days, seed, respond, rng } = ctx;
  const { heldOut } = options;
  const out: MemberLife = {
    orders: 0,
    revenueMinor: 0,
    rewardCostMinor: 0,
    netRevenueMinor: 0,
    pointsIssued: 0,
    pointsRedeemed: 0,
    redemptions: 0,
    redemptionsRefused: {},
    tierUpgrades: 0,
    tierId: null,
    alive: true,
    firstOrderDay: null,
  };
  const levels = program.tiers.levels;
  const state: CustomerState = { ...member.state, pointsBalance: 0, tierProgressMinor: 0 };
  const history: QualifyingEvent[] = [];
  let standing: TierStanding = { tierId: levels[0]?.id ?? null, belowSince: null };
  let ordersEarned = 0;
  const used = new Map<string, number>();
  const schedule = heldOut ? null : (options.message ?? null);
  const message = {
    variant: schedule?.variant ?? "",
    channel: schedule?.channel ?? "email",
    daysSinceSent: 0,
    opened: null as boolean | null,
    daysSinceRead: null as number | null,
  };
  const exposure: ProgramExposure = {
    member: !heldOut,
    pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
    tierMultiplier: levels[0]?.benefits.earnMultiplier ?? 1,
    rewards: exposureRewards(program),
    nextTierThresholdMinor: levels[1]?.threshold ?? null,
    message: null,
    seasonality: 1,
  };
  for (let day = options.fromDay ?? 0; day < days && state.alive; day++) {
    const now = new Date(calendar.endMs + day * DAY_MS + 12 * 3_600_000);
    exposure.seasonality = calendar.intensity[Math.min(calendar.days - 1, calendar.historyDays + day)]!;
    if (schedule) {
      if (day % schedule.everyDays === 0) {
        message.daysSinceSent = 0;
        message.opened = null;
        message.daysSinceRead = null;
        exposure.message = message;
      } else {
        message.daysSinceSent++;
        if (message.daysSinceRead !== null) message.daysSinceRead++;
      }
    }
    rng.reseed((seed + Math.imul(day + 1, 0x9e3779b1)) | 0, member.index);
    const r = respond(state, exposure, rng);
    if (r.openedMessage !== null) {
      message.opened = r.openedMessage;
      if (r.openedMessage) message.daysSinceRead = 0;
      options.onMessageRead?.({ day, at: now, opened: r.openedMessage, clicked: r.clickedMessage ?? false });
    }
    if (r.droppedOut) state.alive = false;
    if (!r.purchased) continue;
    out.firstOrderDay ??= day;
    out.orders += 1;
    out.revenueMinor += r.orderValueMinor;
    let discount = 0;
    if (r.redeemedRewardId && !heldOut) {
      const reward = program.rewards.find((x) => x.id === r.redeemedRewardId)!;
      const decision = canRedeem({ available: state.pointsBalance, eligible: true }, reward, program, now, {
        redemptionsOfReward: used.get(reward.id) ?? 0,
        cartSubtotalMinor: r.orderValueMinor,
      });
      if (decision.ok) {
        state.pointsBalance -= decision.pointsCost;
        out.pointsRedeemed += decision.pointsCost;
        out.redemptions += 1;
        used.set(reward.id, (used.get(reward.id) ?? 0) + 1);
        discount =
          reward.value.kind === "fixedAmount"
            ? Math.min(reward.value.amount.amountMinor, r.orderValueMinor)
            : 0;
        out.rewardCostMinor += discount;
      } else out.redemptionsRefused[decision.reason] = (out.redemptionsRefused[decision.reason] ?? 0) + 1;
    }
    const net = r.orderValueMinor - discount;
    out.netRevenueMinor += net;
    options.onOrder?.({ at: now, revenueMinor: r.orderValueMinor, discountMinor: discount });
    if (heldOut) continue;
    const order: EarningOrder = {
      id: `${member.id}-${day}`,
      currency: program.currency,
      placedAt: now,
      lines: [
        {
          id: `${member.id}-${day}-1`,
          productId: null,
          collectionIds: [],
          tags: [],
          quantity: 1,
          unitPriceMinor: r.orderValueMinor,
          discountAllocationsMinor: discount > 0 ? [discount] : [],
        },
      ],
      shippingMinor: 0,
      taxMinor: 0,
    };
    const earned = pointsForOrder(
      order,
      { tierId: standing.tierId, previousOrderCount: ordersEarned },
      program,
      now,
    );
    if (earned.points > 0) ordersEarned += 1;
    state.pointsBalance += earned.points;
    out.pointsIssued += earned.points;
    history.push({ at: now, spendMinor: net, points: earned.points, orders: 1 });
    if (levels.length > 0) {
      const evaluation = evaluateTier(history, standing, program.tiers, now);
      if (evaluation.change === "upgrade") out.tierUpgrades += 1;
      standing = { tierId: evaluation.tierId, belowSince: evaluation.belowSince };
      state.tierProgressMinor = evaluation.value;
      const tier = levels.find((l) => l.id === standing.tierId);
      exposure.tierMultiplier = tier?.benefits.earnMultiplier ?? 1;
      const next = evaluation.progress.nextTierId
        ? levels.find((l) => l.id === evaluation.progress.nextTierId)
        : null;
      exposure.nextTierThresholdMinor = next?.threshold ?? null;
    }
  }
  out.alive = state.alive;
  out.tierId = heldOut ? null : standing.tierId;
  return out;
}
