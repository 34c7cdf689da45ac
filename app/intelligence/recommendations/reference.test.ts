import { describe, expect, it } from "vitest";
import { evaluateHoldout } from "./evaluate";
import { buildNeighbours } from "./model";
import { popularity, popularityIndex, recommendProducts, type NeighbourLink } from "./recommend";
import expected from "./reference/expected.json";
import fixture from "./reference/fixture.json";
import { productTokens, tfidf } from "./tfidf";

// The recommender against reference/compute.py (plain Python from the definitions) on a
// 40-product, 400-customer simulator shop (reference/fixture.json): TF-IDF vectors, blended
// neighbours, best sellers, member lists and the holdout metrics of every method.

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);
const ids = fixture.products.map((p) => p.id);
const model = tfidf(fixture.products.map(productTokens));
const content = { kind: "sparse" as const, vectors: model.vectors };
const train = fixture.purchases.filter((p) => p.day < fixture.cutoff);
const byCustomer = new Map<string, Set<string>>();
for (const p of train)
  byCustomer.set(p.customerId, (byCustomer.get(p.customerId) ?? new Set()).add(p.productId));
const baskets = [...byCustomer.values()].map((s) => [...s]);

describe("recommendations against the Python reference", () => {
  it("TF-IDF vocabulary and vectors", () => {
    expect(model.vocabulary).toEqual(expected.vocabulary);
    model.vectors.forEach((v, i) => {
      expect([...v.indices]).toEqual(expected.vectors[i]!.indices);
      v.values.forEach((x, k) => close(x, expected.vectors[i]!.values[k]!));
    });
  });

  const built = buildNeighbours(ids, content, baskets);
  if (!built.ok) throw new Error(built.reason);

  it("blended neighbours of every product, with their CF and content parts", () => {
    built.neighbours.forEach((row, i) => {
      const ref = expected.neighbours[i]!;
      expect(row.map((n) => n.productId)).toEqual(ref.map((n) => n.productId));
      row.forEach((n, k) => {
        close(n.score, ref[k]!.score);
        close(n.cfScore, ref[k]!.cfScore);
        close(n.contentScore, ref[k]!.contentScore);
        expect(n.coPurchases).toBe(ref[k]!.coPurchases);
      });
    });
  });

  const popular = popularity(baskets, ids.length);

  it("best sellers and members' lists", () => {
    expect(popular.slice(0, 10)).toEqual(expected.popular);
    const byId = new Map(ids.map((id, i) => [id, built.neighbours[i]!]));
    for (const [customer, list] of Object.entries(expected.memberRecs)) {
      const recs = recommendProducts(
        [...byCustomer.get(customer)!],
        (id) => byId.get(id) ?? ([] as NeighbourLink[]),
        popularityIndex(popular),
      );
      expect(
        recs.map((r) => r.productId),
        customer,
      ).toEqual(list);
    }
  });

  it("precision@k and recall@k of the blend, CF, content, best sellers and random on the holdout", () => {
    const e = evaluateHoldout(ids, content, fixture.purchases, fixture.cutoff);
    if (!e.ok) throw new Error(e.reason);
    expect(e.testCustomers).toBe(expected.testCustomers);
    expect(e.trainCustomers).toBe(expected.trainCustomers);
    for (const [method, atK] of Object.entries(expected.methods))
      atK.forEach((ref, j) => {
        const got = e.methods[method as keyof typeof e.methods][j]!;
        expect(got.k).toBe(ref.k);
        close(got.precision, ref.precision);
        close(got.recall, ref.recall);
      });
  });
});
