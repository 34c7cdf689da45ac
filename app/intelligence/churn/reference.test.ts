import { describe, expect, it } from "vitest";

import { atThreshold, auc, bestF1Threshold, brier, calibrationTable, youdenThreshold } from "./evaluate";
import { fitLogistic, fitStandardiser, predictLogistic, standardise } from "./logistic";
import fixtures from "./reference/fixtures.json";

// Values from reference/compute.py (numpy Newton on scikit-learn's objective, scipy mid-ranks),
// 400 rows, 6 columns (two correlated, one constant), 27.5% positives.

const close = (a: number, b: number, tol = 1e-6) => expect(Math.abs(a - b)).toBeLessThan(tol);
const s = fitStandardiser(fixtures.X);
const Z = fixtures.X.map((x) => standardise(s, x));

describe("churn model against numpy/scipy", () => {
  it("standardises with population means and standard deviations, constant columns to sd 0", () => {
    fixtures.mean.forEach((m, j) => close(s.mean[j]!, m, 1e-9));
    fixtures.sd.forEach((v, j) => close(s.sd[j]!, v, 1e-9));
    expect(s.sd[5]).toBe(0);
  });

  it.each(Object.entries(fixtures.fits))("L2 logistic regression coefficients at λ = %s", (lam, ref) => {
    const fit = fitLogistic(Z, fixtures.y, Number(lam));
    if (!fit.ok) throw new Error(fit.reason);
    close(fit.intercept, ref.intercept);
    ref.coef.forEach((c, j) => close(fit.coef[j]!, c));
    expect(fit.coef[5]).toBe(0); // the absent feature carries no weight
  });

  const fit = fitLogistic(Z, fixtures.y, 1);
  if (!fit.ok) throw new Error(fit.reason);
  const rows = Z.map((z, i) => ({ score: predictLogistic(fit, z), positive: fixtures.y[i] === 1 }));

  it("predictions, AUC (also with heavy ties), Brier", () => {
    rows.forEach((r, i) => close(r.score, fixtures.prob[i]!));
    close(auc(rows)!, fixtures.auc);
    close(auc(rows.map((r) => ({ ...r, score: Math.round(r.score * 10) / 10 })))!, fixtures.aucTied);
    close(brier(rows), fixtures.brier);
  });

  it("precision, recall and F1 at 0.5, at the F1-maximising and at Youden's threshold", () => {
    for (const [got, ref] of [
      [atThreshold(rows, 0.5), fixtures.at05],
      [bestF1Threshold(rows), fixtures.best],
      [youdenThreshold(rows), fixtures.youden],
    ] as const) {
      close(got.threshold, ref.threshold);
      close(got.precision, ref.precision);
      close(got.recall, ref.recall);
      close(got.f1, ref.f1);
      expect(got.flagged).toBe(ref.flagged);
    }
  });

  it("calibration deciles: range, count, mean predicted, observed rate", () => {
    const table = calibrationTable(rows);
    expect(table).toHaveLength(fixtures.calibration.length);
    table.forEach((bin, k) => {
      const ref = fixtures.calibration[k]!;
      close(bin.from, ref.frm);
      close(bin.to, ref.to);
      expect(bin.count).toBe(ref.count);
      close(bin.predicted, ref.predicted);
      close(bin.observed, ref.observed);
    });
  });
});
