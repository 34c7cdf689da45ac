export type RoundingPolicy = "floor" | "round" | "ceil";

/**
 * Points are computed as exact decimals and rounded once. Binary floating point turns
 * 100 × 1.1 into 110.00000000000001, which `ceil` would make 111; snapping to a
 * micro-point first keeps the result the one a merchant computes by hand.
 */
const SNAP = 1e6;

export function snap(value: number): number {
  return Math.round(value * SNAP) / SNAP;
}

export function roundPoints(value: number, policy: RoundingPolicy): number {
  if (!Number.isFinite(value)) return 0;
  const snapped = snap(value);
  const rounded =
    policy === "floor" ? Math.floor(snapped) : policy === "ceil" ? Math.ceil(snapped) : Math.round(snapped);
  // Math.round(-0.4) is -0; keep ledger values plain integers.
  return rounded === 0 ? 0 : rounded;
}
