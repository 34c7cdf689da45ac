import { describe, expect, it } from "vitest";
import { Rng } from "./rng";
import {
  beta,
  binomial,
  categorical,
  cumulative,
  dirichlet,
  gamma,
  logGamma,
  lognormal,
  normal,
  poisson,
} from "./samplers";

// Reference moments and quantiles from scipy.stats 1.17 (printed by the snippet in
// simulator/README.md). A sample mean is checked to within 5 standard errors, a variance to
// within 6% (8% for heavy tails), and quantiles by the share of draws below scipy's ppf.
const N = 200_000;

type Reference = {
  name: string;
  draw: (rng: Rng) => number;
  mean: number;
  variance: number;
  varianceTolerance: number;
  ppf?: [number, number, number];
};

const references: Reference[] = [
  {
    name: "gamma(0.243, scale 1/4.414) — CDNOW's r, α",
    draw: (rng) => gamma(rng, 0.243, 1 / 4.414),
    mean: 0.05505210693248754,
    variance: 0.012472158344469313,
    varianceTolerance: 0.1,
    ppf: [1.1674117693882337e-5, 0.009067984136966894, 0.16555510144672572],
  },
  {
    name: "gamma(6.25, scale 1)",
    draw: (rng) => gamma(rng, 6.25),
    mean: 6.25,
    variance: 6.25,
    varianceTolerance: 0.04,
    ppf: [3.3356404523185827, 5.920013599619645, 9.591007251865005],
  },
  {
    name: "gamma(2, scale 3)",
    draw: (rng) => gamma(rng, 2, 3),
    mean: 6,
    variance: 18,
    varianceTolerance: 0.05,
    ppf: [1.595434825168836, 5.035040970049984, 11.669160509602287],
  },
  {
    name: "beta(0.793, 2.426) — CDNOW's a, b",
    draw: (rng) => beta(rng, 0.793, 2.426),
    mean: 0.246349798073936,
    variance: 0.04400606187790162,
    varianceTolerance: 0.04,
    ppf: [0.021845137230673026, 0.1912398138024403, 0.5627377264900719],
  },
  {
    name: "beta(5, 2)",
    draw: (rng) => beta(rng, 5, 2),
    mean: 0.7142857142857143,
    variance: 0.025510204081632654,
    varianceTolerance: 0.04,
    ppf: [0.4896836934485084, 0.73555001670434, 0.9074047410868713],
  },
  {
    name: "poisson(3.5)",
    draw: (rng) => poisson(rng, 3.5),
    mean: 3.5,
    variance: 3.5,
    varianceTolerance: 0.04,
  },
  {
    name: "poisson(120)",
    draw: (rng) => poisson(rng, 120),
    mean: 120,
    variance: 120,
    varianceTolerance: 0.04,
  },
  {
    name: "lognormal(3, 0.5)",
    draw: (rng) => lognormal(rng, 3, 0.5),
    mean: 22.75989509352673,
    variance: 147.12880837601978,
    varianceTolerance: 0.06,
    ppf: [10.582738360954068, 20.085536923187668, 38.121399181635326],
  },
  {
    name: "normal(2, 3)",
    draw: (rng) => normal(rng, 2, 3),
    mean: 2,
    variance: 9,
    varianceTolerance: 0.03,
    ppf: [-1.844654696633801, 2, 5.8446546966338015],
  },
  {
    name: "binomial(40, 0.3)",
    draw: (rng) => binomial(rng, 40, 0.3),
    mean: 12,
    variance: 8.4,
    varianceTolerance: 0.04,
  },
  {
    name: "binomial(40, 0.7)",
    draw: (rng) => binomial(rng, 40, 0.7),
    mean: 28,
    variance: 8.4,
    varianceTolerance: 0.04,
  },
  {
    name: "binomial(200, 0.05)",
    draw: (rng) => binomial(rng, 200, 0.05),
    mean: 10,
    variance: 9.5,
    varianceTolerance: 0.04,
  },
];

function sample(draw: (rng: Rng) => number, seed = 7): Float64Array {
  const rng = new Rng(seed);
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = draw(rng);
  return xs;
}

function moments(xs: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, variance: ss / (xs.length - 1) };
}

