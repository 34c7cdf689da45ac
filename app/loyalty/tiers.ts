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
  /**
   * A tier carried over from another loyalty app (app/migration): held at least until
   * `until`, whatever the history here qualifies for. Afterwards the history decides.
   */
  floor?: { tierId: string; until: Date } | null;
}

/** The tier a member brought from another loyalty app, while it holds (Member.migratedTierId/Until). */
export function migratedFloor(member: {
  migratedTierId: string | null;
  migratedTierUntil: Date | null;
}): { tierId: string; until: Date } | null {
  return member.migratedTierId && member.migratedTierUntil
    ? { tierId: member.migratedTierId, until: member.migratedTierUntil }
    : null;
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

/** Instants in (from, to] where the qualifying value can change: events entering, leaving the window, a year starting. */
function changeInstants(
  history: readonly QualifyingEvent[],
  tiers: TiersConfig,
  from: number,
  to: number,
): number[] {
  const out = new Set<number>();
  const add = (t: number) => {
    if (t > from && t <= to) out.add(t);
  };
  for (const e of history) {
    add(e.at.getTime());
    if (tiers.window === "rolling12m") {
      const leaves = new Date(e.at);
      leaves.setUTCFullYear(leaves.getUTCFullYear() + 1);
      add(leaves.getTime());
    }
  }
  if (tiers.window === "calendarYear")
    for (let y = new Date(from).getUTCFullYear() + 1; y <= new Date(to).getUTCFullYear(); y++)
      add(Date.UTC(y, 0, 1));
  return [...out].sort((a, b) => a - b);
}

/**
 * The member's tier standing at `at`, from their history alone (as balances come from the
 * ledger alone), so it is the same whatever order deliveries were processed in:
 *
 * - the tier is the highest one qualified for at any instant of the downgrade grace
 *   period up to `at` (what `tierHeldAt` gives an order placed then, events at `at` included);
 * - `belowSince` is the instant the value last fell below that tier's threshold (a
 *   refund's or cancellation's date, an order leaving the window, a new year), null while
 *   the member qualifies; the grace ends `downgradeGraceDays` after it, always after `at`.
 *
 * `previous` (the cached standing) only labels the change for the tierChanged event.
 */
export function tierStanding(
  history: readonly QualifyingEvent[],
  tiers: TiersConfig,
  at: Date,
  previous: TierStanding = { tierId: null, belowSince: null },
): TierEvaluation {
  const levels = tiers.levels;
  const t = at.getTime();
  const value = qualifyingValue(history, tiers, at);
  const progress = progressToNext(value, levels);
  const rankAt = (instant: number) => {
    const v = qualifyingValue(history, tiers, new Date(instant));
    return levels.findLastIndex((l) => l.threshold <= v);
  };
  const qualifiedRank = levels.findLastIndex((l) => l.threshold <= value);
  const qualifiedTierId = levels[qualifiedRank]?.id ?? null;
  const from = t - tiers.downgradeGraceDays * DAY_MS;
  const instants = [from, ...changeInstants(history, tiers, from, t)];
  const ranks = instants.map(rankAt);
  const earnedRank = Math.max(-1, ...ranks);
  const floorRank =
    previous.floor && t < previous.floor.until.getTime() ? rankOf(levels, previous.floor.tierId) : -1;
  const heldRank = Math.max(earnedRank, floorRank);
  const tierId = levels[heldRank]?.id ?? null;
  let belowSince: Date | null = null;
  if (qualifiedRank < heldRank && floorRank < heldRank) {
    // The value is constant between change instants: it fell below after the last instant it held the tier.
    const last = ranks.findLastIndex((r) => r >= heldRank);
    belowSince = new Date(instants[last + 1]!);
  }
  const previousRank = rankOf(levels, previous.tierId);
  const change: TierEvaluation["change"] =
    previous.tierId !== null && previousRank === -1
      ? "reassigned"
      : heldRank > previousRank
        ? "upgrade"
        : heldRank < previousRank
          ? "downgrade"
          : belowSince === null
            ? "unchanged"
            : previous.belowSince
              ? "inGrace"
              : "graceStarted";
  return {
    tierId,
    belowSince,
    qualifiedTierId,
    change,
    graceEndsAt: belowSince && new Date(belowSince.getTime() + tiers.downgradeGraceDays * DAY_MS),
    value,
    progress,
  };
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

/**
 * With no new activity, when the member's value falls below the tier they hold at `now`: the
 * `belowSince` `tierStanding` will record then (an order leaving a rolling window, a refund
 * already counted, a new calendar year), looked for up to `until`. The member's own fall when
 * it has happened already; null while the tier holds through `until`. A program without a
 * grace period drops the member at the instant itself, which is returned then.
 */
export function fallsBelowAt(
  history: readonly QualifyingEvent[],
  tiers: TiersConfig,
  now: Date,
  until: Date,
  previous: TierStanding = { tierId: null, belowSince: null },
): Date | null {
  const current = tierStanding(history, tiers, now, previous);
  if (current.belowSince) return current.belowSince;
  if (current.tierId === null) return null;
  for (const t of changeInstants(history, tiers, now.getTime(), until.getTime())) {
    const later = tierStanding(history, tiers, new Date(t), { ...previous, tierId: current.tierId });
    if (later.belowSince) return later.belowSince;
    if (later.tierId !== current.tierId) return new Date(t);
  }
  return null;
}
