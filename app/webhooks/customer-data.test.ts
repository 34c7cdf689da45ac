import { describe, expect, it } from "vitest";
import { personalValues, redactLineItems, toJson } from "./customer-data.server";

describe("redactLineItems", () => {
  it("keeps what sold for how much and drops free text such as custom properties", () => {
    const items = [
      {
        id: 1,
        productId: "10",
        variantId: "11",
        title: "Mug",
        quantity: 2,
        priceMinor: 1500,
        properties: [{ name: "Engraving", value: "For Jane Roe, 12 Elm St" }],
        customAttributes: { giftMessage: "Love, Jane" },
      },
    ];
    expect(redactLineItems(items)).toEqual([
      { id: 1, productId: "10", variantId: "11", title: "Mug", quantity: 2, priceMinor: 1500 },
    ]);
  });

  it("turns anything that is not a list of objects into something harmless", () => {
    expect(redactLineItems(null)).toEqual([]);
    expect(redactLineItems({ note: "Jane" })).toEqual([]);
    expect(redactLineItems(["Jane Roe"])).toEqual([{}]);
  });
});

describe("toJson", () => {
  it("writes BigInt ids as strings and dates as ISO strings", () => {
    expect(toJson({ id: 9007199254740993n, at: new Date("2025-01-02T03:04:05.000Z") })).toEqual({
      id: "9007199254740993",
      at: "2025-01-02T03:04:05.000Z",
    });
  });
});

describe("personalValues", () => {
  it("keeps names, address lines, emails and phone numbers, once each", () => {
    expect(
      personalValues([
        "Jane",
        " Jane ",
        "12 Elm Street",
        "jane@example.com",
        "+1 555 010 0199",
        "5550100199",
        "Flat 9Q",
      ]),
    ).toEqual(["Jane", "12 Elm Street", "jane@example.com", "+1 555 010 0199", "5550100199", "Flat 9Q"]);
  });

  it("drops what would match unrelated text: short strings, zips, order numbers, non-strings", () => {
    expect(
      personalValues(["Al", "US", "90210", "#1001", "1001", null, undefined, 42, { a: "Jane" }]),
    ).toEqual([]);
  });
});
