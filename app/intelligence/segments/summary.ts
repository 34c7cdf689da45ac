// One shop's segmentation from its members' features: the per-member rows to store and the
// summary the Insights page shows. Pure; the service feeds it and writes the result.

import { clusterMembers, type Cluster } from "./clusters";
import type { MemberFeatures } from "./features";
import { personaOf } from "./persona";
import { scoreRfm, type RfmScores } from "./rfm";
import { segmentOf, SEGMENTS, type Segment } from "./segments";

/** Below this many buyers, quintiles split a handful of people: the page explains instead. */
export const MIN_RFM_BUYERS = 20;

export type MemberSegmentRow = {
  customerId: string;
  segment: Segment;
  scores: RfmScores;
  cluster: number | null;
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
};

export type SegmentCount = {
  segment: Segment;
  count: number;
  revenueMinor: number;
  previousCount: number | null;
};

/** Who wrote a cluster's persona: OpenAI (when configured and it answered) or the template. */
export type WrittenPersona = {
  by: "openai" | "template";
  name: string;
  description: string;
  /** A loyalty action suggested for the cluster (OpenAI only). */
  action: string | null;
};

export type ClusterSummary = Pick<Cluster, "index" | "size" | "means" | "z"> & {
  /** The templated title: the persona's key for saved segments (deterministic from the centroid). */
  title: string;
  /** The templated text. */
  persona: string;
  /** Absent on runs before personas were written by OpenAI. */
  written?: WrittenPersona;
};

export type SegmentSummary = {
  currency: string;
  memberCount: number;
  buyerCount: number;
  /** Set when the shop has too little history: why, and what is needed. */
  notEnoughData: { reason: string; needed: string } | null;
  notes: string[];
  segments: SegmentCount[];
  /** Member counts by recency score (rows, 1–5) and frequency score (columns, 1–5). */
  grid: number[][];
  clusters:
    | {
        ok: true;
        k: number;
        silhouette: number;
        silhouetteByK: { k: number; silhouette: number }[];
        clusters: ClusterSummary[];
      }
    | { ok: false; reason: string };
};

export function summariseSegments(
  members: readonly MemberFeatures[],
  currency: string,
  previous: Pick<SegmentSummary, "segments"> | null,
): { summary: SegmentSummary; rows: MemberSegmentRow[] } {
  const rfm = scoreRfm(members);
  const buyerCount = rfm.members.length;
  const grid = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const base = { currency, memberCount: members.length, buyerCount, notes: rfm.notes, grid };
  if (buyerCount < MIN_RFM_BUYERS) {
    return {
      summary: {
        ...base,
        notes: [],
        notEnoughData: {
          reason: `${buyerCount} of ${members.length} members have placed an order.`,
          needed: `Segments need at least ${MIN_RFM_BUYERS} members with an order; clusters need 40.`,
        },
        segments: [],
        clusters: { ok: false, reason: "Not enough members with an order yet." },
      },
      rows: [],
    };
  }
  const byId = new Map(members.map((m) => [m.customerId, m]));
  const clustering = clusterMembers(members);
  const clusterOf = new Map(clustering.ok ? clustering.labels.map((l) => [l.customerId, l.cluster]) : []);
  const rows = rfm.members.map(({ customerId, scores }) => {
    const f = byId.get(customerId)!;
    grid[scores.recency - 1]![scores.frequency - 1]! += 1;
    return {
      customerId,
      segment: segmentOf(scores),
      scores,
      cluster: clusterOf.get(customerId) ?? null,
      recencyDays: f.recencyDays!,
      frequency: f.frequency,
      monetaryMinor: f.monetaryMinor,
    };
  });
  const previousCounts = new Map(previous?.segments.map((s) => [s.segment, s.count]) ?? []);
  const segments = SEGMENTS.map((segment) => {
    const inSegment = rows.filter((r) => r.segment === segment);
    return {
      segment,
      count: inSegment.length,
      revenueMinor: inSegment.reduce((sum, r) => sum + r.monetaryMinor, 0),
      previousCount: previous ? (previousCounts.get(segment) ?? 0) : null,
    };
  });
  const clusters: SegmentSummary["clusters"] = clustering.ok
    ? {
        ok: true,
        k: clustering.k,
        silhouette: clustering.silhouette,
        silhouetteByK: clustering.silhouetteByK,
        clusters: clustering.clusters.map((c) => {
          const persona = personaOf(c, currency);
          return {
            index: c.index,
            size: c.size,
            means: c.means,
            z: c.z,
            title: persona.title,
            persona: persona.text,
            written: {
              by: "template" as const,
              name: persona.title,
              description: persona.text,
              action: null,
            },
          };
        }),
      }
    : clustering;
  return { summary: { ...base, notEnoughData: null, segments, clusters }, rows };
}
