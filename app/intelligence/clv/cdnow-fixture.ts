// The CDNOW sample as the models take it (weeks), from reference/cdnow-summary.json, which
// reference/compute.py derives from ../shared/data/cdnow/CDNOW_sample.txt: 2,357 customers,
// calibration weeks 1-39 (1997-01-01..09-30), holdout weeks 40-78 (to 1998-06-30).
import type { CustomerSummary } from "./customers";
import cdnow from "./reference/cdnow-summary.json";

export const cdnowCustomers: CustomerSummary[] = cdnow.rows.map(([, x, txDays, TDays, repeatCents]) => ({
  x: x!,
  tx: txDays! / 7,
  T: TDays! / 7,
  spend: x! > 0 ? repeatCents! / 100 / x! : 0,
}));

/** Repeat purchase days of each customer in weeks 40-78, in the same order. */
export const cdnowHoldout: number[] = cdnow.rows.map((row) => row[5]!);
