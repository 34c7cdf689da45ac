import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createOpenAiClient } from "~/openai.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { startOpenAiStub, type OpenAiStub } from "../../../emulator/openai/stub";
import { productRecommendationsFor } from "./member.server";
import { mirrorSimulatorShopWithProducts } from "./mirror-testing.server";
import { runRecommendationRun, type StoredEvaluation } from "./run.server";
import { EMBEDDING_DIMENSIONS } from "./vectors.server";

// The recommendation service in the real database on simulator shops: TF-IDF vectors and
// neighbours stored, the holdout evaluation recorded, members' lists with reasons; OpenAI
// embeddings (the stub) only for new or changed products, a failure falling back to TF-IDF;
// one product is too few and keeps the previous neighbours.

const db = prisma();
const SHOP = "recs-service.myshopify.com";
const OTHER = "recs-other.myshopify.com";
let stub: OpenAiStub;

beforeAll(async () => {
  stub = await startOpenAiStub({ apiKey: "sk-test-recs-0123456789" });
});
afterAll(() => stub.close());
beforeEach(() => resetDatabase(db));

const client = (apiKey = "sk-test-recs-0123456789") =>
  createOpenAiClient({
    apiKey,
    baseURL: stub.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    maxRetries: 0,
    timeoutMs: 5_000,
  });
const newRun = (shop = SHOP) => db.recommendationRun.create({ data: { shop, trigger: "merchant" } });

