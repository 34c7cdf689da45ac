import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closePgPools } from "~/db/pg-pools.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { parseListParams } from "./list-params";
import { EXPORT_HEADER, streamMembersCsv, type ExportContext } from "./member-export.server";

// The CSV export against the real database: what the list's filter and sort select,
// every row (across the cursor's batches), each field escaped so a spreadsheet reads it
// back as it was, and nothing of another shop.

const db = prisma();
const SHOP = "export.myshopify.com";
const OTHER = "export-other.myshopify.com";
const CONTEXT: ExportContext = {
  currency: "USD",
  tierBasis: "spend",
  now: new Date("2026-06-01T00:00:00Z"),
  timeZone: "America/New_York",
  tiers: {
    basis: "spend",
    levels: [
      {
        id: "silver",
        name: "Silver",
        threshold: 50_000,
        benefits: { earnMultiplier: 1, perkPercent: 0, freeShipping: false },
      },
      {
        id: "gold",
        name: "Gold, the best",
        threshold: 100_000,
        benefits: { earnMultiplier: 2, perkPercent: 0, freeShipping: false },
      },
    ],
  },
};

afterAll(() => closePgPools("member-export"));

async function exportText(query: string, shop = SHOP): Promise<string> {
  const stream = await streamMembersCsv(shop, parseListParams(new URLSearchParams(query)), CONTEXT);
  // Decoded keeping the byte-order mark, which Response.text() would strip.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
}

/** A small RFC 4180 reader, to prove the file reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) field += c;
    else if (c === '"') quoted = true;
    else if (c === ",") endField();
    else if (c === "\r" && text[i + 1] === "\n") {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  return rows;
}

beforeEach(async () => {
  await resetDatabase(db);
  await db.customer.createMany({
    data: [
      { shop: SHOP, id: 1n, firstName: 'Zoë "Z"', lastName: "O'Brien, Jr.", email: "zoe@example.com" },
      {
        shop: SHOP,
        id: 2n,
        firstName: '=HYPERLINK("http://evil")',
        lastName: "Line\nBreak",
        email: "-2@example.com",
      },
      { shop: OTHER, id: 1n, firstName: "Other", lastName: "Shop", email: "other@example.com" },
    ],
  });
  await db.member.createMany({
    data: [
      {
        shop: SHOP,
        customerId: 1n,
        availablePoints: -15,
        tierId: "gold",
        tierValue: 123_456n,
        enrolledAt: new Date("2026-01-01T03:00:00Z"),
      },
      {
        shop: SHOP,
        customerId: 2n,
        availablePoints: 40,
        tierId: "silver",
        tierValue: 60_000n,
        nextTierId: "gold",
        tierRemaining: 40_000n,
      },
      { shop: OTHER, customerId: 1n, availablePoints: 7 },
    ],
  });
  await db.order.create({
    data: {
      shop: SHOP,
      id: 555n,
      customerId: 1n,
      name: "#1555",
      currencyCode: "USD",
      subtotalMinor: 12_345n,
      totalMinor: 12_345n,
      processedAt: new Date("2026-05-02T02:00:00Z"),
    },
  });
});

describe("streamMembersCsv", () => {
  it("writes every field so it reads back exactly, with formulas neutralised", async () => {
    const text = await exportText("sort=points");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(EXPORT_HEADER);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual([
      "2",
      '\'=HYPERLINK("http://evil")',
      "Line\nBreak",
      "'-2@example.com",
      "active",
      "Silver",
      "600",
      "Gold, the best",
      "400",
      "40",
      "0",
      "0",
      "0",
      "0",
      "0",
      "USD",
      "",
      "",
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      "",
    ]);
    // Dates in the shop's time zone: 02:00 UTC on May 2 is May 1 in New York.
    expect(rows[1]).toEqual([
      "1",
      'Zoë "Z"',
      "O'Brien, Jr.",
      "zoe@example.com",
      "active",
      "Gold, the best",
      "1234.56",
      "",
      "",
      "-15",
      "0",
      "0",
      "1",
      "123.45",
      "123.45",
      "USD",
      "#1555",
      "2026-05-01",
      "2025-12-31",
      "",
    ]);
  });

  it("exports what the filter selects, and only the shop's members", async () => {
    const rows = parseCsv((await exportText("tier=gold")).slice(1));
    expect(rows.slice(1).map((r) => r[0])).toEqual(["1"]);
    const other = parseCsv((await exportText("", OTHER)).slice(1));
    expect(other.slice(1).map((r) => [r[0], r[1]])).toEqual([["1", "Other"]]);
  });

  it("streams every member across the cursor's batches, in the list's order", async () => {
    await db.member.createMany({
      data: Array.from({ length: 1_234 }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(1000 + i),
        availablePoints: i,
      })),
    });
    const rows = parseCsv((await exportText("sort=points&direction=asc")).slice(1)).slice(1);
    expect(rows).toHaveLength(1_236);
    // -15 points, then 0…39, then member 2's 40 before customer 1040's 40 (ties by id).
    const bulk = Array.from({ length: 1_234 }, (_, i) => String(1000 + i));
    expect(rows.map((r) => r[0])).toEqual(["1", ...bulk.slice(0, 40), "2", ...bulk.slice(40)]);
  });
});