describe("samplers against scipy reference moments", () => {
  it.each(references)("$name", ({ draw, mean, variance, varianceTolerance, ppf }) => {
    const xs = sample(draw);
    const m = moments(xs);
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / N));
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(varianceTolerance);
    if (ppf) {
      const probabilities = [0.1, 0.5, 0.9];
      ppf.forEach((q, i) => {
        const below = xs.reduce((n, x) => (x <= q ? n + 1 : n), 0) / N;
        expect(Math.abs(below - (probabilities[i] as number))).toBeLessThan(0.005);
      });
    }
  });

  it("poisson and binomial hit scipy's point probabilities", () => {
    const share = (xs: Float64Array, test: (x: number) => boolean) =>
      xs.reduce((n, x) => (test(x) ? n + 1 : n), 0) / xs.length;
    expect(
      share(
        sample((r) => poisson(r, 3.5)),
        (x) => x === 3,
      ),
    ).toBeCloseTo(0.215785469038651, 2);
    expect(
      share(
        sample((r) => poisson(r, 120)),
        (x) => x <= 110,
      ),
    ).toBeCloseTo(0.1938967933827624, 2);
    expect(
      share(
        sample((r) => binomial(r, 40, 0.3)),
        (x) => x === 12,
      ),
    ).toBeCloseTo(0.13657382060056153, 2);
    expect(
      share(
        sample((r) => binomial(r, 40, 0.7)),
        (x) => x === 28,
      ),
    ).toBeCloseTo(0.13657382060056159, 2);
    expect(
      share(
        sample((r) => binomial(r, 200, 0.05)),
        (x) => x === 10,
      ),
    ).toBeCloseTo(0.12835737340035233, 2);
  });

  it("logGamma matches scipy.special.gammaln", () => {
    const cases: Array<[number, number]> = [
      [0.243, 1.3180435846996699],
      [0.5, 0.5723649429247],
      [1, 0],
      [3.7, 1.428072326665388],
      [10.5, 13.940625219403763],
      [171.3, 708.1149470389971],
    ];
    for (const [x, expected] of cases) expect(logGamma(x)).toBeCloseTo(expected, 9);
  });

  it("dirichlet draws sum to 1 and match scipy's mean and variance", () => {
    const rng = new Rng(3);
    const n = 50_000;
    const sums = [0, 0, 0];
    const squares = [0, 0, 0];
    const out = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      dirichlet(rng, [2, 1, 0.5], out);
      expect(Math.abs(out[0]! + out[1]! + out[2]! - 1)).toBeLessThan(1e-12);
      for (let j = 0; j < 3; j++) {
        sums[j]! += out[j]!;
        squares[j]! += out[j]! ** 2;
      }
    }
    const mean = [0.57142857, 0.28571429, 0.14285714];
    const variance = [0.05442177, 0.04535147, 0.02721088];
    for (let j = 0; j < 3; j++) {
      const m = sums[j]! / n;
      expect(m).toBeCloseTo(mean[j]!, 2);
      expect(squares[j]! / n - m * m).toBeCloseTo(variance[j]!, 2);
    }
  });

  it("categorical draws in proportion to the weights", () => {
    const rng = new Rng(11);
    const sums = cumulative([1, 0, 3, 6]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[categorical(rng, sums)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / N).toBeCloseTo(0.1, 2);
    expect(counts[2]! / N).toBeCloseTo(0.3, 2);
    expect(counts[3]! / N).toBeCloseTo(0.6, 2);
  });

  it("rejects invalid parameters", () => {
    const rng = new Rng(1);
    expect(() => gamma(rng, 0)).toThrow(RangeError);
    expect(() => poisson(rng, -1)).toThrow(RangeError);
    expect(() => cumulative([0, 0])).toThrow(/all be zero/);
  });
});

describe("Rng", () => {
  it("is deterministic per (seed, stream) and differs across seeds and streams", () => {
    const words = (rng: Rng) => Array.from({ length: 8 }, () => rng.nextU32());
    expect(words(new Rng(42, 5))).toEqual(words(new Rng(42, 5)));
    expect(words(new Rng(42, 5))).not.toEqual(words(new Rng(43, 5)));
    expect(words(new Rng(42, 5))).not.toEqual(words(new Rng(42, 6)));
    const reused = new Rng(1);
    reused.nextU32();
    expect(words(reused.reseed(42, 5))).toEqual(words(new Rng(42, 5)));
  });

  it("produces uniform floats in [0, 1) with the right mean and variance", () => {
    const xs = sample((r) => r.float(), 99);
    const m = moments(xs);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
