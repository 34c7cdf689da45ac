import { describe, expect, it } from "vitest";
import { draftFromSettings, settingsFromForm } from "./form";

describe("perk settings form", () => {
  it("reads checkboxes and a comma-separated tag list", () => {
    expect(
      settingsFromForm({
        discountClass: "ORDER",
        orderDiscounts: "on",
        excludedProductTags: " gift-card, sale ,,",
      }),
    ).toEqual({
      ok: true,
      settings: {
        discountClass: "ORDER",
        combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: false },
        excludedProductTags: ["gift-card", "sale"],
      },
    });
  });

  it("answers field errors for an unknown discount class", () => {
    const parsed = settingsFromForm({ discountClass: "SHIPPING" });
    expect(parsed).toEqual({
      ok: false,
      fieldErrors: { discountClass: "Choose product or order discount." },
    });
  });

  it("round-trips saved settings into the draft", () => {
    expect(
      draftFromSettings({
        discountClass: "ORDER",
        excludedProductTags: ["a", "b"],
        combinesWith: { shippingDiscounts: true },
      }),
    ).toEqual({
      discountClass: "ORDER",
      productDiscounts: false,
      orderDiscounts: false,
      shippingDiscounts: true,
      excludedProductTags: "a, b",
    });
  });
});
