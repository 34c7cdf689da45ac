import { describe, expect, it } from "vitest";
import { goldenCases } from "../../extensions/tier-perk-discount/tests/golden";
import { program } from "../../tests/support/loyalty-fixtures";
import { applyOverrides, type MemberProgram } from "./member-program";
import { tiersSchema } from "./program-tiers";
import {
  discountClassesFor,
  FUNCTION_METAFIELD_MAX_BYTES,
  percentOfMinor,
  perkMessage,
  perkTierId,
  previewTierPerk,
  tierPerkConfig,
  tierPerkConfigFor,
  tierPerkConfigBytes,
  tierPerkConfigSchema,
  tierPerkConfigTooLarge,
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

describe("perk tiers under experiment variants", () => {
  const live = program({
    tiers: {
      levels: [
        { id: "silver", name: "Silver", threshold: 10_000, benefits: { perkPercent: 5 } },
        { id: "gold", name: "Gold", threshold: 50_000, benefits: { perkPercent: 10, freeShipping: true } },
      ],
    },
  });
  const member = (variants: string[], patch: Record<string, unknown>): MemberProgram => ({
    program: applyOverrides(
      live,
      variants.map((variantKey) => ({ variantKey, patch })),
    ),
    version: live.version,
    variants,
  });
  const plain: MemberProgram = { program: live, version: live.version, variants: [] };
  // Same perks, lower thresholds: nothing checkout needs to tell apart.
  const cheaper = member(["exp1:low"], {
    tiers: {
      levels: [
        { id: "silver", name: "Silver", threshold: 5_000, benefits: { perkPercent: 5 } },
        { id: "gold", name: "Gold", threshold: 20_000, benefits: { perkPercent: 10, freeShipping: true } },
      ],
    },
  });
  const richer = member(["exp2:perk"], {
    tiers: {
      levels: [
        { id: "silver", name: "Silver", threshold: 10_000, benefits: { perkPercent: 8 } },
        { id: "gold", name: "Gold", threshold: 50_000, benefits: { perkPercent: 10, freeShipping: true } },
        { id: "vip", name: "VIP", threshold: 90_000, benefits: { perkPercent: 20 } },
      ],
    },
  });

  it("keeps the plain tier id unless the member's variants change that tier's perk", () => {
    expect(perkTierId(live.tiers, plain, "silver")).toBe("silver");
    expect(perkTierId(live.tiers, cheaper, "silver")).toBe("silver");
    expect(perkTierId(live.tiers, richer, "silver")).toBe("silver@exp2:perk");
    expect(perkTierId(live.tiers, richer, "gold")).toBe("gold");
    expect(perkTierId(live.tiers, richer, "vip")).toBe("vip@exp2:perk");
  });

  it("lists the live tiers, then each variant tier whose perk differs, under its qualified id", () => {
    const config = tierPerkConfigFor([plain, cheaper, richer]);
    expect(config.tiers.map((t) => [t.id, t.perkPercent])).toEqual([
      ["silver", 5],
      ["gold", 10],
      ["silver@exp2:perk", 8],
      ["vip@exp2:perk", 20],
    ]);
    expect(tierPerkConfigFor([plain])).toEqual(tierPerkConfig(live.tiers));
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

describe("the function's 10,000-byte metafield read", () => {
  const level = (i: number) => ({
    id: `tier-${i}`,
    name: `Tier number ${i} with a long descriptive name`.slice(0, 40),
    threshold: i * 1000,
    benefits: { perkPercent: 5 },
  });
  const configWith = (levels: number, products: number) =>
    tierPerkConfigSchema.parse({
      version: 1,
      tiers: Array.from({ length: levels }, (_, i) => {
        const l = level(i);
        return { id: l.id, name: l.name, perkPercent: 5, freeShipping: false };
      }),
      excludedProductIds: Array.from(
        { length: products },
        (_, i) => `gid://shopify/Product/${10_000_000_000 + i}`,
      ),
    });

  it("accepts a config within the limit and refuses one the schema allows beyond it", () => {
    const small = configWith(10, 10);
    expect(tierPerkConfigBytes(small)).toBeLessThanOrEqual(FUNCTION_METAFIELD_MAX_BYTES);
    expect(tierPerkConfigTooLarge(small)).toBeNull();
    const large = configWith(100, 100);
    expect(tierPerkConfigBytes(large)).toBeGreaterThan(FUNCTION_METAFIELD_MAX_BYTES);
    expect(tierPerkConfigTooLarge(large)).toMatch(
      /^The tier-perk settings come to \d{2},\d{3} bytes; Shopify Functions read at most 10,000/,
    );
  });

  it("counts bytes, not characters", () => {
    const config = configWith(1, 0);
    const accented = { ...config, tiers: [{ ...config.tiers[0]!, name: "Ü".repeat(40) }] };
    expect(
      tierPerkConfigBytes(accented) -
        tierPerkConfigBytes({ ...accented, tiers: [{ ...accented.tiers[0]!, name: "U".repeat(40) }] }),
    ).toBe(40);
  });
});
