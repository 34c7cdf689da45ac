import { describe, expect, it } from "vitest";
import { goldenCases } from "../../extensions/tier-perk-discount/tests/golden";
import { tiersSchema } from "./program-tiers";
import {
  discountClassesFor,
  percentOfMinor,
  perkMessage,
  previewTierPerk,
  tierPerkConfig,
  tierPerkConfigSchema,
} from "./tier-perks";

describe("previewTierPerk against the golden cases (the same file the discount function runs)", () => {
  it.each(goldenCases().map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const preview = previewTierPerk({
      config: tierPerkConfigSchema.parse(c.config),
      discountClasses: c.discountClasses,
      tierId: c.tierId,
      cart: c.cart,
    });
    expect({
      reason: preview.reason,
      discountClass: preview.discountClass,
      byLine: preview.byLine,
      linesMinor: preview.linesMinor,
      shippingMinor: preview.shippingMinor,
      totalMinor: preview.totalMinor,
    }).toEqual(c.expected);
    expect(preview.currency).toBe(c.cart.currency);
  });

  it("holds configs exactly as tierPerkConfigSchema writes them (parse is the identity)", () => {
    for (const c of goldenCases()) expect(tierPerkConfigSchema.parse(c.config)).toEqual(c.config);
  });
});

describe("tierPerkConfig", () => {
  const tiers = tiersSchema.parse({
    levels: [
      { id: "bronze", name: "Bronze", threshold: 0 },
      { id: "gold", name: "Gold", threshold: 50_000, benefits: { perkPercent: 10, freeShipping: true } },
    ],
  });

  it("takes each tier's perk from the program's tier benefits", () => {
    const config = tierPerkConfig(tiers, { excludedProductTags: ["no-perks"] });
    expect(config.tiers).toEqual([
      { id: "bronze", name: "Bronze", perkPercent: 0, freeShipping: false },
      { id: "gold", name: "Gold", perkPercent: 10, freeShipping: true },
    ]);
    // Both variable lists are always written, so the input query never sees a missing variable.
    expect(config.excludedCollectionIds).toEqual([]);
    expect(config.excludedProductTags).toEqual(["no-perks"]);
    expect(config.discountClass).toBe("PRODUCT");
  });

  it("asks for SHIPPING only when a tier ships free", () => {
    expect(discountClassesFor(tierPerkConfig(tiers, { discountClass: "ORDER" }))).toEqual([
      "ORDER",
      "SHIPPING",
    ]);
    const noShipping = tiersSchema.parse({ levels: [{ id: "a", name: "A", threshold: 0 }] });
    expect(discountClassesFor(tierPerkConfig(noShipping))).toEqual(["PRODUCT"]);
  });

  it("rejects ids that are not Shopify gids", () => {
    expect(() => tierPerkConfig(tiers, { excludedCollectionIds: ["50"] })).toThrow(/Collection id/);
    expect(() => tierPerkConfig(tiers, { excludedProductIds: ["gid://shopify/Collection/1"] })).toThrow(
      /Product id/,
    );
  });
});

describe("percentOfMinor", () => {
  it.each([
    [1999, 5, 100], // 99.95
    [1005, 5, 50], // 50.25
    [1010, 5, 51], // 50.5 rounds up
    [110, 10, 11], // 11.000000000000002 in floating point
    [0, 15, 0],
    [12345, 100, 12345],
  ])("%i × %d%% = %i", (amount, percent, expected) => {
    expect(percentOfMinor(amount, percent)).toBe(expected);
  });
});

it("perkMessage fills {tier} and {percent}", () => {
  expect(perkMessage("{tier}: {percent}% off for {tier}", { name: "Gold", perkPercent: 12.5 })).toBe(
    "Gold: 12.5% off for Gold",
  );
});
