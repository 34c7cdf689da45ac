import type { TierLevel, TiersConfig } from "./program-tiers";

/**
 * One change to what counts toward tiers, signed: an order adds spend, points and 1 order;
 * its refund subtracts the refunded spend; its cancellation subtracts the order too.
 */
export interface QualifyingEvent {
  at: Date;
  spendMinor: number;
  points: number;
  orders: number;
}

export interface TierStanding {
  tierId: string | null;
  /** When the member first fell below their tier's threshold; null while they qualify. */
  belowSince: Date | null;
}

export interface TierProgress {
  nextTierId: string | null;
  /** Basis units still needed for the next tier (minor units, points or orders). */
  remaining: number;
  /** How far along, 0 to 1, from nothing to the next tier's threshold. */
  fraction: number;
  reason: "progressing" | "topTier" | "noTiers";
}

export interface TierEvaluation extends TierStanding {
  qualifiedTierId: string | null;
  change: "upgrade" | "downgrade" | "unchanged" | "graceStarted" | "inGrace" | "reassigned";
  graceEndsAt: Date | null;
  value: number;
  progress: TierProgress;
}

const DAY_MS = 86_400_000;

/** The first instant that counts toward tiers at `now` (UTC). */
export function windowStart(window: TiersConfig["window"], now: Date): Date | null {
  if (window === "lifetime") return null;
  if (window === "calendarYear") return new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
  const start = new Date(now);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return start;
}

/** The member's total in the tier basis over the window; refunds can pull it down but never below 0. */
export function qualifyingValue(history: readonly QualifyingEvent[], tiers: TiersConfig, now: Date): number {
  const from = windowStart(tiers.window, now)?.getTime() ?? -Infinity;
  const field = tiers.basis === "spend" ? "spendMinor" : tiers.basis;
  let total = 0;
  for (const e of history) {
    const t = e.at.getTime();
    // rolling12m is (now − 12 months, now]; the others include their first instant.
    const inWindow = tiers.window === "rolling12m" ? t > from : t >= from;
    if (inWindow && t <= now.getTime()) total += e[field];
  }
  return Math.max(0, total);
}

function rankOf(levels: readonly TierLevel[], tierId: string | null): number {
  return tierId === null ? -1 : levels.findIndex((l) => l.id === tierId);
}

export function progressToNext(value: number, levels: readonly TierLevel[]): TierProgress {
  if (levels.length === 0) return { nextTierId: null, remaining: 0, fraction: 1, reason: "noTiers" };
  const next = levels.find((l) => l.threshold > value);
  if (!next) return { nextTierId: null, remaining: 0, fraction: 1, reason: "topTier" };
  return {
    nextTierId: next.id,
    remaining: next.threshold - value,
    fraction: Math.min(1, Math.max(0, value / next.threshold)),
    reason: "progressing",
  };
}

/** Upgrades take effect at once; a downgrade only once the member has stayed below for the grace period. */
export function evaluateTier(
  history: readonly QualifyingEvent[],
  standing: TierStanding,
  tiers: TiersConfig,
  now: Date,
): TierEvaluation {
  const levels = tiers.levels;
  const value = qualifyingValue(history, tiers, now);
  const qualified = levels.filter((l) => l.threshold <= value).at(-1) ?? null;
  const qualifiedTierId = qualified?.id ?? null;
  const progress = progressToNext(value, levels);
  const base = { qualifiedTierId, value, progress };
  const currentRank = rankOf(levels, standing.tierId);
  const qualifiedRank = rankOf(levels, qualifiedTierId);

  if (standing.tierId !== null && currentRank === -1) {
    // The merchant removed the member's tier: place them where they qualify now, no grace owed.
    return { ...base, tierId: qualifiedTierId, belowSince: null, graceEndsAt: null, change: "reassigned" };
  }
  if (qualifiedRank >= currentRank) {
    return {
      ...base,
      tierId: qualifiedTierId,
      belowSince: null,
      graceEndsAt: null,
      change: qualifiedRank > currentRank ? "upgrade" : "unchanged",
    };
  }
  const belowSince =
    standing.belowSince && standing.belowSince.getTime() <= now.getTime() ? standing.belowSince : now;
  const graceEndsAt = new Date(belowSince.getTime() + tiers.downgradeGraceDays * DAY_MS);
  if (now.getTime() >= graceEndsAt.getTime()) {
    return { ...base, tierId: qualifiedTierId, belowSince: null, graceEndsAt: null, change: "downgrade" };
  }
  return {
    ...base,
    tierId: standing.tierId,
    belowSince,
    graceEndsAt,
    change: standing.belowSince ? "inGrace" : "graceStarted",
  };
}

/**
 * The tier an order placed at `at` earns with: the highest tier the member qualified for
 * at any instant of the grace period before it, counting only what happened strictly
 * before `at`. It is what `evaluateTier` would hold with upgrades at once and downgrades
 * after the grace period, but it depends on the history alone, not on when deliveries
 * were processed, so out-of-order deliveries of the same history earn the same points.
 */
export function tierHeldAt(history: readonly QualifyingEvent[], tiers: TiersConfig, at: Date): string | null {
  const levels = tiers.levels;
  if (levels.length === 0) return null;
  const t = at.getTime();
  const prior = history.filter((e) => e.at.getTime() < t);
  const from = t - tiers.downgradeGraceDays * DAY_MS;
  // The value changes only where an event enters the total or leaves the rolling window
  // (a calendar year's reset never raises it), so its highest point in the period is at
  // its start or at one of those instants.
  const instants = [from, t];
  for (const e of prior) {
    const enters = e.at.getTime();
    instants.push(enters);
    if (tiers.window === "rolling12m") {
      const leaves = new Date(e.at);
      leaves.setUTCFullYear(leaves.getUTCFullYear() + 1);
      instants.push(leaves.getTime());
    }
  }
  let best = -1;
  for (const instant of instants) {
    if (instant < from || instant > t) continue;
    const value = qualifyingValue(prior, tiers, new Date(instant));
    best = Math.max(
      best,
      levels.findLastIndex((l) => l.threshold <= value),
    );
  }
  return best < 0 ? null : levels[best]!.id;
}

/** When the scheduled re-evaluation next runs (UTC midnight; weeks start on Monday). */
export function nextEvaluationAt(schedule: TiersConfig["reevaluation"], now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (schedule === "monthly") return new Date(Date.UTC(y, m + 1, 1));
  if (schedule === "weekly") return new Date(Date.UTC(y, m, d + ((8 - now.getUTCDay()) % 7 || 7)));
  return new Date(Date.UTC(y, m, d + 1));
}
