import { describe, expect, it } from "vitest";
import { arrayLiteral, copyField, shopRows, utcText, utcTimestamp } from "./sql.server";

describe("copyField (COPY text format)", () => {
  it("writes NULL as \\N and leaves plain text alone", () => {
    expect(copyField(null)).toBe("\\N");
    expect(copyField(undefined)).toBe("\\N");
    expect(copyField("shop.myshopify.com:order:1:earn")).toBe("shop.myshopify.com:order:1:earn");
    expect(copyField(42)).toBe("42");
  });

  it("escapes backslashes, tabs and line breaks so a value cannot split a row or a column", () => {
    expect(copyField('{"title":"a\\"b\\\\c"}')).toBe('{"title":"a\\\\"b\\\\\\\\c"}');
    expect(copyField("a\tb\nc\rd")).toBe("a\\tb\\nc\\rd");
    // The text "\N" itself is data, not NULL.
    expect(copyField("\\N")).toBe("\\\\N");
  });
});

describe("arrayLiteral (text[] input)", () => {
  it("quotes every element, so commas, braces, NULL and empty strings stay data", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral(["a,b", "{c}", "NULL", ""])).toBe('{"a,b","{c}","NULL",""}');
    expect(arrayLiteral(['say "hi"', "back\\slash"])).toBe('{"say \\"hi\\"","back\\\\slash"}');
  });
});

describe("utcTimestamp (UTC into timestamp without time zone)", () => {
  it("drops Shopify's Z and converts any other offset to UTC", () => {
    expect(utcTimestamp("2025-01-02T10:00:00Z")).toBe("2025-01-02T10:00:00");
    expect(utcTimestamp("2025-01-02T10:00:00.250Z")).toBe("2025-01-02T10:00:00.250");
    expect(utcTimestamp("2025-01-02T10:00:00-05:00")).toBe("2025-01-02T15:00:00.000");
    expect(utcTimestamp("2025-01-02T00:30:00+01:00")).toBe("2025-01-01T23:30:00.000");
    expect(utcTimestamp(null)).toBeNull();
  });

  it("passes text that is no date through, for PostgreSQL to refuse", () => {
    expect(utcTimestamp("yesterday-ish")).toBe("yesterday-ish");
  });
});

describe("shopRows and utcText (COPY input for a shop's table)", () => {
  it("puts the shop first and the optional last field last on every row", () => {
    expect(shopRows("a.myshopify.com", ["1\tx", "2\ty"])).toBe(
      "a.myshopify.com\t1\tx\na.myshopify.com\t2\ty\n",
    );
    expect(shopRows("a\tb", ["1"], "z")).toBe("a\\tb\t1\tz\n");
    expect(shopRows("a", [])).toBe("");
  });

  it("writes an instant as UTC without a zone", () => {
    expect(utcText(new Date("2025-01-02T10:00:00.250Z"))).toBe("2025-01-02T10:00:00.250");
  });
});
