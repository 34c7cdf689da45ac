// The model's check on a shop's own history, as in Fader, Hardie & Lee's CDNOW report
// (weeks 1–39 to fit, 40–78 to compare): BG/NBD fitted on the calibration period, each
// calibration buyer's expected repeat purchases over the holdout period against what they
// actually bought, in total and by number of repeat purchases in calibration.
import { conditionalExpectedPurchases, fitBgNbd, type BgNbdFitOptions, type BgNbdParams } from "./bgnbd";
import type { CustomerSummary } from "./customers";

/** A buyer in the calibration period, with their purchases in the holdout period. */
export type HoldoutCustomer = CustomerSummary & { holdout: number };

export type FrequencyRow = {
  /** Repeat purchases in calibration (the last row is "this many or more"). */
  x: number;
  customers: number;
  /** Mean repeat purchases per customer in the holdout: predicted and actual. */
  predicted: number;
  actual: number;
};

export type HoldoutEvaluation =
  | {
      ok: true;
      calibrationDays: number;
      holdoutDays: number;
      customers: number;
      params: BgNbdParams;
      logLikelihood: number;
      /** Total repeat purchases in the holdout: predicted and actual. */
      predicted: number;
      actual: number;
      /** (predicted − actual) / actual; null when nobody bought in the holdout. */
      relativeError: number | null;
      byFrequency: FrequencyRow[];
    }
  | { ok: false; reason: string };

/** The last frequency row gathers this many repeat purchases or more. */
export const TOP_FREQUENCY = 7;

export function evaluateHoldout(
  customers: readonly HoldoutCustomer[],
  period: { calibrationDays: number; holdoutDays: number },
  options: BgNbdFitOptions = {},
): HoldoutEvaluation {
  const fit = fitBgNbd(customers, options);
  if (!fit.ok) return { ok: false, reason: `The calibration fit failed: ${fit.reason}` };
  const rows = Array.from({ length: TOP_FREQUENCY + 1 }, (_, x) => ({
    x,
    customers: 0,
    predicted: 0,
    actual: 0,
  }));
  let predicted = 0;
  let actual = 0;
  for (const c of customers) {
    const expected = conditionalExpectedPurchases(fit.params, period.holdoutDays, c);
    const row = rows[Math.min(c.x, TOP_FREQUENCY)]!;
    row.customers++;
    row.predicted += expected;
    row.actual += c.holdout;
    predicted += expected;
    actual += c.holdout;
  }
  return {
    ok: true,
    ...period,
    customers: customers.length,
    params: fit.params,
    logLikelihood: fit.logLikelihood,
    predicted,
    actual,
    relativeError: actual > 0 ? (predicted - actual) / actual : null,
    byFrequency: rows
      .filter((r) => r.customers > 0)
      .map((r) => ({ ...r, predicted: r.predicted / r.customers, actual: r.actual / r.customers })),
  };
}

/**
 * The holdout period for a history of `historyDays`: its last quarter, at most 180 days.
 * The calibration keeps three quarters because the dropout parameters need a long history
 * (on an 18-month, 3,000-customer simulator shop a calibration of two thirds did not pin
 * a and b down). Null when the history is under 12 weeks.
 */
export function holdoutPeriod(historyDays: number): { calibrationDays: number; holdoutDays: number } | null {
  if (!(historyDays >= 84)) return null;
  const holdoutDays = Math.min(180, Math.floor(historyDays / 4));
  return { calibrationDays: historyDays - holdoutDays, holdoutDays };
}
