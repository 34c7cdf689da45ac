import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readEngagement } from "./engagement";
import { productRefOf, readReviews, reviewIdentity } from "./reviews";
import { parseDate, tableFromCsv, tableFromObjects, type ParsedFile } from "./table";

const fixture = (name: string) => {
  const table = tableFromCsv(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
  if ("error" in table) throw new Error(table.error);
  return table;
};

describe("review exports", () => {
  it.each([
    ["judgeme-reviews.csv", "judgeme", 2],
    ["yotpo-reviews.csv", "yotpo", 2],
    ["okendo-reviews.csv", "okendo", 1],
    ["stamped-reviews.csv", "stamped", 1],
  ])("%s is recognised as %s and read whole", (file, format, count) => {
    const read = readReviews(fixture(file));
    expect(read.detected.format).toBe(format);
    expect(read.issues).toEqual([]);
    expect(read.rows).toHaveLength(count);
  });

  it("reads Judge.me's columns into the common shape", () => {
    const [first, second] = readReviews(fixture("judgeme-reviews.csv")).rows;
    expect(first).toMatchObject({
      line: 2,
      productId: 7001n,
      productHandle: "ceramic-mug",
      email: "ana@example.com",
      name: "Ana Lima",
      rating: 5,
      title: "Lovely mug",
      body: "Keeps coffee hot, sturdy handle.",
      reviewedAt: new Date("2024-03-05T14:02:11Z"),
    });
    expect(second).toMatchObject({ productId: null, productHandle: "ceramic-mug", email: "ben@example.com" });
    expect(productRefOf(second!)).toBe("ceramic-mug");
  });

  it("reads Yotpo's ids, scores written as decimals and US dates", () => {
    const rows = readReviews(fixture("yotpo-reviews.csv")).rows;
    expect(rows.map((r) => [r.externalId, r.rating, r.reviewedAt.toISOString()])).toEqual([
      ["9001", 5, "2024-01-15T10:00:00.000Z"],
      ["9002", 4, "2024-01-20T00:00:00.000Z"],
    ]);
  });

  it("reads product GIDs (Okendo) and SKUs (Stamped)", () => {
    expect(readReviews(fixture("okendo-reviews.csv")).rows[0]).toMatchObject({
      productId: 7001n,
      externalId: "ok-1",
    });
    const stamped = readReviews(fixture("stamped-reviews.csv")).rows[0]!;
    expect(stamped).toMatchObject({ sku: "SCARF-01", body: "Itchy, but warm", name: "Eve" });
    expect(productRefOf(stamped)).toBe("sku:SCARF-01");
  });

  it("lists every bad row with its row number and field, and keeps the good ones", () => {
    const read = readReviews(fixture("generic-reviews.csv"));
    expect(read.detected.format).toBe("generic");
    expect(read.rows.map((r) => r.line)).toEqual([2]);
    expect(read.issues.map((i) => [i.row, i.field])).toEqual([
      [3, "productId"],
      [4, "email"],
      [5, "rating"],
      [6, "date"],
      [7, "customerId"],
    ]);
    expect(read.issues[2]!.message).toBe('Rating "6" is not a whole number from 1 to 5.');
    expect(read.issues[3]!.message).toContain('"2024-02-30" is not a date');
  });

  it("reads the objects of a JSON request by the same column names", () => {
    const table = tableFromObjects([
      {
        id: "r1",
        product_id: 7001,
        email: "A@Example.com",
        rating: 4,
        title: "t",
        body: "b",
        date: "2024-01-01",
      },
      { product_handle: "mug", customer_id: "gid://shopify/Customer/101", rating: "5", date: "2024-01-02" },
    ]) as ParsedFile;
    const read = readReviews(table);
    expect(read.issues).toEqual([]);
    expect(read.rows[0]).toMatchObject({
      line: 1,
      externalId: "r1",
      productId: 7001n,
      email: "a@example.com",
    });
    expect(read.rows[1]).toMatchObject({ line: 2, customerId: 101n, rating: 5 });
  });

  it("identifies a review without an id by its product, reviewer, date and text", () => {
    const table = tableFromObjects([
      { product_handle: "mug", email: "a@example.com", rating: 4, title: "t", body: "b", date: "2024-01-01" },
      {
        product_handle: "mug",
        email: "A@example.com",
        rating: 4,
        title: "t",
        body: "b",
        date: "2024-01-01T00:00:00Z",
      },
      { product_handle: "mug", email: "a@example.com", rating: 4, title: "t", body: "c", date: "2024-01-01" },
    ]) as ParsedFile;
    const [a, b, c] = readReviews(table).rows.map(reviewIdentity);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("refuses a file that is not a table", () => {
    expect(tableFromCsv("")).toEqual({ error: "The file is empty." });
    expect(tableFromCsv("title,rating\n")).toEqual({ error: "The file has a header but no data rows." });
    expect(tableFromObjects([1])).toEqual({ error: "Item 1 is not an object." });
  });
});

describe("engagement exports", () => {
  it("reads Klaviyo's metrics as channel and type, Unix timestamps, phones normalised", () => {
    const read = readEngagement(fixture("klaviyo-events.csv"));
    expect(read.detected.format).toBe("klaviyo");
    expect(
      read.rows.map((r) => [r.externalId, r.channel, r.type, r.recipient, r.occurredAt.toISOString()]),
    ).toEqual([
      ["4AbC1", "email", "send", "ana@example.com", "2024-03-05T10:00:00.000Z"],
      ["4AbC2", "email", "open", "ana@example.com", "2024-03-05T12:00:00.000Z"],
      ["4AbC3", "sms", "click", "+15550102233", "2024-03-06T10:00:00.000Z"],
    ]);
    expect(read.issues).toEqual([
      {
        row: 5,
        field: "metric",
        kind: "error",
        message: 'Metric "Bounced Email" is not a send, open, click or unsubscribe.',
      },
    ]);
  });

  it("reads the generic CSV and lists its bad rows", () => {
    const read = readEngagement(fixture("generic-engagement.csv"));
    expect(read.detected.format).toBe("generic");
    expect(read.rows.map((r) => [r.line, r.channel, r.type, r.campaign])).toEqual([
      [2, "email", "send", "Newsletter 12"],
      [3, "email", "open", "Newsletter 12"],
      [4, "sms", "click", "Flash SMS"],
    ]);
    expect(read.issues.map((i) => [i.row, i.field])).toEqual([
      [5, "email"],
      [6, "channel"],
      [7, "timestamp"],
    ]);
  });

  it("reads Klaviyo's Events API objects (nested attributes)", () => {
    const table = tableFromObjects([
      {
        id: "evt1",
        metric: { name: "Clicked Email" },
        attributes: { datetime: "2024-03-05T10:00:00+00:00", profile: { email: "z@example.com" } },
      },
    ]) as ParsedFile;
    const read = readEngagement(table);
    expect(read.issues).toEqual([]);
    expect(read.rows[0]).toMatchObject({ externalId: "evt1", type: "click", recipient: "z@example.com" });
  });
});

describe("parseDate", () => {
  it.each([
    ["2024-03-05", "2024-03-05T00:00:00.000Z"],
    ["2024-03-05 14:02:11 UTC", "2024-03-05T14:02:11.000Z"],
    ["2024-03-05T14:02:11+02:00", "2024-03-05T12:02:11.000Z"],
    ["3/5/2024 14:02", "2024-03-05T14:02:00.000Z"],
    ["1709632800", "2024-03-05T10:00:00.000Z"],
    ["1709632800000", "2024-03-05T10:00:00.000Z"],
  ])("%s", (text, iso) => expect(parseDate(text)?.toISOString()).toBe(iso));

  it.each(["yesterday", "2024-13-01", "2024-02-30", "31/12/2024", ""])("refuses %j", (text) =>
    expect(parseDate(text)).toBeNull(),
  );
});
