import type { Rng } from "./rng";

// Samplers over a seeded Rng. Pure: the only state is the generator passed in, so the same
// stream gives the same draws. Parameterisations follow scipy.stats unless stated.

const TWO_PI = 2 * Math.PI;

/** Standard normal via Box–Muller (no cached spare, so a reseeded stream never leaks one). */
export function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng.open())) * Math.cos(TWO_PI * rng.float());
}

export function normal(rng: Rng, mean: number, sd: number): number {
  return mean + sd * standardNormal(rng);
}

/** exp(N(mu, sigma)): scipy lognorm(s=sigma, scale=exp(mu)). */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * standardNormal(rng));
}

/** Exponential with the given rate (mean 1/rate). */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(rng.open()) / rate;
}

/**
 * Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 uses the boost
 * Gamma(shape) = Gamma(shape + 1) · U^(1/shape). Mean shape·scale. For BG/NBD's
 * λ ~ Gamma(r, α) with α a rate, call gamma(rng, r, 1 / α).
 */
export function gamma(rng: Rng, shape: number, scale = 1): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs shape > 0 and scale > 0`);
  if (shape < 1) return gamma(rng, shape + 1, scale) * Math.pow(rng.open(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.open();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; |error| < 1e-13 on the range used here). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(TWO_PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Poisson: multiplication method below mean 30, Hörmann's PTRS (1993) above (as numpy does). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0)) throw new RangeError("poisson needs mean >= 0");
  if (mean === 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = rng.float();
    while (product > limit) {
      k++;
      product *= rng.float();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.float() - 0.5;
    const v = rng.open();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -mean + k * loglam - logGamma(k + 1)
    )
      return k;
  }
}

/**
 * Binomial(n, p): exact up to n = 1000 (geometric waiting times between successes when
 * p ≤ 0.5, so the cost is about n·p draws; the complement above), a clamped normal
 * approximation beyond.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5 && n <= 1000) return n - binomial(rng, n, 1 - p);
  if (n <= 1000) {
    const logQ = Math.log1p(-p);
    let k = 0;
    let position = Math.floor(Math.log(rng.open()) / logQ) + 1;
    while (position <= n) {
      k++;
      position += Math.floor(Math.log(rng.open()) / logQ) + 1;
    }
    return k;
  }
  const k = Math.round(normal(rng, n * p, Math.sqrt(n * p * (1 - p))));
  return Math.min(n, Math.max(0, k));
}

/** Running sums of non-negative weights, for `categorical`. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0)) throw new RangeError(`weight ${i} must be >= 0`);
    sum += w;
    out[i] = sum;
  }
  if (!(sum > 0)) throw new RangeError("weights must not all be zero");
  return out;
}

/** An index drawn with probability proportional to its weight (binary search over running sums). */
export function categorical(rng: Rng, sums: ArrayLike<number>): number {
  const target = rng.float() * (sums[sums.length - 1] as number);
  let lo = 0;
  let hi = sums.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sums[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Dirichlet(alpha) written into `out`. */
export function dirichlet<T extends { [i: number]: number; length: number }>(
  rng: Rng,
  alpha: ArrayLike<number>,
  out: T,
): T {
  let sum = 0;
  for (let i = 0; i < alpha.length; i++) {
    const g = gamma(rng, alpha[i] as number);
    out[i] = g;
    sum += g;
  }
  for (let i = 0; i < alpha.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Running sums of a customer's weights as a plain array (cheaper than a typed array per customer). */
export function cumulativeList(weights: ArrayLike<number>): number[] {
  const out = new Array<number>(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!;
    out[i] = sum;
  }
  return out;
}
