// Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distance, as scikit-learn's
// silhouette_score defines it: a point alone in its cluster scores 0.

export function meanSilhouette(points: readonly (readonly number[])[], labels: readonly number[]): number {
  const n = points.length;
  const k = Math.max(...labels) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]! += 1;
  let total = 0;
  const sums = new Array<number>(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += distance(points[i]!, points[j]!);
    const own = labels[i]!;
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
