import { formatMoney } from "~/admin/members/present";
import { SEGMENT_LABELS, type Segment } from "~/intelligence/segments/segments";
import type { SegmentSummary } from "~/intelligence/segments/summary";

// What the segments page shows, from the stored summary: labels, money in the shop's
// currency, trends as signed changes, the run's time in the shop's time zone.

export type SegmentRowView = {
  segment: Segment;
  label: string;
  count: number;
  share: string;
  revenue: string;
  /** "+12", "−3", "no change", or null on the first computation. */
  trend: string | null;
  trendTone: "success" | "critical" | null;
};

/** Segments whose growth is good news (the rest are better shrinking). */
const HEALTHY: ReadonlySet<Segment> = new Set([
  "champions",
  "loyal",
  "potential_loyalists",
  "new",
  "promising",
]);

const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

export function segmentRows(summary: SegmentSummary): SegmentRowView[] {
  return summary.segments.map((s) => {
    const delta = s.previousCount === null ? null : s.count - s.previousCount;
    const good = delta !== null && delta !== 0 && delta > 0 === HEALTHY.has(s.segment);
    return {
      segment: s.segment,
      label: SEGMENT_LABELS[s.segment],
      count: s.count,
      share: percent.format(summary.buyerCount ? s.count / summary.buyerCount : 0),
      revenue: formatMoney(s.revenueMinor, summary.currency),
      trend: delta === null ? null : delta === 0 ? "no change" : `${delta > 0 ? "+" : "−"}${Math.abs(delta)}`,
      trendTone: delta === null || delta === 0 ? null : good ? "success" : "critical",
    };
  });
}

export function formatComputedAt(at: Date | string | null, timeZone: string | null): string | null {
  if (!at) return null;
  const date = typeof at === "string" ? new Date(at) : at;
  try {
    return new Intl.DateTimeFormat("en-US", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: timeZone ?? "UTC",
    }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-US", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(date);
  }
}

/**
 * The builder's persona condition: the latest run's personas by their key (the templated
 * title, stable across runs), labelled with the name OpenAI gave them when it wrote them.
 */
export function personaChoices(summary: SegmentSummary): { value: string; label: string }[] {
  if (summary.notEnoughData || !summary.clusters.ok) return [];
  const seen = new Map<string, string>();
  for (const c of summary.clusters.clusters) {
    const written = c.written?.by === "openai" ? c.written.name : null;
    if (!seen.has(c.title)) seen.set(c.title, written ? `${written} (${c.title})` : c.title);
  }
  return [...seen].map(([value, label]) => ({ value, label }));
}
