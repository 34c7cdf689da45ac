import { formatDateTime } from "~/admin/components/time";
import { storedBandit } from "~/experiments/bandit.server";
import { BANDIT_CONTEXT_LABELS, contextLabel, isBanditContext } from "~/experiments/contexts";
import type { SegmentArm } from "~/experiments/stats/bandit-contextual";
import { formatChance, formatMetricValue, METRIC_UNITS } from "./report-present";

// The contextual bandit's card on the report (ADR 0044): for each segment of the
// last update, its members, the arm most likely best there and how sure (P(best) of the
// segment's posterior, shrunk toward the overall order), that arm's estimate, and whether the
// segment has its own allocation or follows the overall one (and why). Pure: numbers become
// texts in the shop's currency and time zone.

export type SegmentRow = {
  key: string;
  segment: string;
  members: string;
  winner: string;
  chance: string;
  /** The best arm's share in the segment's allocation: "95% (own split)" or "Overall split". */
  allocation: string;
  /** Why a segment follows the overall split (null when it has its own). */
  why: string | null;
  /** How far the segment's estimates were pulled to the overall order (0–100%). */
  pooled: string;
};

export type SegmentsView = {
  context: string;
  updatedAt: string;
  rows: SegmentRow[];
  note: string;
};

type StoredSegment = {
  segment: string;
  effectiveFrom: Date;
  weights: unknown;
  members: number;
  posterior: unknown;
};

const percent = (x: number) => `${Math.round(x * 100)}%`;

export function presentSegments(input: {
  rows: readonly StoredSegment[];
  bandit: unknown;
  /** Variant keys in position order (the order the update stored the arms in) with their names. */
  variants: readonly { key: string; name: string }[];
  metric: { key: string; higherIsBetter: boolean };
  currency: string;
  timeZone: string | null;
  names: Readonly<Record<string, string>>;
}): SegmentsView | null {
  const settings = storedBandit(input.bandit);
  if (!isBanditContext(settings.context) || !input.rows.length) return null;
  const unit = METRIC_UNITS[input.metric.key] ?? "count";
  const rows = input.rows.map((r): SegmentRow => {
    const posterior = r.posterior as { allocated: boolean; reason: string; arms: SegmentArm[] };
    const best = posterior.arms.reduce(
      (b, a, i) => (a.probabilityBest > posterior.arms[b]!.probabilityBest ? i : b),
      0,
    );
    const arm = posterior.arms[best]!;
    const variant = input.variants[best]!;
    const weights = r.weights as { key: string; bps: number }[];
    const share = (weights.find((w) => w.key === variant.key)?.bps ?? 0) / 10_000;
    const meanShrinkage = posterior.arms.reduce((s, a) => s + a.shrinkage, 0) / posterior.arms.length;
    return {
      key: r.segment,
      segment: contextLabel(r.segment, input.names),
      members: r.members.toLocaleString("en-US"),
      winner: variant.name,
      chance: formatChance(arm.probabilityBest),
      allocation: posterior.allocated ? `${percent(share)} (own split)` : `${percent(share)} (overall split)`,
      why: posterior.allocated
        ? null
        : `${contextLabel(r.segment, input.names)} follows the overall split: ${posterior.reason}; its best arm there is estimated at ${formatMetricValue(arm.mean, unit, input.currency)}.`,
      pooled: percent(meanShrinkage),
    };
  });
  return {
    context: BANDIT_CONTEXT_LABELS[settings.context].label,
    updatedAt: formatDateTime(input.rows[0]!.effectiveFrom, input.timeZone),
    rows,
    note:
      "Each segment's estimates are its own data pulled toward the overall ranking of the arms, more so the fewer members it has " +
      "and the less the segments have been seen to differ (“Pulled to overall”), so a small segment does not chase noise. " +
      "Members keep the arm they were first given; a segment's allocation applies to its members not yet assigned.",
  };
}
