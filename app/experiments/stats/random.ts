// A small seeded generator for the statistics' Monte Carlo (the bandit's Beta posteriors and
// the validation's simulations): mulberry32, with normal (Marsaglia's polar method), gamma
// (Marsaglia & Tsang 2000) and beta (two gammas) draws. Pure: no `node:*`, no global state,
// so a seed gives the same numbers on every machine.

export class SeededRandom {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform on (0, 1), never 0 (safe for logarithms). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * factor;
        return u * factor;
      }
    }
  }

  /** Gamma(shape, 1); shape < 1 by the boost Gamma(shape + 1)·U^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b). */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /** Index drawn with probabilities proportional to `weights`. */
  categorical(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let point = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      point -= weights[i]!;
      if (point < 0) return i;
    }
    return weights.length - 1;
  }
}
