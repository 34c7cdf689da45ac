import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { apiKeysAction } from "~/admin/api-keys/page.server";
import { createApiKey, hashKey, revokeApiKey } from "./keys.server";
import { API_RATE_LIMIT, recommendationsResponse } from "./recommendations.server";

// GET /api/v1/recommendations/{customerId} over the real database and Redis: the key decides
// the shop; bad or missing keys 401, a key without the scope 403, malformed ids 400, another
// shop's customer 404, over the rate 429; the body lists products with reasons.

const db = prisma();
const A = "api-a.myshopify.com";
const B = "api-b.myshopify.com";
const URL_OF = (id: string, query = "") => `https://app.example/api/v1/recommendations/${id}${query}`;

async function seed() {
  for (const shop of [A, B]) await db.shop.create({ data: { domain: shop } });
  await db.customer.createMany({
    data: [
      { shop: A, id: 101n, email: "ana@example.com" },
      { shop: A, id: 102n, email: "bo@example.com" },
      { shop: B, id: 201n, email: "cy@example.com" },
    ],
  });
  await db.product.createMany({
    data: [
      { shop: A, id: 1n, title: "Linen shirt" },
      { shop: A, id: 2n, title: "Linen trousers" },
      { shop: A, id: 3n, title: "Steel pan" },
    ],
  });
  await db.order.create({
    data: {
      shop: A,
      id: 9001n,
      customerId: 101n,
      name: "#1",
      currencyCode: "USD",
      subtotalMinor: 1000n,
      totalMinor: 1000n,
      lineItems: [{ legacyId: "1", productId: "1", quantity: 1 }],
      processedAt: new Date("2026-11-01T00:00:00Z"),
    },
  });
  const run = await db.recommendationRun.create({
    data: {
      shop: A,
      trigger: "test",
      status: "computed",
      source: "tfidf",
      products: 3,
      popular: [
        { productId: "3", buyers: 4 },
        { productId: "1", buyers: 2 },
      ],
      computedAt: new Date("2026-12-01T04:15:00Z"),
    },
  });
  await db.productNeighbour.create({
    data: {
      shop: A,
      productId: 1n,
      rank: 0,
      neighbourId: 2n,
      score: 0.5,
      cfScore: 0.5,
      contentScore: 0.5,
      coPurchases: 3,
      runId: run.id,
    },
  });
}

const call = (id: string, authorization?: string, query = "") =>
  recommendationsResponse(
    new Request(URL_OF(id, query), { headers: authorization ? { Authorization: authorization } : {} }),
    id,
    { db, redis: redis() },
  );

let keyA: string;
beforeEach(async () => {
  await resetDatabase(db);
  await seed();
  const created = await createApiKey(db, A, { name: "test", scopes: ["recommendations:read"] });
  if ("error" in created) throw new Error(created.error);
  keyA = created.key;
  await redis().del(`ratelimit:api:${created.row.id}`);
});

