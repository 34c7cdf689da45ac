import { describe, expect, it } from "vitest";
import { cartDeliveryOptionsDiscountsGenerateRun } from "../src/cart_delivery_options_discounts_generate_run";
import { cartLinesDiscountsGenerateRun } from "../src/cart_lines_discounts_generate_run";
import { applyAtCheckout, cartInput, deliveryInput } from "./checkout";
import { goldenCases } from "./golden";

describe("tier-perk function against the golden cases", () => {
  it.each(goldenCases().map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const lines = cartLinesDiscountsGenerateRun(cartInput(c));
    const delivery = cartDeliveryOptionsDiscountsGenerateRun(deliveryInput(c));
    const applied = applyAtCheckout(c, lines, delivery);
    expect(applied).toEqual({
      discountClass: c.expected.discountClass,
      byLine: c.expected.byLine,
      linesMinor: c.expected.linesMinor,
      shippingMinor: c.expected.shippingMinor,
    });
    expect(applied.linesMinor + applied.shippingMinor).toBe(c.expected.totalMinor);
  });

  it("covers every tier, guests, exclusions, zero-value carts, both classes and rounding", () => {
    const cases = goldenCases();
    const tiers = new Set(cases.map((c) => c.tierId));
    for (const tier of [null, "member", "silver", "gold", "platinum", "vip"]) expect(tiers).toContain(tier);
    const reasons = new Set(cases.map((c) => c.expected.reason));
    for (const reason of ["applied", "guest", "unknownTier", "noPerk", "zeroValue", "classNotEnabled"]) {
      expect(reasons).toContain(reason);
    }
    expect(new Set(cases.map((c) => c.expected.discountClass))).toEqual(new Set(["PRODUCT", "ORDER", null]));
  });
});
