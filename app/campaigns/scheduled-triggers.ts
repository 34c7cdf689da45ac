import { z } from "zod";
import type { TiersConfig } from "~/loyalty/program-tiers";
import { fallsBelowAt, nextEvaluationAt, type QualifyingEvent } from "~/loyalty/tiers";
import type { TriggerKind } from "./triggers";

// The rules of the triggers decided from a member's state rather than from one event:
// birthday, tier downgrade warning, win-back and "almost there". The scheduled scan
// (scheduled-scan.server.ts) narrows the members in SQL and asks these for the decision and
// the occurrence key, which makes each fire exactly once: (campaign, member, occurrence) is
// unique on CampaignSend.

const DAY_MS = 86_400_000;

/** Each trigger's own settings, stored on the campaign (`triggerSettings`). */
export const triggerSettingsSchemas = {
  tierDowngradeWarning: z.object({
    daysBefore: z
      .int({ error: "Whole days." })
      .min(1, { error: "From 1 to 90 days." })
      .max(90, { error: "From 1 to 90 days." })
      .default(14),
  }),
  winBack: z.object({
    cooldownDays: z
      .int({ error: "Whole days." })
      .min(7, { error: "From 7 to 365 days." })
      .max(365, { error: "From 7 to 365 days." })
      .default(90),
  }),
  almostThere: z.object({
    rewardPercent: z
      .int({ error: "A whole percent." })
      .min(50, { error: "From 50% to 99%." })
      .max(99, { error: "From 50% to 99%." })
      .default(80),
    /** In the tier basis' units: minor currency units for spend, points, or orders; null: rewards only. */
    tierWithin: z
      .int({ error: "A whole amount." })
      .min(1, { error: "More than 0." })
      .nullable()
      .default(null),
  }),
} as const;

export type TriggerSettings = {
  tierDowngradeWarning: z.output<(typeof triggerSettingsSchemas)["tierDowngradeWarning"]>;
  winBack: z.output<(typeof triggerSettingsSchemas)["winBack"]>;
  almostThere: z.output<(typeof triggerSettingsSchemas)["almostThere"]>;
};

/** A trigger's stored settings with defaults filled in (damaged or missing ones read as the defaults). */
export function readTriggerSettings<T extends keyof TriggerSettings>(
  trigger: T,
  json: unknown,
): TriggerSettings[T] {
  const schema = triggerSettingsSchemas[trigger];
  const parsed = schema.safeParse(json ?? {});
  return (parsed.success ? parsed.data : schema.parse({})) as TriggerSettings[T];
}

export const hasSettings = (trigger: TriggerKind): trigger is keyof TriggerSettings =>
  trigger in triggerSettingsSchemas;

export type LocalDate = { year: number; month: number; day: number };

/** The calendar date at `now` in `timeZone` (the shop's). */
export function localDate(now: Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: part("year"), month: part("month"), day: part("day") };
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The (month, day) birthdays celebrated on `today`: 29 February is kept on 28 February in common years. */
export function birthdaysOn(today: LocalDate): { month: number; days: number[] } {
  const days = [today.day];
  if (today.month === 2 && today.day === 28 && !isLeap(today.year)) days.push(29);
  return { month: today.month, days };
}

/** Once a year, on the shop-local date. */
export const birthdayOccurrence = (today: LocalDate) => `birthday:${today.year}`;

export type GraceState = { tierId: string | null; tierBelowSince: Date | null };

/**
 * When a member in a downgrade grace period drops: at the first scheduled tier evaluation
 * once the grace has run out (tiers.ts evaluateTier; scheduled.server.ts evaluates on the
 * program's schedule). Null when the member is not below their tier.
 */
export function tierDropAt(member: GraceState, tiers: TiersConfig): Date | null {
  if (!member.tierId || !member.tierBelowSince || !tiers.levels.some((l) => l.id === member.tierId))
    return null;
  const graceEnds = member.tierBelowSince.getTime() + tiers.downgradeGraceDays * DAY_MS;
  return nextEvaluationAt(tiers.reevaluation, new Date(graceEnds - 1));
}

