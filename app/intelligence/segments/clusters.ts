// Behavioural clusters: k-means (ml-kmeans, k-means++ initialisation, seeded) on
// standardised log features, k chosen by the mean silhouette over 2..8. Above FIT_SAMPLE
// buyers, the centroids are fitted on an evenly spaced sample of that many and every buyer
// then joins its nearest centroid (one pass): seven k-means runs over 100,000 buyers took
// most of a full scoring, and 10,000 points place six-dimensional centroids to well within
// the clusters' spread (ADR 0033-scoring-speed).

import { kmeans } from "ml-kmeans";

import type { MemberFeatures } from "./features";
import { pairwiseDistances, silhouetteFromDistances } from "./silhouette";

export const CLUSTER_FEATURES = [
  "recencyDays",
  "frequency",
  "monetaryMinor",
  "aovMinor",
  "tenureDays",
  "pointsBalance",
] as const;
export type ClusterFeature = (typeof CLUSTER_FEATURES)[number];

/** Fewer buyers than this and the clusters would describe individuals, not groups. */
export const MIN_CLUSTER_MEMBERS = 40;
/** Silhouette is O(n²): it is measured on an evenly spaced sample of at most this many. */
export const SILHOUETTE_SAMPLE = 1500;
/** k-means is fitted on at most this many buyers (evenly spaced); the rest join their nearest centroid. */
export const FIT_SAMPLE = 10_000;
export const K_RANGE = { min: 2, max: 8 } as const;
export const SEED = 20261206;

export type Cluster = {
  index: number;
  size: number;
  /** Mean of each feature over the cluster, in the feature's own units. */
  means: Record<ClusterFeature, number>;
  /** The centroid in standard units (how far above or below the shop's buyers). */
  z: Record<ClusterFeature, number>;
};

export type Clustering =
  | {
      ok: true;
      k: number;
      silhouette: number;
      silhouetteByK: { k: number; silhouette: number }[];
      clusters: Cluster[];
      labels: { customerId: string; cluster: number }[];
    }
  | { ok: false; reason: string };

/** Log of 1 + value (the features are counts, days and money: long right tails), then z-scores. */
export function standardise(rows: readonly number[][]): number[][] {
  const dims = rows[0]?.length ?? 0;
  const logged = rows.map((row) => row.map((v) => Math.log1p(Math.max(0, v))));
  const mean = new Array<number>(dims).fill(0);
  const sd = new Array<number>(dims).fill(0);
  for (const row of logged) row.forEach((v, d) => (mean[d]! += v / logged.length));
  for (const row of logged) row.forEach((v, d) => (sd[d]! += (v - mean[d]!) ** 2 / logged.length));
  // A constant feature carries no information: it becomes 0 rather than NaN (or rounding noise).
  const constant = sd.map((variance, d) => Math.sqrt(variance) <= 1e-12 * Math.max(1, Math.abs(mean[d]!)));
  return logged.map((row) => row.map((v, d) => (constant[d] ? 0 : (v - mean[d]!) / Math.sqrt(sd[d]!))));
}

function evenSample(n: number, size: number): number[] {
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: size }, (_, i) => Math.floor((i * n) / size));
}

/** Distinct rows, counted up to `cap` (the largest k needs no more). */
function distinctRows(rows: readonly number[][], cap: number): number {
  const seen = new Set<string>();
  for (const row of rows) if (seen.add(row.join(",")).size >= cap) break;
  return seen.size;
}

export function clusterMembers(members: readonly MemberFeatures[]): Clustering {
  const buyers = members.filter((m) => m.recencyDays !== null && m.frequency > 0);
  if (buyers.length < MIN_CLUSTER_MEMBERS)
    return {
      ok: false,
      reason: `Clusters need at least ${MIN_CLUSTER_MEMBERS} members with an order; this shop has ${buyers.length}.`,
    };
  const raw = buyers.map((m) => CLUSTER_FEATURES.map((f) => m[f] ?? 0));
  const data = standardise(raw);
  const maxK = Math.min(K_RANGE.max, distinctRows(data, K_RANGE.max + 1) - 1);
  if (maxK < K_RANGE.min)
    return { ok: false, reason: "The members' behaviour is too uniform to split into groups yet." };
  const fitRows = evenSample(data.length, FIT_SAMPLE);
  const fitData = fitRows.length === data.length ? data : fitRows.map((i) => data[i]!);
  // Silhouettes are measured on buyers the centroids were fitted on (indices into fitData).
  const sample = evenSample(fitData.length, SILHOUETTE_SAMPLE);
  const distances = pairwiseDistances(sample.map((i) => fitData[i]!));
  let best: { k: number; silhouette: number; centroids: number[][] } | null = null;
  const silhouetteByK: { k: number; silhouette: number }[] = [];
  for (let k = K_RANGE.min; k <= maxK; k++) {
    const result = kmeans(fitData, k, { initialization: "kmeans++", seed: SEED, maxIterations: 300 });
    const sampleLabels = sample.map((i) => result.clusters[i]!);
    const silhouette = new Set(sampleLabels).size < 2 ? -1 : silhouetteFromDistances(distances, sampleLabels);
    silhouetteByK.push({ k, silhouette });
    if (!best || silhouette > best.silhouette) best = { k, silhouette, centroids: result.centroids };
  }
  const chosen = { ...best!, labels: data.map((row) => nearest(best!.centroids, row)) };
  return {
    ok: true,
    k: chosen.k,
    silhouette: chosen.silhouette,
    silhouetteByK,
    clusters: describeClusters(chosen.k, chosen.labels, raw, data),
    labels: buyers.map((m, i) => ({ customerId: m.customerId, cluster: chosen.labels[i]! })),
  };
}

function nearest(centroids: readonly number[][], row: readonly number[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((centroid, c) => {
    let sum = 0;
    for (let d = 0; d < row.length; d++) sum += (row[d]! - centroid[d]!) ** 2;
    if (sum < bestDistance) [best, bestDistance] = [c, sum];
  });
  return best;
}

function describeClusters(k: number, labels: number[], raw: number[][], data: number[][]): Cluster[] {
  const clusters: Cluster[] = [];
  for (let c = 0; c < k; c++) {
    const rows = labels.flatMap((label, i) => (label === c ? [i] : []));
    const mean = (matrix: number[][], d: number) =>
      rows.reduce((s, i) => s + matrix[i]![d]!, 0) / Math.max(1, rows.length);
    const means = {} as Record<ClusterFeature, number>;
    const z = {} as Record<ClusterFeature, number>;
    CLUSTER_FEATURES.forEach((f, d) => {
      means[f] = mean(raw, d);
      z[f] = mean(data, d);
    });
    clusters.push({ index: c, size: rows.length, means, z });
  }
  return clusters;
}
