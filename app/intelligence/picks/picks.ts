// Which products to put bonus points on next week. For each candidate:
//   baseline units  b = the forecast without a promotion; promoted units u = b × lift
//   sold            min(units, inventory on hand) — a bonus cannot sell stock that is not there
//   incremental margin = (min(u, stock) − min(b, stock)) × unit margin
//   bonus cost      = extra points per unit × point value × redemption rate × min(u, stock)
//                     (the bonus is paid on every unit sold in the week, baseline ones included)
//   net             = incremental margin − bonus cost
// The picks are the top N by net among those with net > 0.
//
// The lift of a bonus: exp(β) when the forecast estimated a promotion effect β from past
// campaigns; otherwise the prior multiplier^elasticity with elasticity 0.2 — the simulator's
// earn-rate elasticity of purchase frequency (scenario `earnRate.elasticity`, anchored on
// reward rate), the only stated response to points we have; picks.test.ts checks the prior
// against the simulator's own response function.

export const PRIOR_ELASTICITY = 0.2;
export const DEFAULT_MARGIN_RATE = 0.5;
export const DEFAULT_REDEMPTION_RATE = 0.6;

export interface Candidate {
  id: string;
  title: string;
  /** Forecast units next week without a bonus. */
  baselineUnits: number;
  /** Current price and unit cost, minor units; cost null when Shopify has none. */
  priceMinor: number;
  costMinor: number | null;
  /** Units on hand, null when inventory is not tracked (no cap). */
  inventory: number | null;
}

export interface PickSettings {
  /** The campaign's points multiplier on the products' lines (e.g. 2 = double points). */
  multiplier: number;
  /** Points per major currency unit the program gives. */
  pointsPerCurrencyUnit: number;
  minorPerMajor: number;
  /** Minor units a redeemed point is worth. */
  pointValueMinor: number;
  /** Share of points that end up redeemed. */
  redemptionRate: number;
  /** Gross margin rate used when a product has no unit cost. */
  marginRate: number;
  /** exp(β promotion) when estimated; null: use the prior. */
  estimatedLift: number | null;
  top: number;
}

export interface ProductPick extends Candidate {
  promotedUnits: number;
  incrementalUnits: number;
  unitMarginMinor: number;
  marginSource: "cost" | "assumed";
  incrementalMarginMinor: number;
  bonusCostMinor: number;
  netMinor: number;
  /** Whether stock on hand limits next week's promoted sales. */
  stockLimited: boolean;
}

export function bonusLift(settings: Pick<PickSettings, "multiplier" | "estimatedLift">): number {
  return settings.estimatedLift ?? Math.pow(settings.multiplier, PRIOR_ELASTICITY);
}

export function evaluateCandidate(c: Candidate, s: PickSettings): ProductPick {
  const lift = bonusLift(s);
  const promoted = c.baselineUnits * lift;
  const cap = (units: number) => (c.inventory === null ? units : Math.min(units, Math.max(0, c.inventory)));
  const incrementalUnits = cap(promoted) - cap(c.baselineUnits);
  const fromCost = c.costMinor !== null;
  const unitMarginMinor = fromCost ? c.priceMinor - c.costMinor! : c.priceMinor * s.marginRate;
  const extraPointsPerUnit = (s.multiplier - 1) * s.pointsPerCurrencyUnit * (c.priceMinor / s.minorPerMajor);
  const bonusCostMinor = extraPointsPerUnit * s.pointValueMinor * s.redemptionRate * cap(promoted);
  const incrementalMarginMinor = incrementalUnits * unitMarginMinor;
  return {
    ...c,
    promotedUnits: cap(promoted),
    incrementalUnits,
    unitMarginMinor,
    marginSource: fromCost ? "cost" : "assumed",
    incrementalMarginMinor,
    bonusCostMinor,
    netMinor: incrementalMarginMinor - bonusCostMinor,
    stockLimited: c.inventory !== null && promoted > c.inventory,
  };
}

/** Every candidate evaluated, and the top N with a positive net (ties: more baseline units, then id). */
export function choosePicks(
  candidates: readonly Candidate[],
  s: PickSettings,
): { picks: ProductPick[]; evaluated: number } {
  const all = candidates.map((c) => evaluateCandidate(c, s));
  const picks = all
    .filter((p) => p.netMinor > 0)
    .sort((a, b) => b.netMinor - a.netMinor || b.baselineUnits - a.baselineUnits || a.id.localeCompare(b.id))
    .slice(0, s.top);
  return { picks, evaluated: all.length };
}
