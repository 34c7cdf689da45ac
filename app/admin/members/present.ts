import { minorUnitsPerMajor } from "~/loyalty/money";
import type { Program } from "~/loyalty/program";
import { progressToNext } from "~/loyalty/tiers";

// Pure presentation for the members pages: plain words for ledger kinds and statuses,
// points and money in the admin's locale, and tier progress in the tier basis's unit.

const LEDGER_KIND_WORDS: Record<string, string> = {
  earn: "Earned on an order",
  bonus: "Bonus",
  release: "Became spendable",
  redeem: "Spent on a reward",
  redemptionReturn: "Reward points returned",
  refundReversal: "Taken back for a refund",
  cancellationReversal: "Taken back for a cancellation",
  expiry: "Expired",
  adjustment: "Adjusted by staff",
  correction: "Corrected for a late order",
  migration: "Brought from another loyalty app",
};

export const ledgerKindLabel = (kind: string) => LEDGER_KIND_WORDS[kind] ?? kind;

/**
 * Why a correction was written, from its details (app/loyalty/placement.ts): the tier the
 * order earns under once an earlier order arrived, or the first-order bonus moving away.
 */
export function correctionNote(
  details: unknown,
  tiers: readonly { id: string; name: string }[],
): string | null {
  if (!details || typeof details !== "object") return null;
  const d = details as { tierId?: unknown; movedTo?: unknown };
  if (d.movedTo !== undefined) return "First-order bonus moved to an order placed earlier";
  if (d.tierId === undefined) return null;
  if (d.tierId === null) return "Earns without a tier: no tier was reached before it was placed";
  const name = tiers.find((t) => t.id === d.tierId)?.name ?? String(d.tierId);
  return `Earns at ${name}, the tier held when it was placed`;
}

/** Where a migrated balance came from (app/migration): the app, the file and its row. */
export function migrationNote(details: unknown): string | null {
  if (!details || typeof details !== "object") return null;
  const d = details as {
    sourceName?: unknown;
    fileName?: unknown;
    line?: unknown;
    importedBalance?: unknown;
  };
  if (typeof d.sourceName !== "string" || typeof d.fileName !== "string") return null;
  const balance =
    typeof d.importedBalance === "number" ? `, balance ${integer.format(d.importedBalance)}` : "";
  return `${d.sourceName}: ${d.fileName}, row ${String(d.line)}${balance}`;
}

export const MEMBER_STATUS_LABELS: Record<
  string,
  { label: string; tone?: "success" | "attention" | "critical" }
> = {
  active: { label: "Active", tone: "success" },
  excluded: { label: "Excluded", tone: "attention" },
  notEnrolled: { label: "Not enrolled" },
  deleted: { label: "Deleted", tone: "critical" },
};

export const REDEMPTION_STATUS_LABELS: Record<
  string,
  { label: string; tone?: "success" | "info" | "critical" | "attention" }
> = {
  pending: { label: "Creating code", tone: "attention" },
  issued: { label: "Ready to use", tone: "info" },
  used: { label: "Used", tone: "success" },
  expired: { label: "Expired" },
  failed: { label: "Failed, points returned", tone: "critical" },
};

const integer = new Intl.NumberFormat("en-US");

export function formatPoints(points: number, options: { signed?: boolean } = {}): string {
  const sign = options.signed && points > 0 ? "+" : "";
  return `${sign}${integer.format(points)} ${Math.abs(points) === 1 ? "point" : "points"}`;
}

export function formatMoney(amountMinor: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(
    amountMinor / minorUnitsPerMajor(currency),
  );
}

export function formatDay(iso: string | null, timeZone?: string | null): string {
  if (!iso) return "—";
  try {
    return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: timeZone ?? "UTC" }).format(
      new Date(iso),
    );
  } catch {
    return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
  }
}

/** A value in the tier basis's own unit: money for spend, points, or a count of orders. */
export function formatTierValue(value: number, program: Pick<Program, "tiers" | "currency">): string {
  if (program.tiers.basis === "spend") return formatMoney(value, program.currency);
  if (program.tiers.basis === "orders") return `${integer.format(value)} ${value === 1 ? "order" : "orders"}`;
  return formatPoints(value);
}

export interface TierProgressView {
  tierName: string;
  nextTierName: string | null;
  /** 0–100 for a ProgressBar. */
  percent: number;
  text: string;
}

export function tierProgressView(
  tierId: string | null,
  value: number,
  program: Pick<Program, "tiers" | "currency">,
): TierProgressView {
  const levels = program.tiers.levels;
  const tierName = levels.find((l) => l.id === tierId)?.name ?? (levels.length ? "No tier yet" : "No tiers");
  const progress = progressToNext(value, levels);
  // A member can hold a tier above what their value qualifies for (the downgrade grace, a
  // tier brought from another app): the next tier is the one above the tier held.
  const heldRank = levels.findIndex((l) => l.id === tierId);
  const qualifiedNext = levels.findIndex((l) => l.id === progress.nextTierId);
  const next = qualifiedNext > heldRank ? levels[qualifiedNext] : levels[heldRank + 1];
  if (progress.reason === "noTiers")
    return { tierName, nextTierName: null, percent: 0, text: "The program has no tiers." };
  if (!next) return { tierName, nextTierName: null, percent: 100, text: "Top tier reached." };
  const remaining = Math.max(0, next.threshold - value);
  const percent = next.threshold > 0 ? Math.min(100, Math.round((100 * value) / next.threshold)) : 100;
  return {
    tierName,
    nextTierName: next.name,
    percent,
    text: `${formatTierValue(remaining, program)} more to ${next.name} (${formatTierValue(value, program)} of ${formatTierValue(next.threshold, program)}).`,
  };
}

/**
 * "1,234 members" when counted; "about 1.0M members" when the list estimated its total
 * (too many members match to count them for every page, ADR 0052).
 */
export function formatMemberCount(total: number, estimated: boolean): string {
  const noun = total === 1 ? "member" : "members";
  if (!estimated) return `${total.toLocaleString("en-US")} ${noun}`;
  const rounded = new Intl.NumberFormat("en-US", {
    notation: "compact",
    minimumSignificantDigits: 2,
    maximumSignificantDigits: 2,
  }).format(total);
  return `about ${rounded} ${noun}`;
}
