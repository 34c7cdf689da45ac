// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): maximum-
// likelihood fit over grouped summaries, and what it predicts for a customer.
import type { BgNbdParams } from "./bgnbd-likelihood";
import { bgNbdObjective, paramsFromTheta, searchBgNbd } from "./bgnbd-search";
import { groupSummaries, invalidSummary, type CustomerSummary, type GroupedSummaries } from "./customers";
import { inverseHessian } from "./optimise";
import { hyp2f1 } from "./special";

export type { BgNbdParams } from "./bgnbd-likelihood";

export type FitProblem = "invalid-input" | "not-enough-data" | "not-converged";

export type FitFailure<P> = {
  ok: false;
  problem: FitProblem;
  /** A sentence for the merchant: what is wrong and, for thin data, what is needed. */
  reason: string;
  /** Where a fit that did not converge stopped (not to be used for predictions). */
  lastParams?: P;
};

export type BgNbdFit =
  | {
      ok: true;
      params: BgNbdParams;
      /** Asymptotic standard errors (observed information); null if it is not positive definite. */
      standardErrors: BgNbdParams | null;
      logLikelihood: number;
      customers: number;
      repeatBuyers: number;
      groups: number;
      iterations: number;
      evaluations: number;
    }
  | FitFailure<BgNbdParams>;

export type BgNbdFitOptions = {
  minCustomers?: number;
  minRepeatBuyers?: number;
  /** The oldest customer's T must reach this (in the summaries' unit, e.g. 28 days); 0 by default. */
  minHistory?: number;
  /** The summaries' time unit in words ("days", "weeks"), for the reasons. */
  unit?: string;
  maxIterations?: number;
};

/** Fits BG/NBD by maximum likelihood (BFGS on log-parameters, analytic gradient). */
export function fitBgNbd(customers: readonly CustomerSummary[], options: BgNbdFitOptions = {}): BgNbdFit {
  const invalid = invalidSummary(customers);
  if (invalid) return { ok: false, problem: "invalid-input", reason: invalid };
  return fitGroupedBgNbd(groupSummaries(customers), options);
}

export function fitGroupedBgNbd(groups: GroupedSummaries, options: BgNbdFitOptions = {}): BgNbdFit {
  const minCustomers = options.minCustomers ?? 50;
  const minRepeatBuyers = options.minRepeatBuyers ?? 10;
  const { customers, repeatBuyers } = groups;
  if (customers < minCustomers || repeatBuyers < minRepeatBuyers)
    return {
      ok: false,
      problem: "not-enough-data",
      reason:
        `Not enough purchase history yet: lifetime value needs at least ${minCustomers} customers ` +
        `with an order and ${minRepeatBuyers} who came back for another; there are ${customers} and ${repeatBuyers}.`,
    };
  let meanT = 0;
  let longest = 0;
  for (let g = 0; g < groups.count.length; g++) {
    const T = groups.Ts[groups.groupT[g]!]!;
    meanT += groups.count[g]! * T;
    longest = Math.max(longest, T);
  }
  meanT = Math.max(meanT / customers, 1e-9);
  const minHistory = options.minHistory ?? 0;
  const unit = options.unit ? ` ${options.unit}` : "";
  if (longest < minHistory)
    return {
      ok: false,
      problem: "not-enough-data",
      reason: `Not enough purchase history yet: lifetime value needs orders over at least ${minHistory}${unit} (the oldest customer's first order is ${longest}${unit} ago).`,
    };
  const best = searchBgNbd(
    groups,
    meanT,
    options.maxIterations ?? 500,
    (theta) => boundaryProblem(paramsFromTheta(theta), meanT) === null,
  );
  const params = paramsFromTheta(best.theta);
  const boundary = boundaryProblem(params, meanT);
  if (!best.converged || boundary)
    return {
      ok: false,
      problem: "not-converged",
      reason: `The purchase model did not converge (${boundary ?? best.reason} after ${best.iterations} iterations); the previous model stays in use.`,
      lastParams: params,
    };
  const covariance = inverseHessian(bgNbdObjective(groups), best.theta);
  const se = (i: number, value: number) => value * Math.sqrt(covariance![i]![i]! / customers);
  return {
    ok: true,
    params,
    standardErrors: covariance && {
      r: se(0, params.r),
      alpha: se(1, params.alpha),
      a: se(2, params.a),
      b: se(3, params.b),
    },
    logLikelihood: -best.value * customers,
    customers,
    repeatBuyers,
    groups: groups.count.length,
    iterations: best.iterations,
    evaluations: best.evaluations,
  };
}

/** A fit that ran off to a limit (nobody drops out, everyone is identical) is no fit. */
function boundaryProblem(p: BgNbdParams, meanT: number): string | null {
  const limits: [string, number][] = [
    ["r", p.r],
    ["a", p.a],
    ["b", p.b],
    ["α relative to the observation time", p.alpha / meanT],
  ];
  for (const [name, value] of limits)
    if (!(value > 1e-5 && value < 1e5))
      return `the history does not pin the model down: ${name} ran to ${value.toPrecision(3)}`;
  return null;
}

/** P(alive at T | x, t_x, T): 1 with no repeat purchase (one can only drop out after one). */
export function probabilityAlive(p: BgNbdParams, c: CustomerSummary): number {
  if (c.x === 0) return 1;
  const log = Math.log(p.a / (p.b + c.x - 1)) + (p.r + c.x) * Math.log((p.alpha + c.T) / (p.alpha + c.tx));
  return 1 / (1 + Math.exp(log));
}

/**
 * The closed forms are 0/0 at a = 1, and 2F1's c = a + b + x − 1 is a pole at 0 (x = 0 with
 * a + b = 1); both are removable, and the mean of a ± δ matches the limit to O(δ²).
 */
function avoidingPoles(p: BgNbdParams, x: number, f: (q: BgNbdParams) => number): number {
  const delta = 1e-5;
  if (Math.abs(p.a - 1) >= delta && Math.abs(p.a + p.b + x - 1) >= delta) return f(p);
  return (f({ ...p, a: p.a - delta }) + f({ ...p, a: p.a + delta })) / 2;
}

/** 1 − (1 − z)^k 2F1(k, m; c; z), as −expm1(ln) to keep its digits when z is small. */
function oneMinusScaledHyp(k: number, m: number, c: number, z: number): number {
  const { sign, log } = hyp2f1(k, m, c, z);
  const scaled = k * Math.log1p(-z) + log;
  return sign === 1 ? -Math.expm1(scaled) : sign === -1 ? 1 + Math.exp(scaled) : sign === 0 ? 1 : Number.NaN;
}

/** E[X(t)]: expected purchases in (0, t] of a customer who has just made their first. */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  return avoidingPoles(params, 0, ({ r, alpha, a, b }) => {
    const z = t / (alpha + t);
    return ((a + b - 1) / (a - 1)) * oneMinusScaledHyp(r, b, a + b - 1, z);
  });
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units for this customer. */
export function conditionalExpectedPurchases(params: BgNbdParams, t: number, c: CustomerSummary): number {
  if (t <= 0) return 0;
  return avoidingPoles(params, c.x, ({ r, alpha, a, b }) => {
    const { x, tx, T } = c;
    const z = t / (alpha + T + t);
    const head = (a + b + x - 1) / (a - 1);
    const body = oneMinusScaledHyp(r + x, b + x, a + b + x - 1, z);
    const odds = x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 0;
    return (head * body) / (1 + odds);
  });
}
