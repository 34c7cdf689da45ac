import { BLEND_DEFAULTS, type BlendWeights } from "./blend";

// A member's product recommendations from their purchase history and the stored neighbour
// lists: each candidate scores the sum of its neighbour scores over the products the member
// bought (one vote per product however often it was bought) plus `popularityWeight` × its
// share of the best seller's buyers (a prior: among equally related products, the one more
// people buy is the better bet — on the simulator's shops it is what lifts the blend above
// best sellers alone); already-bought products are left out unless asked; a member with no
// history gets the best sellers. Reasons name the bought products that contributed
// most: "bought together with" when the co-purchase part of the link outweighs the content
// part, "similar to" otherwise. Ties go to the smaller product id: the same input gives the
// same list everywhere.

export interface NeighbourLink {
  productId: string;
  score: number;
  cfScore: number;
  contentScore: number;
  coPurchases: number;
}

export type Reason =
  | { kind: "boughtTogether"; productId: string; coPurchases: number }
  | { kind: "similar"; productId: string }
  | { kind: "popular" };

export interface ProductRecommendation {
  productId: string;
  score: number;
  reasons: Reason[];
}

export interface PopularProduct {
  productId: string;
  buyers: number;
}

export interface RecommendOptions {
  k: number;
  popularityWeight: number;
  excludePurchased: boolean;
  weights: BlendWeights;
  /** Reasons per recommendation at most. */
  reasons: number;
}

export const RECOMMEND_DEFAULTS: RecommendOptions = {
  k: 10,
  popularityWeight: 0.5,
  excludePurchased: true,
  weights: BLEND_DEFAULTS,
  reasons: 2,
};

/** Numeric order of decimal ids held as strings. */
export const idOrder = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/** Best sellers in order, with a lookup of each one's buyers (built once, used for every member). */
export interface PopularityIndex {
  ranked: readonly PopularProduct[];
  buyers: ReadonlyMap<string, number>;
}

export function popularityIndex(ranked: readonly PopularProduct[]): PopularityIndex {
  return { ranked, buyers: new Map(ranked.map((p) => [p.productId, p.buyers])) };
}

export function recommendProducts(
  history: readonly string[],
  neighboursOf: (productId: string) => readonly NeighbourLink[],
  popular: PopularityIndex,
  options: Partial<RecommendOptions> = {},
): ProductRecommendation[] {
  const o = { ...RECOMMEND_DEFAULTS, ...options };
  const bought = new Set(history);
  const candidates = new Map<string, { score: number; from: { link: NeighbourLink; source: string }[] }>();
  const top = popular.ranked[0]?.buyers ?? 0;
  const withPrior = bought.size > 0 && top > 0 && o.popularityWeight > 0;
  const prior = (id: string) => {
    const buyers = withPrior ? popular.buyers.get(id) : undefined;
    return buyers === undefined ? 0 : (o.popularityWeight * buyers) / top;
  };
  for (const source of [...bought].sort(idOrder))
    for (const link of neighboursOf(source)) {
      if (link.productId === source || (o.excludePurchased && bought.has(link.productId))) continue;
      let c = candidates.get(link.productId);
      if (!c) candidates.set(link.productId, (c = { score: prior(link.productId), from: [] }));
      c.score += link.score;
      if (o.reasons > 0) c.from.push({ link, source });
    }
  // Products with the prior alone: only the k best sellers not bought can reach the top k
  // (any further one scores less than k candidates already there).
  if (withPrior) {
    let added = 0;
    for (const { productId } of popular.ranked) {
      if (added >= o.k) break;
      if (o.excludePurchased && bought.has(productId)) continue;
      added++;
      if (!candidates.has(productId)) candidates.set(productId, { score: prior(productId), from: [] });
    }
  }
  const ranked = [...candidates.entries()]
    .sort((a, b) => b[1].score - a[1].score || idOrder(a[0], b[0]))
    .slice(0, o.k)
    .map(([productId, c]) => ({
      productId,
      score: c.score,
      reasons: c.from.length
        ? c.from
            .sort((a, b) => b.link.score - a.link.score || idOrder(a.source, b.source))
            .slice(0, o.reasons)
            .map(({ link, source }) => reasonOf(link, source, o.weights))
        : [{ kind: "popular" as const }],
    }));
  const taken = new Set(ranked.map((r) => r.productId));
  for (const { productId } of popular.ranked) {
    if (ranked.length >= o.k) break;
    if (taken.has(productId) || (o.excludePurchased && bought.has(productId))) continue;
    taken.add(productId);
    ranked.push({ productId, score: 0, reasons: [{ kind: "popular" }] });
  }
  return ranked;
}

function reasonOf(link: NeighbourLink, source: string, weights: BlendWeights): Reason {
  return weights.cf * link.cfScore >= weights.content * link.contentScore && link.coPurchases > 0
    ? { kind: "boughtTogether", productId: source, coPurchases: link.coPurchases }
    : { kind: "similar", productId: source };
}

/** Best sellers a run keeps: the prior and the cold-start fill read these. */
export const POPULAR_KEPT = 500;

/** Products by distinct buyers, most first (ties: smaller id), for cold-start members. */
export function popularity(
  baskets: readonly (readonly string[])[],
  limit: number,
): { productId: string; buyers: number }[] {
  const counts = new Map<string, number>();
  for (const basket of baskets) for (const p of new Set(basket)) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || idOrder(a[0], b[0]))
    .slice(0, limit)
    .map(([productId, buyers]) => ({ productId, buyers }));
}
