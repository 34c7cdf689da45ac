import { describe, expect, it } from "vitest";
import { DiscountClass } from "../generated/api";
import { cartDeliveryOptionsDiscountsGenerateRun } from "../src/cart_delivery_options_discounts_generate_run";
import { cartLinesDiscountsGenerateRun } from "../src/cart_lines_discounts_generate_run";
import { parsePerkConfig } from "../src/perk";
import { cartInput, deliveryInput } from "./checkout";
import { goldenCases } from "./golden";

function goldenCase(name: string) {
  const c = goldenCases().find((g) => g.name === name);
  if (!c) throw new Error(`no golden case ${name}`);
  return c;
}

const GOLD = "gold: 10% off eligible lines and free shipping";

describe("cartLinesDiscountsGenerateRun output", () => {
  it("gives one product candidate with the tier's percentage, targeting only eligible lines", () => {
    expect(cartLinesDiscountsGenerateRun(cartInput(goldenCase(GOLD)))).toEqual({
      operations: [
        {
          productDiscountsAdd: {
            candidates: [
              {
                message: "Gold member: 10% off",
                targets: [
                  { cartLine: { id: "gid://shopify/CartLine/1" } },
                  { cartLine: { id: "gid://shopify/CartLine/2" } },
                ],
                value: { percentage: { value: 10 } },
              },
            ],
            selectionStrategy: "FIRST",
          },
        },
      ],
    });
  });

  it("as an order discount, excludes every ineligible line from the subtotal", () => {
    const result = cartLinesDiscountsGenerateRun(cartInput(goldenCase("order class: gold")));
    const op = result.operations[0]?.orderDiscountsAdd;
    expect(op?.selectionStrategy).toBe("FIRST");
    expect(op?.candidates[0]?.targets).toEqual([
      {
        orderSubtotal: {
          excludedCartLineIds: [3, 4, 5, 6].map((n) => `gid://shopify/CartLine/${n}`),
        },
      },
    ]);
  });

  it("uses the merchant's message template", () => {
    const c = goldenCase(GOLD);
    const input = cartInput(c);
    input.discount.metafield = {
      jsonValue: { ...c.config, messages: { lines: "Merci {tier} (-{percent} %)", shipping: "x" } },
    };
    const candidate = cartLinesDiscountsGenerateRun(input).operations[0]?.productDiscountsAdd?.candidates[0];
    expect(candidate?.message).toBe("Merci Gold (-10 %)");
  });

  it.each([
    ["no metafield", null],
    ["a config of another version", { version: 2, tiers: [] }],
    ["a malformed tier", { version: 1, tiers: [{ id: "gold", name: "Gold", perkPercent: "10" }] }],
    ["a percentage above 100", { version: 1, tiers: [{ id: "gold", name: "Gold", perkPercent: 150 }] }],
    ["an unknown discount class", { version: 1, discountClass: "SHIPPING", tiers: [] }],
  ])("fails closed (no discount) on %s", (_label, jsonValue) => {
    const c = goldenCase(GOLD);
    const lines = cartInput(c);
    const delivery = deliveryInput(c);
    lines.discount.metafield = jsonValue === null ? null : { jsonValue };
    delivery.discount.metafield = lines.discount.metafield;
    expect(cartLinesDiscountsGenerateRun(lines)).toEqual({ operations: [] });
    expect(cartDeliveryOptionsDiscountsGenerateRun(delivery)).toEqual({ operations: [] });
  });

  it("treats a cart without a customer as a guest", () => {
    const input = cartInput(goldenCase(GOLD));
    input.cart.buyerIdentity = null;
    expect(cartLinesDiscountsGenerateRun(input)).toEqual({ operations: [] });
  });

  it("ignores whitespace around the tier id the app wrote", () => {
    const input = cartInput(goldenCase(GOLD));
    input.cart.buyerIdentity = {
      customer: { id: "gid://shopify/Customer/1", loyaltyTier: { value: " gold " } },
    };
    expect(cartLinesDiscountsGenerateRun(input).operations).toHaveLength(1);
  });
});

describe("cartDeliveryOptionsDiscountsGenerateRun output", () => {
  it("gives 100% off every delivery group with the shipping message", () => {
    expect(cartDeliveryOptionsDiscountsGenerateRun(deliveryInput(goldenCase(GOLD)))).toEqual({
      operations: [
        {
          deliveryDiscountsAdd: {
            candidates: [
              {
                message: "Gold member: free shipping",
                targets: [{ deliveryGroup: { id: "gid://shopify/CartDeliveryGroup/0" } }],
                value: { percentage: { value: 100 } },
              },
            ],
            selectionStrategy: "ALL",
          },
        },
      ],
    });
  });

  it("gives nothing when the discount lacks the SHIPPING class", () => {
    const input = deliveryInput(goldenCase(GOLD));
    input.discount.discountClasses = [DiscountClass.Product];
    expect(cartDeliveryOptionsDiscountsGenerateRun(input)).toEqual({ operations: [] });
  });
});

describe("parsePerkConfig", () => {
  it("defaults the class to PRODUCT and the messages to English templates", () => {
    expect(parsePerkConfig({ version: 1, tiers: [{ id: "a", name: "A", perkPercent: 5 }] })).toEqual({
      discountClass: "PRODUCT",
      tiers: [{ id: "a", name: "A", perkPercent: 5, freeShipping: false }],
      excludedProductIds: [],
      messages: { lines: "{tier} member: {percent}% off", shipping: "{tier} member: free shipping" },
    });
  });
});
