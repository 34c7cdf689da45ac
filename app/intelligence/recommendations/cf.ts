import { TopN } from "./top";

// Item–item collaborative filtering on co-purchases: the asymmetric cosine of two products'
// buyer sets, co(i, j) / (n_i^α · n_j^(1−α)) (Aiolli 2013: α = ½ is the cosine, α = 1 the
// conditional probability P(bought j | bought i), which does not punish a best seller for
// being one), shrunk towards 0 when few customers bought both
// (× co / (co + shrinkage)) and ignored below `minSupport` common buyers. A customer counts
// once per product however often they bought it; customers with more than `maxBasket`
// distinct products (resellers, staff accounts) are left out, as one of them would link
// everything with everything.

export interface CfOptions {
  n: number;
  /** 0.5: cosine; towards 1: conditional probability. */
  alpha: number;
  minSupport: number;
  shrinkage: number;
  maxBasket: number;
}

export const CF_DEFAULTS: CfOptions = { n: 100, alpha: 1, minSupport: 2, shrinkage: 5, maxBasket: 200 };

export interface CfNeighbour {
  index: number;
  score: number;
  coPurchases: number;
}

/** `baskets`: each customer's distinct product indices (0 ≤ index < products). */
export function itemItemCf(
  baskets: readonly (readonly number[])[],
  products: number,
  options: Partial<CfOptions> = {},
): CfNeighbour[][] {
  const o = { ...CF_DEFAULTS, ...options };
  const kept = baskets.filter((b) => b.length >= 1 && b.length <= o.maxBasket);
  const buyers: number[][] = Array.from({ length: products }, () => []);
  kept.forEach((basket, c) => basket.forEach((i) => buyers[i]!.push(c)));
  const counts = new Float64Array(products);
  const touched: number[] = [];
  return buyers.map((customers, i) => {
    for (const c of customers)
      for (const j of kept[c]!) {
        if (j === i) continue;
        if (counts[j] === 0) touched.push(j);
        counts[j]!++;
      }
    const top = new TopN(o.n);
    for (const j of touched) {
      const co = counts[j]!;
      if (co >= o.minSupport) {
        const cosine = co / (customers.length ** o.alpha * buyers[j]!.length ** (1 - o.alpha));
        top.offer(j, cosine * (co / (co + o.shrinkage)));
      }
    }
    const row = top.sorted().map((s) => ({ index: s.index, score: s.score, coPurchases: counts[s.index]! }));
    for (const j of touched) counts[j] = 0;
    touched.length = 0;
    return row;
  });
}
