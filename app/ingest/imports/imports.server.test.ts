import { readFileSync } from "node:fs";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { rememberRedacted } from "~/privacy/redacted-identities.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { INLINE_ROWS, previewCsv, runDataImport, startCsvImport } from "./imports.server";
import { IMPORT_CHUNK } from "./store.server";

// Reviews and engagement from the admin's CSV upload into ProductReview and
// EngagementEvent: matched to the mirror, the same file twice one set, unmatched customers
// and products kept and listed, bad rows skipped and listed, erased customers respected.

const db = prisma();
const SHOP = "imports.myshopify.com";
const OTHER = "imports-other.myshopify.com";
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

beforeEach(async () => {
  await resetDatabase(db);
  for (const shop of [SHOP, OTHER]) {
    await db.shop.create({ data: { domain: shop } });
    await db.customer.createMany({
      data: [
        { shop, id: 101n, email: "ana@example.com" },
        { shop, id: 102n, email: "BEN@example.com", phone: "+1 555 010 2233" },
        { shop, id: 103n, email: "chloe@example.com" },
      ],
    });
    await db.product.createMany({
      data: [
        { shop, id: 7001n, title: "Ceramic Mug", handle: "ceramic-mug" },
        { shop, id: 7002n, title: "Wool Scarf", handle: "wool-scarf" },
      ],
    });
  }
  await db.order.create({
    data: {
      shop: SHOP,
      id: 1n,
      name: "#1001",
      currencyCode: "USD",
      subtotalMinor: 100n,
      totalMinor: 100n,
      processedAt: new Date("2024-01-01T00:00:00Z"),
      lineItems: [
        {
          id: "1",
          productId: "7002",
          variantId: "1",
          sku: "SCARF-01",
          title: "Wool Scarf",
          quantity: 1,
          priceMinor: 100,
        },
      ],
    },
  });
});

afterAll(async () => {
  await closeQueues();
});

async function imported(kind: "reviews" | "engagement", name: string, shop = SHOP) {
  const answer = await startCsvImport(db, shop, kind, name, fixture(name));
  if (!answer.ok) throw new Error(answer.error);
  return answer.import;
}

