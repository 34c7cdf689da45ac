import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { columnsContaining, resetDatabase } from "~tests/support/webhooks.server";
import { handleImportRequest, MAX_ITEMS } from "./endpoint.server";
import {
  importSecretStatus,
  rotateImportSecret,
  SHOP_HEADER,
  signBody,
  SIGNATURE_HEADER,
} from "./secret.server";

// The signed import endpoint: who may call it (401), what it reads (400, 413), what it
// answers about each row (200, 422 with row numbers), and the secret behind it.

const db = prisma();
const SHOP = "endpoint.myshopify.com";
const URL_ = "https://app.example.com/api/v1/imports/reviews";

let secret: string;
beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP } });
  await db.customer.create({ data: { shop: SHOP, id: 101n, email: "ana@example.com" } });
  await db.product.create({ data: { shop: SHOP, id: 7001n, title: "Ceramic Mug", handle: "ceramic-mug" } });
  secret = (await rotateImportSecret(db, SHOP)).secret;
});

function post(
  body: string,
  headers: Record<string, string> = {},
  kind: "reviews" | "engagement" = "reviews",
) {
  const request = new Request(URL_.replace("reviews", kind), {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      [SHOP_HEADER]: SHOP,
      [SIGNATURE_HEADER]: signBody(secret, body),
      ...headers,
    },
  });
  return handleImportRequest(db, request, kind);
}

const review = (over: Record<string, unknown> = {}) => ({
  id: "r1",
  product_id: 7001,
  email: "Ana@Example.com",
  rating: 5,
  title: "Lovely",
  body: "Keeps coffee hot",
  date: "2024-03-05T10:00:00Z",
  ...over,
});

describe("who may call it", () => {
  it.each([
    ["no signature", { [SIGNATURE_HEADER]: "" }],
    ["a wrong signature", { [SIGNATURE_HEADER]: signBody("lsk_not-the-secret", "{}") }],
    ["garbage", { [SIGNATURE_HEADER]: "sha256=zz" }],
    ["another shop", { [SHOP_HEADER]: "someone-else.myshopify.com" }],
    ["no shop", { [SHOP_HEADER]: "" }],
  ])("refuses %s with 401 and writes nothing", async (_label, headers) => {
    const answer = await post(JSON.stringify({ reviews: [review()] }), headers);
    expect(answer.status).toBe(401);
    expect(await db.dataImport.count()).toBe(0);
  });

  it("refuses the previous secret once it is rotated", async () => {
    const old = secret;
    const rotated = await rotateImportSecret(db, SHOP);
    const body = JSON.stringify({ reviews: [review()] });
    expect((await post(body, { [SIGNATURE_HEADER]: signBody(old, body) })).status).toBe(401);
    expect((await post(body, { [SIGNATURE_HEADER]: signBody(rotated.secret, body) })).status).toBe(200);
  });

  it("keeps the secret only encrypted: its text is in no column", async () => {
    expect(await columnsContaining(db, secret)).toEqual([]);
    expect(await importSecretStatus(db, SHOP)).toMatchObject({
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
  });

  it("refuses an uninstalled shop", async () => {
    await db.shop.update({ where: { domain: SHOP }, data: { status: "uninstalled" } });
    expect((await post(JSON.stringify({ reviews: [review()] }))).status).toBe(401);
  });
});

describe("what it reads", () => {
  it.each([
    ["not JSON", "{reviews: ["],
    ["not the envelope", JSON.stringify([review()])],
    ["an empty list", JSON.stringify({ reviews: [] })],
    ["items that are not objects", JSON.stringify({ reviews: [1, 2] })],
    ["a bad source", JSON.stringify({ reviews: [review()], source: "Judge Me!" })],
  ])("answers %s with 400 and writes nothing", async (_label, body) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect((await answer.json()) as object).toHaveProperty("error");
    expect(await db.productReview.count()).toBe(0);
  });

  it("answers 413 past the item cap", async () => {
    const body = JSON.stringify({
      reviews: Array.from({ length: MAX_ITEMS + 1 }, (_, i) => review({ id: `r${i}` })),
    });
    expect((await post(body)).status).toBe(413);
    expect(await db.productReview.count()).toBe(0);
  });
});

describe("what it answers", () => {
  it("stores signed reviews (200), and the same request again as duplicates", async () => {
    const body = JSON.stringify({
      reviews: [review(), review({ id: "r2", product_id: 999, rating: 3 })],
      source: "judgeme",
    });
    const first = await post(body);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      received: 2,
      created: 2,
      duplicates: 0,
      rejected: 0,
      unmatchedProducts: 1,
    });
    const second = await post(body);
    expect(await second.json()).toMatchObject({ created: 0, duplicates: 2 });
    expect(await db.productReview.findMany({ orderBy: { externalId: "asc" } })).toMatchObject([
      { source: "judgeme", externalId: "r1", customerId: 101n, productId: 7001n },
      { source: "judgeme", externalId: "r2", customerId: 101n, productId: null, productRef: "999" },
    ]);
    expect(await db.dataImport.count({ where: { shop: SHOP, source: "api", status: "completed" } })).toBe(2);
  });

  it("refuses a body holding NUL or an unpaired surrogate with 422 naming where, and writes nothing", async () => {
    for (const [bad, where] of [
      [review({ body: "Keeps coffee\u0000 hot" }), "reviews.0.body"],
      [review({ title: "Lovely \uD83D" }), "reviews.0.title"],
    ] as const) {
      const answer = await post(JSON.stringify({ reviews: [bad] }));
      expect(answer.status).toBe(422);
      expect(((await answer.json()) as { error: string }).error).toBe(
        `${where}: Can't hold the character U+0000 or an unpaired surrogate.`,
      );
    }
    expect(await db.productReview.count()).toBe(0);
    expect(await db.dataImport.count()).toBe(0);
  });

  it("stores the valid rows and answers 422 with the bad ones by number", async () => {
    const body = JSON.stringify({
      reviews: [review(), review({ id: "r2", rating: 0 }), review({ id: "r3", date: "soon" })],
    });
    const answer = await post(body);
    expect(answer.status).toBe(422);
    const json = (await answer.json()) as {
      created: number;
      rejected: number;
      issues: { row: number; field: string }[];
    };
    expect(json).toMatchObject({ created: 1, rejected: 2 });
    expect(json.issues.map((i) => [i.row, i.field])).toEqual([
      [2, "rating"],
      [3, "date"],
    ]);
    expect(await db.productReview.count()).toBe(1);
  });

  it("takes engagement events at its own address", async () => {
    const body = JSON.stringify({
      events: [
        {
          id: "e1",
          email: "ana@example.com",
          channel: "email",
          type: "open",
          campaign: "Spring",
          timestamp: "2024-03-05T10:00:00Z",
        },
      ],
      source: "klaviyo",
    });
    const answer = await post(body, {}, "engagement");
    expect(answer.status).toBe(200);
    expect(await db.engagementEvent.findMany()).toMatchObject([
      { source: "klaviyo", externalId: "e1", customerId: 101n, type: "open" },
    ]);
    expect((await post(JSON.stringify({ reviews: [review()] }), {}, "engagement")).status).toBe(400);
  });
});
