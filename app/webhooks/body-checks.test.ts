import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nestsDeeperThan, payloadShopMismatch, placeholderBody, storableBody } from "./body-checks";

const bytes = (text: string) => new TextEncoder().encode(text);

/** The nesting depth of a parsed JSON value: the reference the byte scan must agree with. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("nestsDeeperThan", () => {
  it("agrees with the parsed depth of any JSON, brackets inside strings included", () => {
    const nested = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", "é") }),
        fc.integer(),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie("value"), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(nested, fc.integer({ min: 0, max: 8 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(nestsDeeperThan(bytes(text), max)).toBe(depthOf(value) > max);
      }),
    );
  });

  it("stops at the limit on a 200,000-deep body", () => {
    expect(nestsDeeperThan(bytes("[".repeat(200_000) + "]".repeat(200_000)), 64)).toBe(true);
  });
});

describe("storableBody", () => {
  it("returns an ordinary body byte for byte, escaped pairs and big numbers included", () => {
    const text = '{"id": 18446744073709551615, "e": "\\ud83d\\ude00", "u": "\\u00e9"}';
    expect(storableBody(text, JSON.parse(text))).toEqual({ rawJson: text, problem: null });
  });

  it("replaces NUL and unpaired surrogates in keys and values, and says how many", () => {
    const text = '{"a\\u0000": ["\\ud800x", "\\udc00", "\\ud83d\\ude00"]}';
    const result = storableBody(text, JSON.parse(text));
    expect(JSON.parse(result.rawJson)).toEqual({ "a\uFFFD": ["\uFFFDx", "\uFFFD", "😀"] });
    expect(result.problem).toMatch(/^the body holds 3 /);
  });
});

describe("payloadShopMismatch", () => {
  const shop = "a.myshopify.com";
  it.each([
    [{ shop_domain: "a.myshopify.com" }, null],
    [{ shop_domain: "A.MyShopify.com " }, null],
    [{ myshopify_domain: "a.myshopify.com", domain: "shop.example" }, null],
    [{ id: 1 }, null],
    [{ shop_domain: "b.myshopify.com" }, "shop_domain"],
    [{ myshopify_domain: "b.myshopify.com" }, "myshopify_domain"],
    [{ shop_domain: 7 }, "shop_domain"],
  ])("%j", (payload, field) => {
    const mismatch = payloadShopMismatch(payload, shop);
    if (field === null) expect(mismatch).toBeNull();
    else expect(mismatch).toContain(field);
  });
});

it("placeholderBody keeps the size, hash and reason of what it could not store", () => {
  expect(JSON.parse(placeholderBody(bytes("abc"), "why"))).toEqual({
    unstorable: true,
    reason: "why",
    bytes: 3,
    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  });
});
