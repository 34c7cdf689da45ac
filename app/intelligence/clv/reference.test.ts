import { describe, expect, it } from "vitest";

import { conditionalExpectedPurchases, expectedPurchases, probabilityAlive } from "./bgnbd";
import { bgNbdLogLikelihood } from "./bgnbd-likelihood";
import { groupSummaries } from "./customers";
import { expectedAverageSpend, fitGammaGamma, gammaGammaLikelihood, spendData } from "./gamma-gamma";
import { discountedLifetimeValue } from "./lifetime-value";
import fixtures from "./reference/fixtures.json";
import { hyp2f1, logHyp2f1 } from "./special";
import { cdnowCustomers } from "./cdnow-fixture";

// Every number against independent values from reference/compute.py (scipy.special's gammaln
// and hyp2f1 over the textbook formulas, mpmath at 30 digits for 2F1), to 1e-6 relative.

function close(actual: number | null, expected: number, tolerance = 1e-6) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

const customers = cdnowCustomers;
const bg = fixtures.bgnbdAtPublished;
const gg = fixtures.gammaGammaAtPublished;

describe("ln 2F1 (power series) against mpmath", () => {
  it.each(fixtures.hyp2f1)("2F1($a, $b; $c; $z)", ({ a, b, c, z, sign, log }) => {
    const value = hyp2f1(a, b, c, z);
    expect(value.sign).toBe(sign);
    close(value.log, log, 1e-10);
    if (sign === 1) close(logHyp2f1(a, b, c, z), log, 1e-10);
  });

  it("is NaN outside its domain rather than a guess", () => {
    expect(logHyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(logHyp2f1(-1, 1, 2, 0.5)).toBeNaN();
    expect(logHyp2f1(1, 1, 2, 0)).toBe(0);
    expect(hyp2f1(1, 1, -2, 0.5).log).toBeNaN();
  });
});

describe("BG/NBD at the published CDNOW parameters", () => {
  it("log-likelihood of the 2,357 customers", () => {
    close(bgNbdLogLikelihood(bg.params, groupSummaries(customers)), bg.logLikelihood);
  });

  it("unconditional expected purchases E[X(t)]", () => {
    for (const { t, expected } of bg.unconditional) close(expectedPurchases(bg.params, t), expected);
  });

  it.each(bg.customers)("customer x=$x t_x=$tx T=$T", (c) => {
    close(bgNbdLogLikelihood(bg.params, groupSummaries([c])), c.logLikelihood);
    close(probabilityAlive(bg.params, c), c.pAlive);
    for (const { t, expected } of c.conditional)
      close(conditionalExpectedPurchases(bg.params, t, c), expected);
  });
});

describe("BG/NBD with a + b < 1 (2F1 with a negative c)", () => {
  const { params, customers: cases } = fixtures.bgnbdSmallAB;
  it.each(cases)("customer x=$x t_x=$tx T=$T", (c) => {
    close(probabilityAlive(params, c), c.pAlive);
    for (const { t, expected } of c.conditional) close(conditionalExpectedPurchases(params, t, c), expected);
  });
});

describe("Gamma-Gamma at the published CDNOW parameters", () => {
  it("log-likelihood of the 946 repeat buyers", () => {
    const fit = fitGammaGamma(customers);
    expect(fit.ok && fit.customers).toBe(946);
    close(gammaGammaLikelihood(gg.params, spendData(customers)).logLikelihood, gg.logLikelihood);
  });

  it.each(gg.customers)("expected spend, x=$x mean $spend", ({ x, spend, expectedSpend }) => {
    close(expectedAverageSpend(gg.params, x, spend), expectedSpend);
  });
});

describe("discounted CLV (lifetimes' formula)", () => {
  it.each(fixtures.clv)("x=$x t_x=$tx T=$T spend $spend over $months months at $monthlyDiscountRate", (c) => {
    const horizon = {
      months: c.months,
      monthlyDiscountRate: c.monthlyDiscountRate,
      unitsPerMonth: c.unitsPerMonth,
    };
    close(discountedLifetimeValue(bg.params, gg.params, c, horizon), c.value);
  });
});