describe("runRecommendationRun", () => {
  it("stores TF-IDF vectors, neighbours, best sellers and the evaluation; members get lists with reasons", async () => {
    const { shop } = await mirrorSimulatorShopWithProducts(db, SHOP, { seed: 7, customers: 1_500 });
    const run = await newRun();
    const progress: number[] = [];
    const outcome = await runRecommendationRun(db, run.id, {
      openAi: null,
      onProgress: async (p) => void progress.push(p),
    });
    expect(outcome).toEqual({ status: "computed", products: 240 });
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const stored = await db.recommendationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({
      status: "computed",
      source: "tfidf",
      products: 240,
      embedded: 0,
      progress: 1,
    });
    const evaluation = stored.evaluation as StoredEvaluation;
    if (!evaluation.ok) throw new Error(evaluation.reason);
    expect(evaluation.testCustomers).toBeGreaterThan(200);
    expect(evaluation.methods.blend[0]!.precision).toBeGreaterThan(
      3 * evaluation.methods.random[0]!.precision,
    );
    expect(await db.productVector.count({ where: { shop: SHOP, source: "tfidf" } })).toBe(240);
    const neighbours = await db.productNeighbour.count({ where: { shop: SHOP } });
    expect(neighbours).toBeGreaterThan(240 * 15);
    expect(neighbours).toBeLessThanOrEqual(240 * 20);

    const buyer = shop.orders.find((o) => o.customerId != null)!.customerId!;
    const recs = await productRecommendationsFor(db, SHOP, BigInt(buyer), { limit: 5 });
    expect(recs!.products).toHaveLength(5);
    expect(recs!.computedAt).toBe(stored.computedAt!.toISOString());
    const bought = new Set(
      shop.orders
        .filter((o) => o.customerId === buyer)
        .flatMap((o) => o.lineItems.map((l) => String(l.productId))),
    );
    for (const p of recs!.products) {
      expect(bought.has(p.productId)).toBe(false);
      expect(p.title).not.toMatch(/^Product /);
      expect(p.reasons.length).toBeGreaterThan(0);
      for (const r of p.reasons) expect(r.text).toMatch(/^(Bought together with|Similar to|A best seller)/);
    }
    // Same input, same list.
    expect(await productRecommendationsFor(db, SHOP, BigInt(buyer), { limit: 5 })).toEqual(recs);
    // A customer who never bought gets the best sellers; another shop's customer is unknown here.
    const never = shop.customerInputs.find((c) => !shop.orders.some((o) => o.customerId === c.id))!;
    const cold = await productRecommendationsFor(db, SHOP, BigInt(never.id!), { limit: 3 });
    expect(cold!.products.map((p) => p.reasons[0]!.kind)).toEqual(["popular", "popular", "popular"]);
    expect(cold!.purchasedProducts).toBe(0);
    expect(await productRecommendationsFor(db, OTHER, BigInt(buyer))).toBeNull();
    expect(await productRecommendationsFor(db, SHOP, 999n)).toBeNull();
  });

  it("embeds with OpenAI only the products that are new or changed", async () => {
    await mirrorSimulatorShopWithProducts(db, SHOP, { seed: 3, customers: 300, historyMonths: 12 });
    const embedCalls = () => stub.state.requests.filter((r) => r.path === "/v1/embeddings");
    const before = embedCalls().length;
    const first = await newRun();
    await runRecommendationRun(db, first.id, { openAi: client() });
    expect(await db.recommendationRun.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: "computed",
      source: "openai",
      embedded: 240,
    });
    const vectors = await db.productVector.findMany({ where: { shop: SHOP, source: "openai" } });
    expect(vectors).toHaveLength(240);
    expect(
      vectors.every((v) => v.dims === EMBEDDING_DIMENSIONS && v.values.length === EMBEDDING_DIMENSIONS),
    ).toBe(true);
    expect(embedCalls().at(-1)!.body).toMatchObject({
      model: "text-embedding-3-small",
      dimensions: EMBEDDING_DIMENSIONS,
    });

    const second = await newRun();
    await runRecommendationRun(db, second.id, { openAi: client() });
    expect((await db.recommendationRun.findUniqueOrThrow({ where: { id: second.id } })).embedded).toBe(0);

    const product = await db.product.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { id: "asc" } });
    await db.product.update({
      where: { shop_id: { shop: SHOP, id: product.id } },
      data: { description: "Now in recycled cotton." },
    });
    const third = await newRun();
    await runRecommendationRun(db, third.id, { openAi: client() });
    expect((await db.recommendationRun.findUniqueOrThrow({ where: { id: third.id } })).embedded).toBe(1);
    const input = embedCalls().at(-1)!.body.input as string[];
    expect(input).toHaveLength(1);
    expect(input[0]).toContain("Now in recycled cotton.");
    expect(embedCalls().length - before).toBe(2 + 1); // 240 in batches of 200, then one
  });

  it("falls back to TF-IDF when OpenAI fails, and says so", async () => {
    await mirrorSimulatorShopWithProducts(db, SHOP, { seed: 3, customers: 300, historyMonths: 12 });
    const run = await newRun();
    await runRecommendationRun(db, run.id, { openAi: client("sk-wrong-key-000000000000") });
    const stored = await db.recommendationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "computed", source: "tfidf" });
    expect((stored.evaluation as StoredEvaluation).note).toMatch(
      /^OpenAI embeddings failed \(.*401.*\); TF-IDF was used\.$/,
    );
    expect(JSON.stringify(stored)).not.toContain("sk-wrong-key");
  });

  it("one product is too few: the reason is recorded and the previous neighbours stay", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    await db.product.createMany({
      data: [
        { shop: SHOP, id: 1n, title: "Linen shirt", description: "Light linen." },
        { shop: SHOP, id: 2n, title: "Linen trousers", description: "Light linen." },
      ],
    });
    const first = await newRun();
    expect((await runRecommendationRun(db, first.id, { openAi: null })).status).toBe("computed");
    expect(await db.productNeighbour.count({ where: { shop: SHOP } })).toBe(2);
    await db.product.delete({ where: { shop_id: { shop: SHOP, id: 2n } } });
    const second = await newRun();
    expect((await runRecommendationRun(db, second.id, { openAi: null })).status).toBe("notEnoughData");
    expect(await db.recommendationRun.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      status: "notEnoughData",
      reason: "not enough products yet: recommendations need at least 2 products; there is 1.",
    });
    expect(await db.productNeighbour.count({ where: { shop: SHOP } })).toBe(2);
    // A finished run is not run again.
    expect(await runRecommendationRun(db, second.id, { openAi: null })).toEqual({
      status: "skipped",
      products: 0,
    });
  });
});