describe("reviews", () => {
  it("imports a Judge.me export, matching products by id or handle and customers by email in any case", async () => {
    const imp = await imported("reviews", "judgeme-reviews.csv");
    expect(imp).toMatchObject({
      status: "completed",
      format: "judgeme",
      rows: 2,
      created: 2,
      duplicates: 0,
      rejected: 0,
    });
    const reviews = await db.productReview.findMany({
      where: { shop: SHOP },
      orderBy: { reviewedAt: "asc" },
    });
    expect(reviews.map((r) => [r.source, r.productId, r.customerId, r.rating, r.reviewerEmail])).toEqual([
      ["judgeme", 7001n, 101n, 5, "ana@example.com"],
      ["judgeme", 7001n, 102n, 2, "ben@example.com"],
    ]);
    expect(reviews[0]!.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await db.productReview.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("imports the same file twice as one set, the second time all duplicates", async () => {
    await imported("reviews", "yotpo-reviews.csv");
    const again = await imported("reviews", "yotpo-reviews.csv");
    expect(again).toMatchObject({ created: 0, duplicates: 2 });
    expect(await db.productReview.count({ where: { shop: SHOP } })).toBe(2);
    expect(
      (await db.productReview.findMany({ where: { shop: SHOP } })).map((r) => r.externalId).sort(),
    ).toEqual(["9001", "9002"]);
  });

  it("matches a product by SKU through mirrored orders' line items", async () => {
    const imp = await imported("reviews", "stamped-reviews.csv");
    expect(imp).toMatchObject({ created: 1, unmatchedProducts: 0, unmatchedCustomers: 1 });
    expect(await db.productReview.findFirst({ where: { shop: SHOP } })).toMatchObject({
      productId: 7002n,
      productRef: "sku:SCARF-01",
      customerId: null,
      reviewerEmail: "eve@example.com",
    });
  });

  it("keeps unmatched customers and products, lists them and the bad rows by row number", async () => {
    const text = [
      "product_handle,customer_id,email,rating,title,body,date",
      "ceramic-mug,101,,5,Good,,2024-05-01",
      "no-such-thing,,ana@example.com,4,Unknown product,,2024-05-02",
      "wool-scarf,999,,3,Unknown customer,,2024-05-03",
      "wool-scarf,,,9,Bad rating,,2024-05-04",
    ].join("\n");
    const answer = await startCsvImport(db, SHOP, "reviews", "mixed.csv", text);
    if (!answer.ok) throw new Error(answer.error);
    expect(answer.import).toMatchObject({
      rows: 4,
      created: 3,
      rejected: 1,
      unmatchedCustomers: 1,
      unmatchedProducts: 1,
      status: "completed",
    });
    expect(answer.import.issues).toEqual([
      { row: 5, field: "rating", kind: "error", message: 'Rating "9" is not a whole number from 1 to 5.' },
      {
        row: 3,
        field: "productId",
        kind: "unmatchedProduct",
        message: 'No product "no-such-thing" in the shop; the review is kept without one.',
      },
      {
        row: 4,
        field: "customerId",
        kind: "unmatchedCustomer",
        message: "No customer 999 in the shop; the review is kept without one.",
      },
    ]);
    expect(await db.productReview.count({ where: { shop: SHOP, productId: null } })).toBe(1);
  });

  it("stores a review of someone customers/redact erased without their data", async () => {
    await db.$transaction((tx) =>
      rememberRedacted(tx, SHOP, { customerIds: [], orderIds: [], emails: ["ana@example.com"] }, new Date()),
    );
    await imported("reviews", "okendo-reviews.csv");
    expect(await db.productReview.findFirst({ where: { shop: SHOP } })).toMatchObject({
      customerId: null,
      reviewerEmail: null,
      reviewerName: null,
      title: null,
      body: null,
      rating: 4,
      productId: 7001n,
    });
  });

  it("refuses a file with no importable row and writes nothing", async () => {
    const answer = await startCsvImport(db, SHOP, "reviews", "bad.csv", "rating,date\n9,2024-01-01\n");
    expect(answer).toEqual({
      ok: false,
      status: 422,
      error: "No row can be imported: every row has an error.",
    });
    expect(await startCsvImport(db, SHOP, "reviews", "x.xlsx", "a")).toMatchObject({ status: 422 });
    expect(await db.dataImport.count()).toBe(0);
  });

  it("previews the shape, the first rows and the errors without writing", () => {
    const preview = previewCsv("reviews", "generic-reviews.csv", fixture("generic-reviews.csv"));
    if (!preview.ok) throw new Error(preview.error);
    expect(preview).toMatchObject({ format: "generic", total: 6, valid: 1, invalid: 5 });
    expect(preview.rows[0]).toMatchObject({ productHandle: "ceramic-mug", customerId: "101", rating: 5 });
    expect(preview.issues.map((i) => i.row)).toEqual([3, 4, 5, 6, 7]);
  });

  it("queues a file over the inline limit for the worker, which imports it with progress", async () => {
    const lines = ["product_id,email,rating,title,date"];
    for (let i = 0; i <= INLINE_ROWS; i++) lines.push(`7001,ana@example.com,5,Review ${i},2024-01-01`);
    // Connected before the enqueue, whose short timeout is for a Redis that stopped answering.
    await queue(QUEUE.backfill).waitUntilReady();
    const answer = await startCsvImport(db, SHOP, "reviews", "large.csv", lines.join("\n"));
    if (!answer.ok) throw new Error(answer.error);
    expect(answer).toMatchObject({
      status: 202,
      import: { status: "running", rowsDone: 0, rows: INLINE_ROWS + 1 },
    });
    const job = await queue(QUEUE.backfill).getJob(`data-import-${answer.import.id}`);
    expect(job?.name).toBe("run-data-import");
    expect(await db.productReview.count({ where: { shop: SHOP } })).toBe(0);
    await job!.remove();
    const done = await runDataImport(db, answer.import.id);
    expect(done).toMatchObject({
      status: "completed",
      created: INLINE_ROWS + 1,
      rowsDone: INLINE_ROWS + 1,
      content: null,
    });
  });

  it("runs a large file in chunks and resumes a retried job where it stopped", async () => {
    const lines = ["product_id,email,rating,title,date"];
    for (let i = 0; i < 2 * IMPORT_CHUNK + 10; i++)
      lines.push(`7001,ana@example.com,${(i % 5) + 1},Review ${i},2024-01-01`);
    const text = lines.join("\n");
    const imp = await db.dataImport.create({
      data: {
        shop: SHOP,
        kind: "reviews",
        source: "csv",
        format: "generic",
        rows: lines.length - 1,
        content: text,
        rowsDone: IMPORT_CHUNK,
      },
    });
    const done = await runDataImport(db, imp.id);
    expect(done).toMatchObject({
      status: "completed",
      rowsDone: 2 * IMPORT_CHUNK + 10,
      created: IMPORT_CHUNK + 10,
      content: null,
    });
    expect(await db.productReview.count({ where: { shop: SHOP } })).toBe(IMPORT_CHUNK + 10);
  });
});

describe("engagement", () => {
  it("imports Klaviyo events, matching email and phone recipients, twice as one set", async () => {
    const first = await imported("engagement", "klaviyo-events.csv");
    expect(first).toMatchObject({
      format: "klaviyo",
      rows: 4,
      created: 3,
      rejected: 1,
      unmatchedCustomers: 0,
    });
    const events = await db.engagementEvent.findMany({
      where: { shop: SHOP },
      orderBy: { externalId: "asc" },
    });
    expect(events.map((e) => [e.externalId, e.channel, e.type, e.customerId, e.campaign])).toEqual([
      ["4AbC1", "email", "send", 101n, "Spring sale"],
      ["4AbC2", "email", "open", 101n, "Spring sale"],
      ["4AbC3", "sms", "click", 102n, "Flash SMS"],
    ]);
    const again = await imported("engagement", "klaviyo-events.csv");
    expect(again).toMatchObject({ created: 0, duplicates: 3 });
  });

  it("keys events without ids by their content: the generic file twice is one set", async () => {
    await imported("engagement", "generic-engagement.csv");
    const again = await imported("engagement", "generic-engagement.csv");
    expect(again).toMatchObject({ created: 0, duplicates: 3, rejected: 3 });
    expect(await db.engagementEvent.count({ where: { shop: SHOP } })).toBe(3);
  });

  it("does not store events of an erased recipient", async () => {
    await db.$transaction((tx) =>
      rememberRedacted(tx, SHOP, { customerIds: [], orderIds: [], emails: ["ana@example.com"] }, new Date()),
    );
    const imp = await imported("engagement", "klaviyo-events.csv");
    expect(imp).toMatchObject({ created: 1, rejected: 3 });
    expect(await db.engagementEvent.count({ where: { shop: SHOP, recipient: "ana@example.com" } })).toBe(0);
  });
});
