// Lifetime value per member: BG/NBD for how many purchases, Gamma-Gamma for how much each,
// discounted month by month over a horizon - the formula of the `lifetimes` library
// (customer_lifetime_value): Σ_{k=1..H} E[spend] × (E[Y(k·u)] − E[Y((k−1)·u)]) / (1+d)^k, with
// u the time units per month (30 for days, 4.345 for weeks) and d the monthly discount rate.
import {
  conditionalExpectedPurchases,
  fitGroupedBgNbd,
  probabilityAlive,
  type BgNbdFit,
  type BgNbdFitOptions,
  type BgNbdParams,
} from "./bgnbd";
import { groupSummaries, invalidSummary, type CustomerSummary } from "./customers";
import {
  expectedAverageSpend,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
} from "./gamma-gamma";

export type LifetimeValueFits =
  | { ok: true; purchases: BgNbdFit; spend: GammaGammaFit }
  | { ok: false; problem: "invalid-input"; reason: string };

/** Both models on the same customers; each fit carries its own success or reason. */
export function fitLifetimeValue(
  customers: readonly CustomerSummary[],
  options: BgNbdFitOptions = {},
): LifetimeValueFits {
  const invalid = invalidSummary(customers);
  if (invalid) return { ok: false, problem: "invalid-input", reason: invalid };
  const purchases = fitGroupedBgNbd(groupSummaries(customers), options);
  const spend = fitGammaGamma(customers, { minRepeatBuyers: options.minRepeatBuyers });
  return { ok: true, purchases, spend };
}

export type ValueHorizon = {
  /** Months ahead (12 by default). */
  months?: number;
  /** Discount per month (0.01 by default, lifetimes' default: about 12.7% a year). */
  monthlyDiscountRate?: number;
  /** Time units per month in the summaries: 30 for days, 4.345 for weeks. */
  unitsPerMonth: number;
};

export type MemberValue = {
  pAlive: number;
  /** Expected purchases over the horizon. */
  expectedPurchases: number;
  /** Expected spend per future purchase; null without a spend model. */
  expectedSpend: number | null;
  /** Discounted value over the horizon; null without a spend model. */
  lifetimeValue: number | null;
};

/** Discounted expected spend over the horizon (see the file's comment). */
export function discountedLifetimeValue(
  purchases: BgNbdParams,
  spend: GammaGammaParams,
  c: CustomerSummary,
  horizon: ValueHorizon,
): number | null {
  const perPurchase = expectedAverageSpend(spend, c.x, c.spend ?? 0);
  if (perPurchase === null) return null;
  const months = horizon.months ?? 12;
  const discount = 1 + (horizon.monthlyDiscountRate ?? 0.01);
  let value = 0;
  let before = 0;
  for (let k = 1; k <= months; k++) {
    const cumulative = conditionalExpectedPurchases(purchases, k * horizon.unitsPerMonth, c);
    value += (perPurchase * (cumulative - before)) / discount ** k;
    before = cumulative;
  }
  return value;
}

/** Everything the admin and the other models read about one member. */
export function memberValue(
  purchases: BgNbdParams,
  spend: GammaGammaParams | null,
  c: CustomerSummary,
  horizon: ValueHorizon,
): MemberValue {
  const months = horizon.months ?? 12;
  const expectedSpend = spend ? expectedAverageSpend(spend, c.x, c.spend ?? 0) : null;
  return {
    pAlive: probabilityAlive(purchases, c),
    expectedPurchases: conditionalExpectedPurchases(purchases, months * horizon.unitsPerMonth, c),
    expectedSpend,
    lifetimeValue:
      spend && expectedSpend !== null ? discountedLifetimeValue(purchases, spend, c, horizon) : null,
  };
}
