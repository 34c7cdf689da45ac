import { describe, expect, it } from "vitest";
import { blendNeighbours } from "./blend";
import { itemItemCf } from "./cf";
import { contentHash, contentText } from "./content-hash";
import { denseNeighbours, sparseDot, sparseNeighbours } from "./content";
import { evaluateHoldout, holdoutCutoff } from "./evaluate";
import { buildNeighbours } from "./model";
import { idOrder, popularity, popularityIndex, recommendProducts, type NeighbourLink } from "./recommend";
import { productTokens, tfidf, tokenize } from "./tfidf";
import { TopN } from "./top";

// Hand-checked cases and invariants; the numbers against numpy are in reference.test.ts.

describe("tokens and TF-IDF", () => {
  it("lower-cases, drops stop words, one-letter words and bare numbers", () => {
    expect(tokenize("The Linen SHIRT, 2 pack — with a 3D print!")).toEqual([
      "linen",
      "shirt",
      "pack",
      "3d",
      "print",
    ]);
  });

  it("counts the title twice and reads description, type and tags", () => {
    expect(
      productTokens({ title: "Wool Hat", description: "Warm.", productType: "Hats", tags: ["winter"] }),
    ).toEqual(["wool", "hat", "wool", "hat", "warm", "hats", "winter"]);
  });

  it("gives unit vectors, drops words in more than half the products, and a shared rare word scores", () => {
    const docs = [
      ["linen", "shirt", "common"],
      ["linen", "trousers", "common"],
      ["wool", "hat", "common"],
      ["steel", "pan", "common"],
    ];
    const m = tfidf(docs);
    expect(m.vocabulary).not.toContain("common");
    for (const v of m.vectors) expect(sparseDot(v, v)).toBeCloseTo(1, 12);
    expect(sparseDot(m.vectors[0]!, m.vectors[1]!)).toBeGreaterThan(0);
    expect(sparseDot(m.vectors[0]!, m.vectors[2]!)).toBe(0);
  });
});

describe("neighbours", () => {
  it("TopN keeps the best n, ties to the smaller index", () => {
    const top = new TopN(3);
    [
      [5, 0.1],
      [2, 0.9],
      [7, 0.5],
      [1, 0.5],
      [9, 0.95],
      [3, 0.5],
    ].forEach(([i, s]) => top.offer(i!, s!));
    expect(top.sorted().map((s) => s.index)).toEqual([9, 2, 1]);
  });

  it("sparse and dense content neighbours agree on the same vectors", () => {
    const m = tfidf([["a1", "b1"], ["a1", "c1"], ["b1", "c1"], ["d1", "a1"], ["e1"]], { maxDf: 1 });
    const dense = m.vectors.map((v) => {
      const out = new Float64Array(m.vocabulary.length);
      v.indices.forEach((i, k) => (out[i] = v.values[k]!));
      return out;
    });
    const s = sparseNeighbours(m.vectors, 3);
    const d = denseNeighbours(dense, 3);
    expect(s.map((r) => r.map((x) => x.index))).toEqual(d.map((r) => r.map((x) => x.index)));
    s.forEach((r, i) => r.forEach((x, j) => expect(x.score).toBeCloseTo(d[i]![j]!.score, 12)));
    expect(s[4]).toEqual([]);
  });

  it("CF: conditional probability with shrinkage, below the minimum support nothing", () => {
    // Product 0 bought by customers 0..3; product 1 by 0..2; product 2 by customer 3 only.
    const baskets = [
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 2],
    ];
    const cf = itemItemCf(baskets, 3, { minSupport: 2, shrinkage: 5, alpha: 1 });
    expect(cf[0]).toEqual([{ index: 1, score: (3 / 4) * (3 / 8), coPurchases: 3 }]);
    expect(cf[1]).toEqual([{ index: 0, score: (3 / 3) * (3 / 8), coPurchases: 3 }]);
    expect(cf[2]).toEqual([]);
    const cosine = itemItemCf(baskets, 3, { minSupport: 1, shrinkage: 0, alpha: 0.5 });
    expect(cosine[2]![0]!.score).toBeCloseTo(1 / Math.sqrt(4), 12);
  });

  it("CF leaves out customers with more distinct products than maxBasket", () => {
    const cf = itemItemCf(
      [
        [0, 1, 2],
        [0, 1, 2],
      ],
      3,
      { maxBasket: 2, minSupport: 1 },
    );
    expect(cf.every((row) => row.length === 0)).toBe(true);
  });

  it("blend: weighted parts, content computed for CF candidates, cf 0 for content-only ones", () => {
    const cf = [[{ index: 1, score: 0.5, coPurchases: 4 }], [], []];
    const content = [[{ index: 2, score: 0.9 }], [], []];
    const rows = blendNeighbours(cf, content, (a, b) => (a === 0 && b === 1 ? 0.2 : 0), 5, {
      cf: 0.8,
      content: 0.2,
    });
    expect(rows[0]).toEqual([
      { index: 1, score: 0.8 * 0.5 + 0.2 * 0.2, cfScore: 0.5, contentScore: 0.2, coPurchases: 4 },
      { index: 2, score: 0.2 * 0.9, cfScore: 0, contentScore: 0.9, coPurchases: 0 },
    ]);
  });

  it("too few products is a reason, not a model", () => {
    const r = buildNeighbours(["1"], { kind: "sparse", vectors: tfidf([["a"]]).vectors }, []);
    expect(r).toMatchObject({ ok: false, problem: "tooFewProducts" });
    if (!r.ok) expect(r.reason).toContain("at least 2 products; there is 1");
  });
});

