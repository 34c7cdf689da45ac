import { shopParams } from "../simulator/model/params";
import { Rng } from "../simulator/random/rng";
import { gamma, poisson } from "../simulator/random/samplers";
import type { MeanStats, PairedStats } from "../app/experiments/stats/estimates";

// Per-member outcomes over an analysis window, drawn from the simulator's own behavioural
// model (its default shop parameters): purchase rate λ ~ Gamma(r, rate α) per year (BG/NBD),
// order values ~ Gamma(p, rate ν) with ν ~ Gamma(q, rate γ) per member (Gamma-Gamma). Revenue
// per member is heavily skewed with most members at zero, as in the simulated store. A lever's
// effect multiplies the purchase rate, so the true relative lift of revenue per member is
// exactly the effect. Validation and the stats benchmark draw from here; the full simulator
// path (app experiments through scripts/sim.ts) replaces it when the experiments domain lands.

const model = shopParams();
const { r, alpha } = model.purchase;
const { p, q, gamma: g } = model.spend;

export type Member = { revenue: number; orders: number; preRevenue: number };

export class MemberOutcomes {
  readonly rng: Rng;
  constructor(
    seed: number,
    readonly windowDays = 30,
  ) {
    this.rng = new Rng(seed);
  }

  /** One member's outcome in the window, with the lever's effect on the purchase rate. */
  draw(effect = 0): Member {
    const rng = this.rng;
    const lambda = gamma(rng, r, 1 / alpha);
    const years = this.windowDays / 365;
    const orders = poisson(rng, lambda * years * (1 + effect));
    const preOrders = poisson(rng, lambda * years);
    if (orders + preOrders === 0) return { revenue: 0, orders: 0, preRevenue: 0 };
    const rate = gamma(rng, q, 1 / g);
    let revenue = 0;
    for (let i = 0; i < orders; i++) revenue += gamma(rng, p, 1 / rate);
    let preRevenue = 0;
    for (let i = 0; i < preOrders; i++) preRevenue += gamma(rng, p, 1 / rate);
    return { revenue, orders, preRevenue };
  }
}

/** Exact mean and variance of revenue per member in the window (from the model's moments). */
export function revenueMoments(windowDays: number, effect = 0): { mean: number; variance: number } {
  const t = (windowDays / 365) * (1 + effect);
  const meanLambda = r / alpha;
  const varLambda = r / alpha ** 2;
  const meanK = t * meanLambda;
  const meanK2 = meanK + t * t * (varLambda + meanLambda ** 2);
  const inverseRate = g / (q - 1);
  const inverseRate2 = (g * g) / ((q - 1) * (q - 2));
  const mean = p * meanK * inverseRate;
  const second = (p * p * meanK2 + p * meanK) * inverseRate2;
  return { mean, variance: second - mean * mean };
}

export function emptyMean(): MeanStats {
  return { n: 0, sum: 0, sumSquares: 0 };
}

export function emptyPaired(): PairedStats {
  return { n: 0, sumY: 0, sumX: 0, sumYY: 0, sumXX: 0, sumXY: 0 };
}

export function addMean(stats: MeanStats, value: number): void {
  stats.n++;
  stats.sum += value;
  stats.sumSquares += value * value;
}

export function addPaired(stats: PairedStats, y: number, x: number): void {
  stats.n++;
  stats.sumY += y;
  stats.sumX += x;
  stats.sumYY += y * y;
  stats.sumXX += x * x;
  stats.sumXY += x * y;
}
