import type { PrismaClient } from "~/db.server";
import { loadMemberHistory } from "./inputs.server";
import {
  popularityIndex,
  recommendProducts,
  type NeighbourLink,
  type PopularProduct,
  type Reason,
} from "./recommend";

// A member's product recommendations as the API, the member page and the Insights preview
// show them: from the latest computed run's neighbours and best sellers and the member's
// purchases now (so an order placed today already counts), with product titles and a
// sentence per reason. Reads only; never calls OpenAI.

export type ExplainedReason = Reason & { title?: string; text: string };

export interface RecommendedProduct {
  productId: string;
  title: string;
  score: number;
  reasons: ExplainedReason[];
}

export interface MemberProductRecommendations {
  customerId: string;
  products: RecommendedProduct[];
  /** When the neighbours in use were computed; null: never (the list is then empty). */
  computedAt: string | null;
  source: string | null;
  purchasedProducts: number;
}

export const MAX_RECOMMENDATIONS = 50;

/** null when the shop has no such customer. */
export async function productRecommendationsFor(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  options: { limit?: number; excludePurchased?: boolean } = {},
): Promise<MemberProductRecommendations | null> {
  const customer = await db.customer.findUnique({
    where: { shop_id: { shop, id: customerId } },
    select: { id: true },
  });
  if (!customer) return null;
  const run = await db.recommendationRun.findFirst({
    where: { shop, status: "computed" },
    orderBy: { createdAt: "desc" },
    select: { computedAt: true, source: true, popular: true },
  });
  const history = await loadMemberHistory(db, shop, customerId);
  const base = { customerId: customerId.toString(), purchasedProducts: history.length };
  if (!run) return { ...base, products: [], computedAt: null, source: null };
  const links = await db.productNeighbour.findMany({
    where: { shop, productId: { in: history.map(BigInt) } },
    orderBy: [{ productId: "asc" }, { rank: "asc" }],
  });
  const byProduct = new Map<string, NeighbourLink[]>();
  for (const l of links) {
    const key = l.productId.toString();
    let list = byProduct.get(key);
    if (!list) byProduct.set(key, (list = []));
    list.push({
      productId: l.neighbourId.toString(),
      score: l.score,
      cfScore: l.cfScore,
      contentScore: l.contentScore,
      coPurchases: l.coPurchases,
    });
  }
  const recs = recommendProducts(
    history,
    (id) => byProduct.get(id) ?? [],
    popularityIndex((run.popular ?? []) as unknown as PopularProduct[]),
    {
      k: Math.min(options.limit ?? 10, MAX_RECOMMENDATIONS),
      excludePurchased: options.excludePurchased ?? true,
    },
  );
  const mentioned = new Set(
    recs.flatMap((r) => [r.productId, ...r.reasons.flatMap((x) => ("productId" in x ? [x.productId] : []))]),
  );
  const titles = new Map(
    (
      await db.product.findMany({
        where: { shop, id: { in: [...mentioned].map(BigInt) } },
        select: { id: true, title: true },
      })
    ).map((p) => [p.id.toString(), p.title]),
  );
  const titleOf = (id: string) => titles.get(id) ?? `Product ${id}`;
  return {
    ...base,
    computedAt: (run.computedAt ?? new Date(0)).toISOString(),
    source: run.source,
    products: recs.map((r) => ({
      productId: r.productId,
      title: titleOf(r.productId),
      score: r.score,
      reasons: r.reasons.map((reason) => explain(reason, titleOf)),
    })),
  };
}

export function explain(reason: Reason, titleOf: (id: string) => string): ExplainedReason {
  switch (reason.kind) {
    case "boughtTogether": {
      const title = titleOf(reason.productId);
      const people = reason.coPurchases === 1 ? "1 customer" : `${reason.coPurchases} customers`;
      return { ...reason, title, text: `Bought together with ${title} (${people})` };
    }
    case "similar": {
      const title = titleOf(reason.productId);
      return { ...reason, title, text: `Similar to ${title}` };
    }
    case "popular":
      return { ...reason, text: "A best seller in the shop" };
  }
}
