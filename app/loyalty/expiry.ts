import { dedupeEntries, type LedgerEntry } from "./ledger";
import { inactivityExpiryKey, lotExpiryKey } from "./ledger-keys";
import { availableLots } from "./ledger-lots";
import type { ExpiryConfig } from "./program";

export interface MemberRef {
  shop: string;
  customerId: string;
}

/** An expiry entry to append: it is dated when the points expired, even if the job runs late. */
export interface DueExpiry {
  key: string;
  points: number;
  occurredAt: Date;
  lotKey: string | null;
}

export interface UpcomingExpiry {
  expiresAt: Date;
  points: number;
}

export interface ExpiryNotice extends UpcomingExpiry {
  key: string;
  notifyAt: Date;
}

const DAY_MS = 86_400_000;
const addDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);

/** Earning and redeeming keep points alive; automatic bonuses and staff adjustments do not. */
function activityInstants(entries: readonly LedgerEntry[], now: Date): number[] {
  const times = entries
    .filter((e) => (e.kind === "earn" || e.kind === "redeem") && e.occurredAt.getTime() <= now.getTime())
    .map((e) => e.occurredAt.getTime());
  return [...new Set(times)].sort((a, b) => a - b);
}

function expiryEntry(key: string, points: number, at: Date, lotKey: string | null): LedgerEntry {
  return {
    key,
    kind: "expiry",
    points: -points,
    bucket: "available",
    occurredAt: at,
    lotKey,
    programVersion: 0,
  };
}

/**
 * Expiries that should exist at `now` and are not yet in the ledger. Time is replayed in
 * order, so a job that runs late still expires exactly what had expired at each instant:
 * a later purchase does not rescue points that already lapsed, and points spent after
 * their expiry instant cannot be spent twice.
 */
export function dueExpiries(
  ledger: readonly LedgerEntry[],
  expiry: ExpiryConfig,
  member: MemberRef,
  now: Date,
): DueExpiry[] {
  if (expiry.policy === "none") return [];
  const entries = [...dedupeEntries(ledger).entries];
  const existing = new Set(entries.map((e) => e.key));
  const due: DueExpiry[] = [];
  const record = (key: string, points: number, at: Date, lotKey: string | null) => {
    if (existing.has(key) || points <= 0) return;
    entries.push(expiryEntry(key, points, at, lotKey));
    existing.add(key);
    due.push({ key, points, occurredAt: at, lotKey });
  };

  if (expiry.policy === "inactivity") {
    const activity = activityInstants(entries, now);
    activity.forEach((t, i) => {
      const lapse = t + expiry.days * DAY_MS;
      const nextActivity = activity[i + 1] ?? Infinity;
      if (lapse > now.getTime() || lapse > nextActivity) return;
      const at = new Date(lapse);
      const { lots, deficit } = availableLots(entries, at);
      record(
        inactivityExpiryKey(member.shop, member.customerId, new Date(t)),
        lots.reduce((s, l) => s + l.remaining, 0) - deficit,
        at,
        null,
      );
    });
    return due;
  }

  // Fixed age: each lot lapses `days` after it became available; replay lapses in order.
  const lapses = creditLots(entries);
  for (const lot of lapses
    .map((l) => ({ ...l, at: addDays(l.since, expiry.days) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.lotKey.localeCompare(b.lotKey))) {
    if (lot.at.getTime() > now.getTime()) break;
    const remaining =
      availableLots(entries, lot.at).lots.find((l) => l.lotKey === lot.lotKey)?.remaining ?? 0;
    record(lotExpiryKey(member.shop, member.customerId, lot.lotKey), remaining, lot.at, lot.lotKey);
  }
  return due;
}

/** Every credit that forms an available lot, with the instant it became spendable. */
function creditLots(entries: readonly LedgerEntry[]): { lotKey: string; since: Date }[] {
  return entries
    .filter(
      (e) => e.points > 0 && (e.kind === "release" || (e.bucket === "available" && e.kind !== "expiry")),
    )
    .map((e) => ({ lotKey: e.kind === "release" && e.lotKey ? e.lotKey : e.key, since: e.occurredAt }));
}

/** What will expire and when, for the member page ("500 points expire on 1 June"), assuming nothing changes. */
export function upcomingExpiries(
  ledger: readonly LedgerEntry[],
  expiry: ExpiryConfig,
  now: Date,
): UpcomingExpiry[] {
  if (expiry.policy === "none") return [];
  const { lots, deficit } = availableLots(ledger, now);
  if (expiry.policy === "inactivity") {
    const last = activityInstants(dedupeEntries(ledger).entries, now).at(-1);
    const points = lots.reduce((s, l) => s + l.remaining, 0) - deficit;
    return last === undefined || points <= 0
      ? []
      : [{ expiresAt: new Date(last + expiry.days * DAY_MS), points }];
  }
  const byInstant = new Map<number, number>();
  for (const lot of lots) {
    const at = addDays(lot.availableSince, expiry.days).getTime();
    byInstant.set(at, (byInstant.get(at) ?? 0) + lot.remaining);
  }
  return [...byInstant]
    .sort(([a], [b]) => a - b)
    .map(([at, points]) => ({ expiresAt: new Date(at), points }));
}

/**
 * Advance notices due at `now`: one per expiry date (UTC day) inside the notice window, so
 * a member with ten orders gets one reminder, not ten. The key makes each send idempotent.
 */
export function expiryNotices(
  ledger: readonly LedgerEntry[],
  expiry: ExpiryConfig,
  member: MemberRef,
  now: Date,
): ExpiryNotice[] {
  if (expiry.policy === "none") return [];
  const byDay = new Map<string, UpcomingExpiry>();
  for (const u of upcomingExpiries(ledger, expiry, now)) {
    if (
      u.expiresAt.getTime() <= now.getTime() ||
      addDays(u.expiresAt, -expiry.noticeDays).getTime() > now.getTime()
    )
      continue;
    const day = u.expiresAt.toISOString().slice(0, 10);
    const seen = byDay.get(day);
    byDay.set(day, {
      expiresAt: seen && seen.expiresAt < u.expiresAt ? seen.expiresAt : u.expiresAt,
      points: (seen?.points ?? 0) + u.points,
    });
  }
  return [...byDay].map(([day, u]) => ({
    ...u,
    notifyAt: addDays(u.expiresAt, -expiry.noticeDays),
    key: `${member.shop}:customer:${member.customerId}:expiry-notice:${day}`,
  }));
}
