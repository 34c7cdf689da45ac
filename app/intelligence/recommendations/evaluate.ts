import { CF_DEFAULTS, itemItemCf } from "./cf";
import {
  basketIndices,
  blendLinks,
  contentNeighbours,
  MODEL_DEFAULTS,
  MIN_PRODUCTS,
  type ContentVectors,
  type ModelOptions,
} from "./model";
import {
  idOrder,
  popularity,
  popularityIndex,
  POPULAR_KEPT,
  RECOMMEND_DEFAULTS,
  recommendProducts,
  type NeighbourLink,
} from "./recommend";
import type { Scored } from "./top";

// Time-holdout evaluation: fit on purchases before `cutoff`, recommend k products to every
// customer who bought before it, and score them against the products that customer bought
// for the first time after it (precision@k = hits / k, recall@k = hits / new products,
// averaged over those customers). Compared: the blend, CF alone, content alone (each topped
// up with best sellers as in production), best sellers, and uniformly random products (its
// expectation, exactly: m · r / c hits for m = min(k, c) picks among c candidates of which
// r are relevant — no sampling noise).

export interface PurchaseEvent {
  customerId: string;
  productId: string;
  day: number;
}

export const METHODS = ["blend", "cf", "content", "popularity", "random"] as const;
export type Method = (typeof METHODS)[number];

export interface AtK {
  k: number;
  precision: number;
  recall: number;
}

export type HoldoutEvaluation =
  | {
      ok: true;
      cutoffDay: number;
      /** Days from the cutoff to the last purchase: the test window. */
      testDays: number;
      trainCustomers: number;
      /** Customers evaluated (of `returningCustomers`, at most MAX_TEST_CUSTOMERS). */
      testCustomers: number;
      returningCustomers: number;
      products: number;
      methods: Record<Method, AtK[]>;
    }
  | { ok: false; reason: string };

export const MIN_TEST_CUSTOMERS = 20;
/** Above this many returning customers an even sample (in id order) is evaluated: the figures are stable well before, and it bounds the run. */
export const MAX_TEST_CUSTOMERS = 5_000;

/** The last `days` (at most a quarter of the history's span) are the test window. */
export function holdoutCutoff(purchaseDays: readonly number[], days = 90): number | null {
  if (purchaseDays.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const d of purchaseDays) {
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const span = last - first;
  return span <= 0 ? null : last - Math.min(days, span / 4);
}

export function evaluateHoldout(
  productIds: readonly string[],
  content: ContentVectors,
  purchases: readonly PurchaseEvent[],
  cutoffDay: number,
  options: {
    ks?: number[];
    model?: Partial<ModelOptions>;
    popularityWeight?: number;
    /** Content candidate lists already computed for `content`. */
    contentLists?: Scored[][];
    /** Customers evaluated at most (an even sample in id order above it). */
    maxCustomers?: number;
  } = {},
): HoldoutEvaluation {
  const ks = options.ks ?? [5, 10];
  const model = { ...MODEL_DEFAULTS, ...options.model, cf: { ...CF_DEFAULTS, ...options.model?.cf } };
  const train = new Map<string, Set<string>>();
  const test = new Map<string, Set<string>>();
  for (const p of purchases) {
    const into = p.day < cutoffDay ? train : test;
    let set = into.get(p.customerId);
    if (!set) into.set(p.customerId, (set = new Set()));
    set.add(p.productId);
  }
  let users: { customer: string; history: string[]; relevant: Set<string> }[] = [];
  for (const [customer, bought] of train) {
    const later = [...(test.get(customer) ?? [])].filter((p) => !bought.has(p));
    if (later.length) users.push({ customer, history: [...bought], relevant: new Set(later) });
  }
  const returningCustomers = users.length;
  const cap = options.maxCustomers ?? MAX_TEST_CUSTOMERS;
  if (users.length > cap) {
    const step = users.length / cap;
    const sorted = users.sort((a, b) => idOrder(a.customer, b.customer));
    users = Array.from({ length: cap }, (_, i) => sorted[Math.floor(i * step)]!);
  }
  if (productIds.length < MIN_PRODUCTS)
    return { ok: false, reason: `not enough products to evaluate: it needs at least ${MIN_PRODUCTS}.` };
  if (users.length < MIN_TEST_CUSTOMERS)
    return {
      ok: false,
      reason: `not enough repeat buyers to evaluate: it needs at least ${MIN_TEST_CUSTOMERS} customers who bought before the test window and something new in it; there are ${users.length}.`,
    };
  const baskets = [...train.values()].map((s) => [...s]);
  // As in production: the run keeps the POPULAR_KEPT best sellers (their prior and the fill).
  const popular = popularityIndex(popularity(baskets, POPULAR_KEPT));
  const maxK = Math.max(...ks);
  const lists = options.contentLists ?? contentNeighbours(content, model.candidates);
  const cf = itemItemCf(basketIndices(productIds, baskets), productIds.length, model.cf);
  const variant = (weights: ModelOptions["weights"]) => {
    const links = blendLinks(productIds, content, cf, lists, { ...model, weights });
    const byId = new Map(productIds.map((id, i) => [id, links[i]!]));
    return (id: string) => byId.get(id) ?? [];
  };
  const lookups = {
    blend: variant(model.weights),
    cf: variant({ cf: 1, content: 0 }),
    content: variant({ cf: 0, content: 1 }),
    popularity: () => [] as NeighbourLink[],
  };
  const methods = Object.fromEntries(
    METHODS.map((m) => [m, ks.map((k) => ({ k, precision: 0, recall: 0 }))]),
  ) as Record<Method, AtK[]>;
  for (const user of users) {
    for (const m of ["blend", "cf", "content", "popularity"] as const) {
      const recs = recommendProducts(user.history, lookups[m], popular, {
        k: maxK,
        weights: model.weights,
        reasons: 0,
        popularityWeight:
          m === "popularity" ? 0 : (options.popularityWeight ?? RECOMMEND_DEFAULTS.popularityWeight),
      });
      ks.forEach((k, j) => {
        const hits = recs.slice(0, k).filter((r) => user.relevant.has(r.productId)).length;
        methods[m][j]!.precision += hits / k;
        methods[m][j]!.recall += hits / user.relevant.size;
      });
    }
    const candidates = productIds.length - user.history.length;
    ks.forEach((k, j) => {
      const hits = candidates > 0 ? (Math.min(k, candidates) * user.relevant.size) / candidates : 0;
      methods.random[j]!.precision += hits / k;
      methods.random[j]!.recall += hits / user.relevant.size;
    });
  }
  for (const m of METHODS)
    for (const at of methods[m]) {
      at.precision /= users.length;
      at.recall /= users.length;
    }
  return {
    ok: true,
    cutoffDay,
    testDays: purchases.reduce((last, p) => Math.max(last, p.day), cutoffDay) - cutoffDay,
    trainCustomers: train.size,
    testCustomers: users.length,
    returningCustomers,
    products: productIds.length,
    methods,
  };
}
