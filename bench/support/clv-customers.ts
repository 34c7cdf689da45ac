// Synthetic customers drawn exactly from BG/NBD and Gamma-Gamma with known parameters, in
// whole days, for the lifetime-value benchmark and the parameter-recovery test. Each
// customer's first purchase falls uniformly in the observation window; while alive they buy
// as a Poisson process with rate λ ~ Gamma(r, rate α) and drop out after each repeat
// purchase with probability p ~ Beta(a, b); each purchase's value ~ Gamma(p, rate ν),
// ν ~ Gamma(q, rate γ).
import type { BgNbdParams } from "../../app/intelligence/clv/bgnbd";
import type { CustomerSummary } from "../../app/intelligence/clv/customers";
import type { GammaGammaParams } from "../../app/intelligence/clv/gamma-gamma";
import { Rng } from "../../simulator/random/rng";
import { beta, exponential, gamma } from "../../simulator/random/samplers";

/** The simulator's defaults (simulator/model/params.ts) with time in days: α = 0.5 years. */
export const DEFAULT_PURCHASES: BgNbdParams = { r: 1.4, alpha: 182.5, a: 1.3, b: 4.2 };
export const DEFAULT_SPEND: GammaGammaParams = { p: 6, q: 4, gamma: 40 };

export function syntheticCustomers(
  count: number,
  options: {
    seed?: number;
    windowDays?: number;
    purchases?: BgNbdParams;
    spend?: GammaGammaParams;
    /** Exact times instead of whole days (no grouping to gain, no rounding bias). */
    exactTimes?: boolean;
  } = {},
): CustomerSummary[] {
  const rng = new Rng(options.seed ?? 20261206);
  const window = options.windowDays ?? 540;
  const { r, alpha, a, b } = options.purchases ?? DEFAULT_PURCHASES;
  const spend = options.spend ?? DEFAULT_SPEND;
  const out: CustomerSummary[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const T = options.exactTimes ? rng.open() * window : 1 + Math.floor(rng.open() * window);
    const lambda = gamma(rng, r, 1 / alpha);
    const dropout = beta(rng, a, b);
    // The first purchase falls at a uniform moment of its day; whole-day summaries count
    // purchase days (same-day purchases merge), as the app's SQL will.
    const offset = rng.open();
    const exposure = options.exactTimes ? T : T - offset; // the window ends at a day boundary
    let t = 0;
    let last = 0;
    let x = 0;
    let lastDay = 0;
    for (;;) {
      t += exponential(rng, lambda);
      if (t > exposure) break;
      if (options.exactTimes) {
        x++;
        last = t;
      } else if (Math.floor(offset + t) > lastDay) {
        x++;
        lastDay = Math.floor(offset + t);
      }
      if (rng.open() < dropout) break;
    }
    let mean = 0;
    if (x > 0) {
      const nu = gamma(rng, spend.q, 1 / spend.gamma);
      mean = Math.max(0.01, Math.round(gamma(rng, spend.p * x, 1 / (nu * x)) * 100) / 100);
    }
    out[i] = { x, tx: x > 0 ? (options.exactTimes ? last : lastDay) : 0, T, spend: mean };
  }
  return out;
}