/**
 * The downgrade warning: `daysBefore` days before the drop, once per grace period (a member
 * who requalifies and falls below again starts a new period with a new `tierBelowSince`).
 */
export function downgradeWarning(
  member: GraceState,
  tiers: TiersConfig,
  daysBefore: number,
  now: Date,
): { occurrence: string; dropAt: Date } | null {
  const dropAt = tierDropAt(member, tiers);
  if (!dropAt) return null;
  const t = now.getTime();
  if (t >= dropAt.getTime() || t < dropAt.getTime() - daysBefore * DAY_MS) return null;
  return { occurrence: `tier-downgrade:${member.tierId}:${member.tierBelowSince!.toISOString()}`, dropAt };
}

/**
 * The downgrade warning ahead of the grace period, for a program with a rolling window: a
 * member who still qualifies but whose orders (or points) leave the window so that, with no
 * new activity, they fall below their tier and drop within `daysBefore` days. The occurrence
 * is the one the grace period will have (its `tierBelowSince` is that fall), so a member
 * warned ahead is not warned again once in grace.
 */
export function predictedDowngradeWarning(
  member: { tierId: string | null; floor?: { tierId: string; until: Date } | null },
  history: readonly QualifyingEvent[],
  tiers: TiersConfig,
  daysBefore: number,
  now: Date,
): { occurrence: string; dropAt: Date } | null {
  if (tiers.window !== "rolling12m" || !member.tierId) return null;
  const until = new Date(now.getTime() + daysBefore * DAY_MS);
  const below = fallsBelowAt(history, tiers, now, until, {
    tierId: member.tierId,
    belowSince: null,
    floor: member.floor ?? null,
  });
  return below
    ? downgradeWarning({ tierId: member.tierId, tierBelowSince: below }, tiers, daysBefore, now)
    : null;
}

/** What a tier needs kept: the current tier's threshold less what the member has in the window. */
export function amountToKeepTier(
  tierId: string | null,
  tierValue: number,
  tiers: TiersConfig,
): number | null {
  const level = tiers.levels.find((l) => l.id === tierId);
  return level ? Math.max(0, level.threshold - tierValue) : null;
}

export type ReachState = {
  availablePoints: number;
  /** Points ever spent on rewards: a redemption starts a new crossing of the same reward. */
  redeemedPoints: number;
  nextTierId: string | null;
  tierRemaining: number;
};

type RewardLike = { id: string; pointsCost: number };

/**
 * "Almost there": the balance reached `rewardPercent`% of the cheapest reward the member cannot
 * afford yet, or the next tier is within `tierWithin` (basis units). One occurrence per reward
 * per redemption level, and per next tier (per year for a calendar-year window).
 */
export function almostThere(
  member: ReachState,
  rewards: readonly RewardLike[],
  tiers: TiersConfig,
  settings: TriggerSettings["almostThere"],
  now: Date,
): { occurrence: string } | null {
  const next = [...rewards]
    .sort((a, b) => a.pointsCost - b.pointsCost || a.id.localeCompare(b.id))
    .find((r) => r.pointsCost > member.availablePoints);
  if (next && member.availablePoints * 100 >= next.pointsCost * settings.rewardPercent)
    return { occurrence: `almost-reward:${next.id}:${member.redeemedPoints}` };
  if (
    settings.tierWithin !== null &&
    member.nextTierId &&
    tiers.levels.some((l) => l.id === member.nextTierId) &&
    member.tierRemaining > 0 &&
    member.tierRemaining <= settings.tierWithin
  ) {
    const period = tiers.window === "calendarYear" ? `:${now.getUTCFullYear()}` : "";
    return { occurrence: `almost-tier:${member.nextTierId}${period}` };
  }
  return null;
}

/** Win-back: once per churn run that flags the member, and the scan skips anyone messaged within the cool-down. */
export const winBackOccurrence = (churnRunId: string) => `win-back:${churnRunId}`;