describe("member recommendations", () => {
  const link = (productId: string, score: number, cf: number, content: number, co = 0): NeighbourLink => ({
    productId,
    score,
    cfScore: cf,
    contentScore: content,
    coPurchases: co,
  });
  const neighbours: Record<string, NeighbourLink[]> = {
    "10": [link("20", 0.5, 0.6, 0.1, 7), link("30", 0.3, 0, 1), link("11", 0.4, 0.5, 0, 3)],
    "11": [link("20", 0.2, 0.05, 0.8, 2), link("10", 0.9, 1, 0.5, 9)],
  };
  const of = (id: string) => neighbours[id] ?? [];
  const popular = popularityIndex([
    { productId: "40", buyers: 10 },
    { productId: "20", buyers: 5 },
    { productId: "50", buyers: 2 },
  ]);

  it("sums links over the bought products, adds the popularity prior, leaves out what was bought", () => {
    const recs = recommendProducts(["10", "11"], of, popular, { k: 3, popularityWeight: 0.5 });
    expect(recs.map((r) => [r.productId, r.score])).toEqual([
      ["20", 0.5 + 0.2 + 0.5 * 0.5],
      ["40", 0.5],
      ["30", 0.3],
    ]);
    expect(recs[0]!.reasons).toEqual([
      { kind: "boughtTogether", productId: "10", coPurchases: 7 },
      { kind: "similar", productId: "11" },
    ]);
    expect(recs[1]!.reasons).toEqual([{ kind: "popular" }]);
    expect(recs[2]!.reasons).toEqual([{ kind: "similar", productId: "10" }]);
  });

  it("keeps bought products when asked, and a member with no history gets the best sellers", () => {
    const recs = recommendProducts(["11"], of, popularityIndex([]), {
      k: 5,
      excludePurchased: false,
      popularityWeight: 0,
    });
    expect(recs.map((r) => r.productId)).toEqual(["10", "20"]);
    expect(recommendProducts([], of, popular, { k: 2 }).map((r) => r.productId)).toEqual(["40", "20"]);
  });

  it("is deterministic: ties go to the smaller id (numerically)", () => {
    const tie = { "1": [link("9", 0.5, 0.5, 0, 2), link("10", 0.5, 0.5, 0, 2)] } as Record<
      string,
      NeighbourLink[]
    >;
    expect(
      recommendProducts(["1"], (id) => tie[id] ?? [], popularityIndex([]), { popularityWeight: 0 }).map(
        (r) => r.productId,
      ),
    ).toEqual(["9", "10"]);
    expect(["10", "9", "100", "11"].sort(idOrder)).toEqual(["9", "10", "11", "100"]);
  });

  it("popularity counts distinct buyers, ties to the smaller id", () => {
    expect(popularity([["2", "2", "1"], ["1"], ["3", "2"]], 2)).toEqual([
      { productId: "1", buyers: 2 },
      { productId: "2", buyers: 2 },
    ]);
  });
});

describe("evaluation", () => {
  it("the holdout is the last 90 days, or the last quarter of a shorter history", () => {
    expect(holdoutCutoff([0, 1000])).toBe(910);
    expect(holdoutCutoff([100, 200])).toBe(175);
    expect(holdoutCutoff([5, 5])).toBeNull();
    expect(holdoutCutoff([])).toBeNull();
  });

  it("too few repeat buyers is a reason", () => {
    const m = tfidf([["a"], ["b"]]);
    const e = evaluateHoldout(
      ["1", "2"],
      { kind: "sparse", vectors: m.vectors },
      [
        { customerId: "c", productId: "1", day: 1 },
        { customerId: "c", productId: "2", day: 9 },
      ],
      5,
    );
    expect(e).toMatchObject({ ok: false });
    if (!e.ok) expect(e.reason).toContain("at least 20 customers");
  });
});

describe("content hash", () => {
  it("changes with any of the text the vector is made from, not otherwise", () => {
    const p = { title: "Hat", description: "Warm", productType: "Hats", tags: ["a"] };
    const h = contentHash(contentText(p));
    expect(contentHash(contentText({ ...p }))).toBe(h);
    for (const changed of [
      { ...p, title: "Cap" },
      { ...p, description: "Cold" },
      { ...p, productType: null },
      { ...p, tags: ["b"] },
    ])
      expect(contentHash(contentText(changed))).not.toBe(h);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
  });
});
