import { BLEND_DEFAULTS, blendNeighbours, type BlendWeights } from "./blend";
import { CF_DEFAULTS, itemItemCf, type CfNeighbour, type CfOptions } from "./cf";
import { denseDot, denseNeighbours, sparseDot, sparseNeighbours } from "./content";
import { idOrder, type NeighbourLink } from "./recommend";
import type { SparseVector } from "./tfidf";
import type { Scored } from "./top";

// The whole model of a shop: content neighbours from its product vectors, CF neighbours
// from its customers' baskets, blended into the top `n` neighbours of every product.

export type ContentVectors =
  { kind: "sparse"; vectors: readonly SparseVector[] } | { kind: "dense"; vectors: readonly Float64Array[] };

export interface ModelOptions {
  /** Neighbours kept per product. */
  n: number;
  /** Content candidates per product before blending. */
  candidates: number;
  weights: BlendWeights;
  cf: Partial<CfOptions>;
}

export const MODEL_DEFAULTS: ModelOptions = { n: 20, candidates: 50, weights: BLEND_DEFAULTS, cf: {} };

export const MIN_PRODUCTS = 2;

export type ModelResult =
  { ok: true; neighbours: NeighbourLink[][] } | { ok: false; problem: "tooFewProducts"; reason: string };

/** The content neighbour lists (computed once, reused by the evaluation's variants). */
export function contentNeighbours(content: ContentVectors, candidates: number): Scored[][] {
  return content.kind === "sparse"
    ? sparseNeighbours(content.vectors, candidates)
    : denseNeighbours(content.vectors, candidates);
}

export function contentSimilarity(content: ContentVectors): (a: number, b: number) => number {
  return content.kind === "sparse"
    ? (a, b) => sparseDot(content.vectors[a]!, content.vectors[b]!)
    : (a, b) => denseDot(content.vectors[a]!, content.vectors[b]!);
}

/** Each customer's distinct products as indices into `productIds` (unknown products dropped). */
export function basketIndices(
  productIds: readonly string[],
  baskets: readonly (readonly string[])[],
): number[][] {
  const index = new Map(productIds.map((id, i) => [id, i]));
  return baskets.map((b) => {
    const out = new Set<number>();
    for (const p of b) {
      const i = index.get(p);
      if (i !== undefined) out.add(i);
    }
    return [...out].sort((x, y) => x - y);
  });
}

/**
 * `productIds` in ascending id order (idOrder), `content.vectors` aligned with them,
 * `baskets`: each customer's bought product ids. `contentLists` may be passed when already
 * computed for the same vectors.
 */
export function buildNeighbours(
  productIds: readonly string[],
  content: ContentVectors,
  baskets: readonly (readonly string[])[],
  options: Partial<ModelOptions> = {},
  contentLists?: Scored[][],
): ModelResult {
  const o = { ...MODEL_DEFAULTS, ...options };
  if (productIds.length < MIN_PRODUCTS)
    return {
      ok: false,
      problem: "tooFewProducts",
      reason: `not enough products yet: recommendations need at least ${MIN_PRODUCTS} products; there ${productIds.length === 1 ? "is 1" : `are ${productIds.length}`}.`,
    };
  for (let i = 1; i < productIds.length; i++)
    if (idOrder(productIds[i - 1]!, productIds[i]!) >= 0) throw new Error("productIds must be ascending");
  const cf = itemItemCf(basketIndices(productIds, baskets), productIds.length, { ...CF_DEFAULTS, ...o.cf });
  return { ok: true, neighbours: blendLinks(productIds, content, cf, contentLists, o) };
}

/** Blended neighbour lists from CF lists already computed (the evaluation blends one CF three ways). */
export function blendLinks(
  productIds: readonly string[],
  content: ContentVectors,
  cf: CfNeighbour[][],
  contentLists: Scored[][] | undefined,
  options: Partial<ModelOptions> = {},
): NeighbourLink[][] {
  const o = { ...MODEL_DEFAULTS, ...options };
  const lists = o.weights.content > 0 ? (contentLists ?? contentNeighbours(content, o.candidates)) : [];
  const blended = blendNeighbours(cf, lists, contentSimilarity(content), o.n, o.weights);
  return blended.map((row) =>
    row.map((nb) => ({
      productId: productIds[nb.index]!,
      score: nb.score,
      cfScore: nb.cfScore,
      contentScore: nb.contentScore,
      coPurchases: nb.coPurchases,
    })),
  );
}
