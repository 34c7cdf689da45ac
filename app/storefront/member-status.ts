import type { LedgerKind } from "~/loyalty/ledger";
import type { Money } from "~/loyalty/money";
import type { Program, WidgetCopy } from "~/loyalty/program";
import type { RewardValue } from "~/loyalty/program-rewards";
import { canRedeem, isRewardAvailable } from "~/loyalty/redemption";
import { progressToNext } from "~/loyalty/tiers";
import {
  nextReward,
  rewardConditions,
  waysToEarn,
  type NextReward,
  type RewardConditions,
  type WaysToEarn,
} from "./program-summary";

// The JSON of GET /apps/loyalty/status (extensions/loyalty-widget/PROXY_CONTRACT.md), built
// from plain rows so the rules stay testable without a database.

export interface StatusMemberRow {
  status: "active" | "excluded" | "notEnrolled" | "deleted";
  availablePoints: number;
  pendingPoints: number;
  tierId: string | null;
  tierValue: number;
  /** Month and day the member gave (POST /birthday); both null until then. */
  birthdayMonth: number | null;
  birthdayDay: number | null;
}

export interface StatusActivityRow {
  key: string;
  kind: LedgerKind;
  points: number;
  bucket: "available" | "pending";
  occurredAt: Date;
  orderName: string | null;
}

export interface MemberStatusInput {
  currency: string;
  program: Program;
  /** Null when the program has never seen this customer. */
  member: StatusMemberRow | null;
  activity: readonly StatusActivityRow[];
  /** Redemptions that still count against a per-member limit, by reward id. */
  redemptionsByReward: ReadonlyMap<string, number>;
  now: Date;
}

export interface StatusTier {
  basis: Program["tiers"]["basis"];
  current: { id: string; name: string; perkPercent: number; freeShipping: boolean } | null;
  next: { id: string; name: string; threshold: number } | null;
  value: number;
  remaining: number;
  fraction: number;
}

export interface StatusReward extends RewardConditions {
  id: string;
  name: string;
  pointsCost: number;
  value: RewardValue;
  minimumSubtotal: Money | null;
  available: boolean;
  affordable: boolean;
  shortBy: number;
}

export interface StatusActivity {
  id: string;
  kind: LedgerKind;
  points: number;
  bucket: "available" | "pending";
  occurredAt: string;
  orderName?: string;
}

export type MemberStatus =
  | {
      member: true;
      currency: string;
      balance: { available: number; pending: number };
      tier: StatusTier | null;
      rewards: StatusReward[];
      nextReward: NextReward | null;
      earn: WaysToEarn;
      copy: WidgetCopy;
      activity: StatusActivity[];
      birthday: { month: number; day: number } | null;
    }
  | { member: false; reason: "notEnrolled" | "excluded" | "noProgram"; currency: string };

export const ACTIVITY_LIMIT = 10;

export function memberStatus(input: MemberStatusInput): MemberStatus {
  const { member, program, currency, now } = input;
  if (!member || member.status === "notEnrolled") return { member: false, reason: "notEnrolled", currency };
  if (member.status !== "active") return { member: false, reason: "excluded", currency };
  const available = member.availablePoints;
  const rewards = program.rewards.map((reward): StatusReward => {
    const decision = canRedeem({ available, eligible: true }, reward, program, now, {
      redemptionsOfReward: input.redemptionsByReward.get(reward.id) ?? 0,
    });
    return {
      id: reward.id,
      name: reward.name,
      pointsCost: reward.pointsCost,
      value: reward.value,
      ...rewardConditions(reward),
      available: isRewardAvailable(reward, now),
      affordable: decision.ok,
      shortBy: Math.max(0, reward.pointsCost - available),
    };
  });
  return {
    member: true,
    currency,
    balance: { available, pending: member.pendingPoints },
    tier: statusTier(program, member),
    rewards,
    nextReward: nextReward(rewards, available),
    earn: waysToEarn(program, now),
    copy: program.widgetCopy,
    activity: input.activity
      .filter((entry) => entry.kind !== "release")
      .slice(0, ACTIVITY_LIMIT)
      .map((entry) => ({
        id: entry.key,
        kind: entry.kind,
        points: entry.points,
        bucket: entry.bucket,
        occurredAt: entry.occurredAt.toISOString(),
        ...(entry.orderName ? { orderName: entry.orderName } : {}),
      })),
    birthday:
      member.birthdayMonth != null && member.birthdayDay != null
        ? { month: member.birthdayMonth, day: member.birthdayDay }
        : null,
  };
}

function statusTier(program: Program, member: StatusMemberRow): StatusTier | null {
  const levels = program.tiers.levels;
  if (levels.length === 0) return null;
  const current = levels.find((l) => l.id === member.tierId) ?? null;
  const progress = progressToNext(member.tierValue, levels);
  const next = levels.find((l) => l.id === progress.nextTierId) ?? null;
  return {
    basis: program.tiers.basis,
    current: current && {
      id: current.id,
      name: current.name,
      perkPercent: current.benefits.perkPercent,
      freeShipping: current.benefits.freeShipping,
    },
    next: next && { id: next.id, name: next.name, threshold: next.threshold },
    value: member.tierValue,
    remaining: progress.remaining,
    fraction: progress.fraction,
  };
}
