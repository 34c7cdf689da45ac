import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { columnsContaining, recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { importItems } from "./imports.server";
import { rotateImportSecret } from "./secret.server";

// The GDPR topics over imported reviews and engagement: customers/data_request exports
// them, customers/redact keeps a review's rating, product and date without the reviewer
// or their words and deletes the engagement events, later imports of the same person keep
// none of it, and shop/redact erases every import table.

const db = prisma();
const SHOP = "imports-redact.myshopify.com";
const OTHER = "imports-redact-other.myshopify.com";
const HER = {
  id: 4001,
  email: "Wilhelmina.Strand@example.org",
  phone: "+15553217654",
  name: "Wilhelmina Strand",
};
const HIS = { id: 4002, email: "osric.vale@example.net", phone: "+15550009999", name: "Osric Vale" };
const HER_WORDS = "Wilhelmina loved the teapot her grandson sent";

async function seed(shop: string) {
  await db.shop.create({ data: { domain: shop } });
  await db.product.create({ data: { shop, id: 7001n, title: "Teapot", handle: "teapot" } });
  for (const p of [HER, HIS])
    await db.customer.create({
      data: { shop, id: BigInt(p.id), email: p.email, phone: p.phone, firstName: p.name },
    });
  await rotateImportSecret(db, shop);
  const reviews = [HER, HIS].map((p, i) => ({
    id: `rv-${p.id}`,
    product_handle: "teapot",
    email: p.email,
    name: p.name,
    rating: 4 + i,
    title: `${p.name.split(" ")[0]}'s review`,
    body: p === HER ? HER_WORDS : "Fine teapot",
    date: "2025-05-01",
  }));
  await importItems(db, shop, "reviews", reviews, "judgeme");
  const events = [HER, HIS].flatMap((p) => [
    { email: p.email, channel: "email", type: "send", campaign: "May", timestamp: "2025-05-02T09:00:00Z" },
    { phone: p.phone, channel: "sms", type: "click", campaign: "May SMS", timestamp: "2025-05-03T09:00:00Z" },
  ]);
  await importItems(db, shop, "engagement", events, "klaviyo");
}

async function deliverAndProcess(shop: string, topic: string, payload: unknown) {
  const id = await recordDelivery(db, { shop, topic, payload });
  await processWebhookEvent(db, id);
  return id;
}

const herRequest = (shop: string) => ({
  shop_id: 1,
  shop_domain: shop,
  customer: { id: HER.id, email: HER.email, phone: HER.phone },
  orders_to_redact: [],
});

beforeEach(async () => {
  await resetDatabase(db);
  await seed(SHOP);
  await seed(OTHER);
});

describe("customers/data_request", () => {
  it("exports her reviews and engagement events, nobody else's", async () => {
    await deliverAndProcess(SHOP, "customers/data_request", { ...herRequest(SHOP), orders_requested: [] });
    const data = (await db.dataExport.findFirstOrThrow({ where: { shop: SHOP } })).data as {
      productReviews: { externalId: string; body: string }[];
      engagementEvents: { channel: string; type: string }[];
    };
    expect(data.productReviews).toEqual([
      expect.objectContaining({ externalId: `rv-${HER.id}`, body: HER_WORDS }),
    ]);
    expect(data.engagementEvents.map((e) => [e.channel, e.type])).toEqual([
      ["email", "send"],
      ["sms", "click"],
    ]);
    expect(JSON.stringify(data)).not.toContain(HIS.email);
  });
});

describe("customers/redact", () => {
  it("keeps her rating without her or her words, deletes her events, and keeps his and other shops'", async () => {
    await deliverAndProcess(SHOP, "customers/redact", herRequest(SHOP));
    expect(
      await db.productReview.findUniqueOrThrow({
        where: { shop_source_externalId: { shop: SHOP, source: "judgeme", externalId: `rv-${HER.id}` } },
      }),
    ).toMatchObject({
      rating: 4,
      productId: 7001n,
      customerId: null,
      reviewerEmail: null,
      reviewerName: null,
      title: null,
      body: null,
      redactedAt: expect.any(Date),
    });
    expect(await db.engagementEvent.count({ where: { shop: SHOP } })).toBe(2);
    expect(await db.engagementEvent.count({ where: { shop: SHOP, customerId: BigInt(HIS.id) } })).toBe(2);
    for (const value of [HER.email, HER.phone, HER.name, HER_WORDS])
      expect(await columnsContaining(db, value, { shop: SHOP })).toEqual([]);
    expect(
      await db.productReview.count({ where: { shop: OTHER, reviewerEmail: HER.email.toLowerCase() } }),
    ).toBe(1);
  });

  it("stores nothing of hers from a later import of the same rows", async () => {
    await deliverAndProcess(SHOP, "customers/redact", herRequest(SHOP));
    await importItems(
      db,
      SHOP,
      "reviews",
      [
        {
          id: "rv-new",
          product_handle: "teapot",
          email: HER.email,
          name: HER.name,
          rating: 2,
          body: HER_WORDS,
          date: "2025-06-01",
        },
      ],
      "judgeme",
    );
    await importItems(
      db,
      SHOP,
      "engagement",
      [
        {
          email: HER.email,
          channel: "email",
          type: "open",
          campaign: "June",
          timestamp: "2025-06-02T09:00:00Z",
        },
      ],
      "klaviyo",
    );
    for (const value of [HER.email, HER.name, HER_WORDS])
      expect(await columnsContaining(db, value, { shop: SHOP })).toEqual([]);
    expect(await db.productReview.findFirst({ where: { shop: SHOP, externalId: "rv-new" } })).toMatchObject({
      rating: 2,
      body: null,
    });
  });

  it("drops an uploaded file still waiting to be imported that names her", async () => {
    // A large upload the worker has not run yet.
    const imp = await db.dataImport.create({
      data: {
        shop: SHOP,
        kind: "reviews",
        source: "csv",
        format: "generic",
        rows: 2,
        fileName: "big.csv",
        content: `product_handle,email,rating,date\nteapot,${HER.email},5,2025-05-01\nteapot,${HIS.email},4,2025-05-01\n`,
      },
    });
    await deliverAndProcess(SHOP, "customers/redact", herRequest(SHOP));
    expect(await db.dataImport.findUniqueOrThrow({ where: { id: imp.id } })).toMatchObject({
      content: null,
      status: "failed",
    });
  });
});

describe("shop/redact", () => {
  it("erases the shop's imports, reviews, events and secret, and nothing of the other shop", async () => {
    await deliverAndProcess(SHOP, "shop/redact", { shop_id: 1, shop_domain: SHOP });
    for (const model of ["dataImport", "productReview", "engagementEvent", "importSecret"] as const) {
      expect(
        await (db[model] as { count: (a: object) => Promise<number> }).count({ where: { shop: SHOP } }),
      ).toBe(0);
      expect(
        await (db[model] as { count: (a: object) => Promise<number> }).count({ where: { shop: OTHER } }),
      ).toBeGreaterThan(0);
    }
  });
});
