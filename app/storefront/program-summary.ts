import type { Money } from "~/loyalty/money";
import type { Program, WidgetCopy } from "~/loyalty/program";
import type { RewardValue } from "~/loyalty/program-rewards";
import { isRewardAvailable } from "~/loyalty/redemption";

// What the storefront widget shows of a program to sell it: the ways to earn, the rewards
// with their conditions, the tiers with their perks, and the program's own words. The guest
// view gets it for the live program; a member's status gets the parts of it for the
// member's own program (ADR 0018), so an experiment's variant shows what it changes.

export interface WaysToEarn {
  /** Points per major unit of `currency` spent (the widget formats "per $1"). */
  pointsPerCurrencyUnit: number;
  signup: number;
  firstOrder: number;
  birthday: number;
  /** Bonus campaigns running now. */
  campaigns: Array<
    { name: string; endsAt: string } & (
      { kind: "multiplier"; multiplier: number } | { kind: "fixed"; points: number }
    )
  >;
}

export interface RewardConditions {
  minimumSubtotal: Money | null;
  perMemberLimit: number | null;
  availableUntil: string | null;
}

export interface SummaryReward extends RewardConditions {
  id: string;
  name: string;
  pointsCost: number;
  value: RewardValue;
  available: boolean;
}

export interface SummaryTier {
  id: string;
  name: string;
  threshold: number;
  perkPercent: number;
  freeShipping: boolean;
  earnMultiplier: number;
}

export interface ProgramSummary {
  earn: WaysToEarn;
  rewards: SummaryReward[];
  tiers: { basis: Program["tiers"]["basis"]; levels: SummaryTier[] };
  copy: WidgetCopy;
}

export function waysToEarn(program: Program, now: Date): WaysToEarn {
  const { earning } = program;
  const at = now.getTime();
  return {
    pointsPerCurrencyUnit: earning.pointsPerCurrencyUnit,
    signup: earning.bonuses.signup,
    firstOrder: earning.bonuses.firstOrder,
    birthday: earning.bonuses.birthday,
    campaigns: earning.campaigns
      .filter((c) => Date.parse(c.startsAt) <= at && at < Date.parse(c.endsAt))
      .map((c) =>
        c.kind === "multiplier"
          ? { name: c.name, endsAt: c.endsAt, kind: c.kind, multiplier: c.multiplier }
          : { name: c.name, endsAt: c.endsAt, kind: c.kind, points: c.points },
      ),
  };
}

export function rewardConditions(reward: Program["rewards"][number]): RewardConditions {
  return {
    minimumSubtotal: reward.minimumSubtotal,
    perMemberLimit: reward.perMemberLimit,
    availableUntil: reward.availableUntil,
  };
}

/** The program as a signed-out shopper may see it: active rewards only, in program order. */
export function programSummary(program: Program, now: Date): ProgramSummary {
  return {
    earn: waysToEarn(program, now),
    rewards: program.rewards
      .filter((r) => r.active)
      .map((r) => ({
        id: r.id,
        name: r.name,
        pointsCost: r.pointsCost,
        value: r.value,
        available: isRewardAvailable(r, now),
        ...rewardConditions(r),
      })),
    tiers: {
      basis: program.tiers.basis,
      levels: program.tiers.levels.map((l) => ({
        id: l.id,
        name: l.name,
        threshold: l.threshold,
        perkPercent: l.benefits.perkPercent,
        freeShipping: l.benefits.freeShipping,
        earnMultiplier: l.benefits.earnMultiplier,
      })),
    },
    copy: program.widgetCopy,
  };
}

export interface NextReward {
  id: string;
  name: string;
  pointsCost: number;
  /** Points still needed. */
  remaining: number;
  /** The balance as a share of the cost, 0..1. */
  fraction: number;
}

/**
 * The reward a member is saving towards: the cheapest available reward they cannot afford
 * yet. Null when they can afford every available reward (or there is none).
 */
export function nextReward(
  rewards: ReadonlyArray<{ id: string; name: string; pointsCost: number; available: boolean }>,
  balance: number,
): NextReward | null {
  const target = rewards
    .filter((r) => r.available && r.pointsCost > balance)
    .reduce<(typeof rewards)[number] | null>(
      (best, r) => (!best || r.pointsCost < best.pointsCost ? r : best),
      null,
    );
  if (!target) return null;
  return {
    id: target.id,
    name: target.name,
    pointsCost: target.pointsCost,
    remaining: target.pointsCost - balance,
    fraction: Math.max(0, Math.min(1, balance / target.pointsCost)),
  };
}
