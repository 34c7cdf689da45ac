import type { Program } from "~/loyalty/program";
import { formatDay, formatTierValue } from "./present";

// Why a member holds their tier, in the merchant's words: the qualifying value and what it
// counts, the window it is counted over, the threshold it cleared, what the next tier
// needs, and the grace period (whether it is running now).

const WINDOW_WORDS: Record<Program["tiers"]["window"], { within: string; rule: string }> = {
  lifetime: { within: "since they joined", rule: "Counted over the member's whole history." },
  rolling12m: {
    within: "in the last 12 months",
    rule: "Counted over a rolling 12 months: activity older than a year stops counting.",
  },
  calendarYear: {
    within: "this calendar year",
    rule: "Counted per calendar year: it starts again every January 1.",
  },
};

const BASIS_WORDS: Record<Program["tiers"]["basis"], string> = {
  spend: "spent",
  points: "earned",
  orders: "placed",
};

export interface TierMember {
  tierId: string | null;
  tierValue: number;
  nextTierId: string | null;
  tierRemaining: number;
  tierBelowSince: string | null;
  tierEvaluatedAt: string | null;
}

export function tierReasonLines(
  member: TierMember,
  program: Pick<Program, "tiers" | "currency">,
  timeZone: string | null,
): string[] {
  const { levels, window, basis, downgradeGraceDays } = program.tiers;
  if (levels.length === 0) return ["The program has no tiers."];
  const value = (n: number) => formatTierValue(n, program);
  const words = WINDOW_WORDS[window];
  const tier = levels.find((l) => l.id === member.tierId);
  const next = levels.find((l) => l.id === member.nextTierId);
  const lines = [`Qualifying value: ${value(member.tierValue)} ${BASIS_WORDS[basis]} ${words.within}.`];
  if (tier) {
    lines.push(
      member.tierValue >= tier.threshold
        ? `${tier.name} starts at ${value(tier.threshold)}, so they qualify.`
        : `${tier.name} starts at ${value(tier.threshold)}; they are below it and keep ${tier.name} through the grace period.`,
    );
  } else if (levels[0]) {
    lines.push(`The first tier, ${levels[0].name}, starts at ${value(levels[0].threshold)}.`);
  }
  lines.push(
    next
      ? `Next: ${next.name} at ${value(next.threshold)}, ${value(member.tierRemaining)} to go.`
      : "Top tier reached.",
  );
  lines.push(words.rule);
  if (member.tierBelowSince && tier) {
    const since = new Date(member.tierBelowSince);
    const until = new Date(since.getTime() + downgradeGraceDays * 86_400_000).toISOString();
    lines.push(
      `Grace: below ${tier.name}'s threshold since ${formatDay(member.tierBelowSince, timeZone)}; moves down on ${formatDay(until, timeZone)} unless they qualify again (${downgradeGraceDays}-day grace).`,
    );
  } else if (tier) {
    lines.push(
      downgradeGraceDays > 0
        ? `Grace: if the value drops below ${value(tier.threshold)}, they keep ${tier.name} for ${downgradeGraceDays} days before moving down.`
        : "No grace period: a member below the threshold moves down at the next evaluation.",
    );
  }
  if (member.tierEvaluatedAt) lines.push(`Last evaluated ${formatDay(member.tierEvaluatedAt, timeZone)}.`);
  return lines;
}
