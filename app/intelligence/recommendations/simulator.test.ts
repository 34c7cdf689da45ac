import { describe, expect, it } from "vitest";
import { generateShop } from "../../../simulator/index";
import { evaluateHoldout, holdoutCutoff, type Method } from "./evaluate";
import { simulatorCatalog, simulatorPurchases } from "./simulator-testing";
import { productTokens, tfidf } from "./tfidf";

// A 6,000-customer simulator shop (seed 7, 240 products, 18 months): fitted on the orders
// before the last 90 days, judged on what each returning customer bought for the first time
// in them. The simulator's customers buy from a few favourite categories at prices near
// their usual basket, so best sellers are a strong baseline; the blend must beat it and
// random by the margins below (figures in the README).

const shop = generateShop({ seed: 7, customers: 6_000 });
const { ids, texts } = simulatorCatalog(shop);
const purchases = simulatorPurchases(shop);
const cutoff = holdoutCutoff(purchases.map((p) => p.day))!;
const vectors = tfidf(texts.map(productTokens)).vectors;

describe("product recommendations on a simulator shop (time holdout)", () => {
  const e = evaluateHoldout(ids, { kind: "sparse", vectors }, purchases, cutoff);
  if (!e.ok) throw new Error(e.reason);
  const at = (m: Method, k: number) => e.methods[m].find((a) => a.k === k)!;

  it("evaluates over a thousand returning customers", () => {
    expect(e.testCustomers).toBeGreaterThan(1_000);
  });

  it.each([5, 10])("the blend beats best sellers by ≥ 10%% and random by ≥ 4× at k = %i", (k) => {
    expect(at("blend", k).precision).toBeGreaterThanOrEqual(1.1 * at("popularity", k).precision);
    expect(at("blend", k).recall).toBeGreaterThanOrEqual(1.1 * at("popularity", k).recall);
    expect(at("blend", k).precision).toBeGreaterThanOrEqual(4 * at("random", k).precision);
    expect(at("blend", k).recall).toBeGreaterThanOrEqual(4 * at("random", k).recall);
  });

  it("the blend is at least as good as either part alone at k = 5", () => {
    expect(at("blend", 5).precision).toBeGreaterThanOrEqual(at("cf", 5).precision);
    expect(at("blend", 5).precision).toBeGreaterThan(at("content", 5).precision);
  });

  it("prints the figures", () => {
    const row = (m: Method) =>
      e.methods[m]
        .map((a) => `P@${a.k} ${a.precision.toFixed(4)} R@${a.k} ${a.recall.toFixed(4)}`)
        .join("  ");
    console.info(
      ["blend", "cf", "content", "popularity", "random"]
        .map((m) => `${m.padEnd(10)} ${row(m as Method)}`)
        .join("\n"),
    );
  });
});
