// Multiple comparisons across secondary metrics and variants, as adjusted p-values in the
// input's order (compare each to alpha as usual):
//   Holm (1979), controls the family-wise error rate: sort ascending, p̃₍ᵢ₎ =
//     max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎).
//   Benjamini–Hochberg (1995), controls the false discovery rate: p̃₍ᵢ₎ =
//     min over j ≥ i of min(1, m p₍ⱼ₎ / j).
// Non-finite inputs are treated as 1 (no evidence) rather than poisoning the others.

export type Adjustment = "holm" | "benjamini-hochberg";

function ascending(pValues: readonly number[]): { p: number[]; order: number[] } {
  const p = pValues.map((v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 1));
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  return { p, order };
}

export function holm(pValues: readonly number[]): number[] {
  const { p, order } = ascending(pValues);
  const m = p.length;
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[index]!));
    adjusted[index] = running;
  });
  return adjusted;
}

export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const { p, order } = ascending(pValues);
  const m = p.length;
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank]!;
    running = Math.min(running, (m * p[index]!) / (rank + 1));
    // m/j ≥ 1, so only rounding could take the adjusted value below the raw one.
    adjusted[index] = Math.max(p[index]!, running);
  }
  return adjusted;
}

export function adjustPValues(pValues: readonly number[], method: Adjustment): number[] {
  return method === "holm" ? holm(pValues) : benjaminiHochberg(pValues);
}
