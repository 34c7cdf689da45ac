// Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distance, as scikit-learn's
// silhouette_score defines it: a point alone in its cluster scores 0. Choosing k scores the
// same sample under several labelings, so the pairwise distances are computed once
// (`pairwiseDistances`) and each labeling only sums them.

export function meanSilhouette(points: readonly (readonly number[])[], labels: readonly number[]): number {
  return silhouetteFromDistances(pairwiseDistances(points), labels);
}

/** The n × n Euclidean distance matrix, row-major. */
export function pairwiseDistances(points: readonly (readonly number[])[]): { n: number; d: Float64Array } {
  const n = points.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = distance(points[i]!, points[j]!);
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  return { n, d };
}

export function silhouetteFromDistances(
  distances: { n: number; d: Float64Array },
  labels: readonly number[],
): number {
  const { n, d } = distances;
  const k = Math.max(...labels) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]! += 1;
  const label = Int32Array.from(labels);
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const row = i * n;
    // d[i][i] is 0: adding it changes nothing.
    for (let j = 0; j < n; j++) sums[label[j]!]! += d[row + j]!;
    const own = label[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    const denominator = Math.max(a, b);
    total += denominator > 0 && Number.isFinite(b) ? (b - a) / denominator : 0;
  }
  return total / n;
}

function distance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = a[d]! - b[d]!;
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}