describe("GET /api/v1/recommendations/{customerId}", () => {
  it("answers the member's products with reasons, for the key's shop", async () => {
    const res = await call("101", `Bearer ${keyA}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.json()).toEqual({
      customerId: "101",
      computedAt: "2026-12-01T04:15:00.000Z",
      source: "tfidf",
      products: [
        {
          productId: "2",
          title: "Linen trousers",
          score: 0.5,
          reasons: [
            {
              kind: "boughtTogether",
              productId: "1",
              coPurchases: 3,
              title: "Linen shirt",
              text: "Bought together with Linen shirt (3 customers)",
            },
          ],
        },
        {
          productId: "3",
          title: "Steel pan",
          score: 0.5,
          reasons: [{ kind: "popular", text: "A best seller in the shop" }],
        },
      ],
      rewards: null,
    });
    const limited = await (await call("101", `Bearer ${keyA}`, "?limit=1")).json();
    expect(limited.products).toHaveLength(1);
    expect((await db.apiKey.findFirstOrThrow({ where: { shop: A } })).lastUsedAt).not.toBeNull();
  });

  it.each([
    ["no header", undefined],
    ["a malformed header", "Token abc"],
    ["an unknown key", `Bearer lo_${"x".repeat(40)}`],
  ])("401 with %s", async (_label, authorization) => {
    const res = await call("101", authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("401 once the key is revoked", async () => {
    const row = await db.apiKey.findFirstOrThrow({ where: { shop: A } });
    expect(await revokeApiKey(db, B, row.id)).toBe(false); // another shop cannot revoke it
    expect(await revokeApiKey(db, A, row.id)).toBe(true);
    expect((await call("101", `Bearer ${keyA}`)).status).toBe(401);
  });

  it("401 once the shop uninstalled the app", async () => {
    await db.shop.update({
      where: { domain: A },
      data: { status: "uninstalled", uninstalledAt: new Date() },
    });
    expect((await call("101", `Bearer ${keyA}`)).status).toBe(401);
  });

  it("403 for a key without the scope", async () => {
    const row = await db.apiKey.findFirstOrThrow({ where: { shop: A } });
    await db.apiKey.update({ where: { id: row.id }, data: { scopes: [] } });
    expect((await call("101", `Bearer ${keyA}`)).status).toBe(403);
  });

  it.each([
    "abc",
    "0",
    "-1",
    "1.5",
    "gid://shopify/Customer/101",
    "99999999999999999999",
    "9223372036854775808",
  ])("400 for customer id %s", async (id) => {
    const res = await call(id, `Bearer ${keyA}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_customer_id");
  });

  it.each(["0", "51", "x", "2.5"])("400 for limit %s", async (limit) => {
    expect((await call("101", `Bearer ${keyA}`, `?limit=${limit}`)).status).toBe(400);
  });

  it("404 for another shop's customer and for an unknown one", async () => {
    for (const id of ["201", "555"]) {
      const res = await call(id, `Bearer ${keyA}`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe("customer_not_found");
    }
  });

  it("answers the member's recommended reward beside the products, ranked to the limit", async () => {
    const run = await db.rewardRecommendationRun.create({
      data: { shop: A, trigger: "test", status: "computed", method: "model", currencyCode: "USD" },
    });
    const choice = (rewardId: string, probability: number) => ({
      rewardId,
      rewardName: rewardId,
      pointsCost: 500,
      pointsGap: 0,
      probability,
      marginImpactMinor: 1200,
      expectedValueMinor: probability * 1200,
    });
    await db.memberRewardRecommendation.create({
      data: {
        shop: A,
        customerId: 101n,
        runId: run.id,
        method: "model",
        rewardId: "fifteen-off",
        rewardName: "fifteen-off",
        pointsCost: 500,
        pointsGap: 0,
        probability: 0.4,
        expectedValueMinor: 480,
        marginImpactMinor: 1200,
        drivers: [{ label: "Can afford it now", contribution: 1.2 }],
        ranked: [choice("fifteen-off", 0.4), choice("five-off", 0.2)],
        computedAt: new Date("2026-12-01T04:00:00Z"),
      },
    });
    const body = await (await call("101", `Bearer ${keyA}`, "?limit=1")).json();
    expect(body.products).toHaveLength(1);
    expect(body.rewards).toEqual({
      method: "model",
      reason: null,
      horizonDays: 90,
      currency: "USD",
      computedAt: "2026-12-01T04:00:00.000Z",
      recommended: {
        ...choice("fifteen-off", 0.4),
        drivers: [{ label: "Can afford it now", contribution: 1.2 }],
      },
      ranked: [choice("fifteen-off", 0.4)],
    });
  });

  it("a member of a shop never computed gets an empty list and no time", async () => {
    const created = await createApiKey(db, B, { name: "b", scopes: ["recommendations:read"] });
    if ("error" in created) throw new Error(created.error);
    expect(await (await call("201", `Bearer ${created.key}`)).json()).toEqual({
      customerId: "201",
      computedAt: null,
      source: null,
      products: [],
      rewards: null,
    });
  });

  it("429 over the key's rate, with Retry-After", async () => {
    const row = await db.apiKey.findFirstOrThrow({ where: { shop: A } });
    await redis().set(`ratelimit:api:${row.id}`, String(API_RATE_LIMIT.limit), "PX", 60_000);
    const res = await call("101", `Bearer ${keyA}`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

describe("Settings › API keys actions", () => {
  const form = (entries: [string, string][]) => {
    const f = new FormData();
    for (const [k, v] of entries) f.append(k, v);
    return f;
  };

  it("creates a key shown once and stored only as its sha256 with a display prefix", async () => {
    const answer = await apiKeysAction(
      db,
      B,
      form([
        ["intent", "create"],
        ["name", " Storefront "],
        ["scopes", "recommendations:read"],
      ]),
    );
    expect(answer.status).toBe(201);
    if (!answer.body.ok || !answer.body.created) throw new Error("not created");
    const { key, id } = answer.body.created;
    const row = await db.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      shop: B,
      name: "Storefront",
      prefix: key.slice(0, 11),
      hash: hashKey(key),
      scopes: ["recommendations:read"],
    });
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it.each([
    [
      [
        ["intent", "create"],
        ["name", ""],
        ["scopes", "recommendations:read"],
      ],
      422,
    ],
    [
      [
        ["intent", "create"],
        ["name", "x"],
      ],
      422,
    ],
    [
      [
        ["intent", "create"],
        ["name", "x"],
        ["scopes", "orders:write"],
      ],
      422,
    ],
    [
      [
        ["intent", "revoke"],
        ["id", "nope"],
      ],
      400,
    ],
    [[["intent", "explode"]], 400],
  ] as [[string, string][], number][])("refuses %j with %i and writes nothing", async (entries, status) => {
    const before = await db.apiKey.count();
    expect((await apiKeysAction(db, A, form(entries))).status).toBe(status);
    expect(await db.apiKey.count()).toBe(before);
  });

  it("revokes the shop's own key; another shop's key id is not found", async () => {
    const row = await db.apiKey.findFirstOrThrow({ where: { shop: A } });
    expect(
      (
        await apiKeysAction(
          db,
          B,
          form([
            ["intent", "revoke"],
            ["id", row.id],
          ]),
        )
      ).status,
    ).toBe(404);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).toBeNull();
    expect(
      (
        await apiKeysAction(
          db,
          A,
          form([
            ["intent", "revoke"],
            ["id", row.id],
          ]),
        )
      ).status,
    ).toBe(200);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
  });

  it("refuses a 21st active key", async () => {
    for (let i = 0; i < 19; i++)
      await createApiKey(db, A, { name: `k${i}`, scopes: ["recommendations:read"] });
    const answer = await apiKeysAction(
      db,
      A,
      form([
        ["intent", "create"],
        ["name", "one more"],
        ["scopes", "recommendations:read"],
      ]),
    );
    expect(answer.status).toBe(409);
  });
});
