import { z } from "zod";
import type { MemberProgram } from "./member-program";
import type { TierLevel, TiersConfig } from "./program-tiers";
import { snap } from "./rounding";

/**
 * Tier perks at checkout. The discount function (extensions/tier-perk-discount) reads the
 * config below from a metafield on its automatic app discount and the member's tier id from
 * a customer metafield; this file builds that config from the program and previews, in minor
 * units, what the function gives a cart. extensions/tier-perk-discount/tests/golden-cases.json
 * is run through both, so the admin's preview and checkout cannot disagree.
 */

/** The discount metafield holding the config; also the function's input-query variables. */
export const TIER_PERK_CONFIG_METAFIELD = { namespace: "$app:loyalty-perks", key: "function-configuration" };
/** The customer metafield (single_line_text_field) holding the member's current tier id. */
export const MEMBER_TIER_METAFIELD = { namespace: "$app", key: "tier" };
/** The function's handle, for discountAutomaticAppCreate(functionHandle:). */
export const TIER_PERK_FUNCTION_HANDLE = "tier-perk-discount";

export type DiscountClassName = "PRODUCT" | "ORDER" | "SHIPPING";

const gid = (type: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), {
    error: `Use a ${type} id such as gid://shopify/${type}/1.`,
  });

export const tierPerkSchema = z.object({
  id: z.string().trim().min(1),
  name: z.string().trim().min(1).max(40),
  perkPercent: z.number().min(0).max(100),
  freeShipping: z.boolean(),
});

export const tierPerkConfigSchema = z.object({
  version: z.literal(1),
  /** PRODUCT: a percentage off each eligible line. ORDER: off the subtotal without excluded lines. */
  discountClass: z
    .enum(["PRODUCT", "ORDER"], { error: "Choose product or order discount." })
    .default("PRODUCT"),
  /** The live program's tiers (at most 10), then the tiers experiment variants give a perk of their own. */
  tiers: z.array(tierPerkSchema).max(100),
  excludedProductIds: z.array(gid("Product")).max(100).default([]),
  excludedCollectionIds: z.array(gid("Collection")).max(50).default([]),
  excludedProductTags: z.array(z.string().trim().min(1).max(255)).max(50).default([]),
  combinesWith: z
    .object({
      productDiscounts: z.boolean().default(false),
      orderDiscounts: z.boolean().default(false),
      shippingDiscounts: z.boolean().default(false),
    })
    .prefault({}),
  /** Shown at checkout; {tier} and {percent} are replaced. */
  messages: z
    .object({
      lines: z.string().trim().min(1).max(80).default("{tier} member: {percent}% off"),
      shipping: z.string().trim().min(1).max(80).default("{tier} member: free shipping"),
    })
    .prefault({}),
});

export type TierPerkConfig = z.output<typeof tierPerkConfigSchema>;
export type TierPerkSettings = Omit<z.input<typeof tierPerkConfigSchema>, "version" | "tiers">;

const perkOf = (level: TierLevel) => ({
  id: level.id,
  name: level.name,
  perkPercent: level.benefits.perkPercent,
  freeShipping: level.benefits.freeShipping,
});

/** The config the function runs with, from the program's tiers and the merchant's perk settings. */
export function tierPerkConfig(tiers: TiersConfig, settings: TierPerkSettings = {}): TierPerkConfig {
  return tierPerkConfigSchema.parse({ ...settings, version: 1, tiers: tiers.levels.map(perkOf) });
}

/**
 * The id the checkout function finds a member's tier under (the `tier` customer metafield).
 * One discount serves every member, so a tier whose perk an experiment variant changes (or
 * adds) needs an entry of its own in the config: members of that variant get their tier id
 * qualified by their variants (`gold@exp1:b`); everyone else's is the plain tier id.
 */
export function perkTierId(live: TiersConfig, member: MemberProgram, tierId: string): string {
  if (!member.variants.length) return tierId;
  const own = member.program.tiers.levels.find((l) => l.id === tierId);
  const base = live.levels.find((l) => l.id === tierId);
  if (!own || (base && JSON.stringify(perkOf(own)) === JSON.stringify(perkOf(base)))) return tierId;
  return `${tierId}@${member.variants.join("+")}`;
}

/**
 * The config for every program in play (the live one first, as `shopPrograms` lists them):
 * the live tiers, then each variant tier whose perk differs under its `perkTierId`.
 */
export function tierPerkConfigFor(
  programs: readonly MemberProgram[],
  settings: TierPerkSettings = {},
): TierPerkConfig {
  const [live, ...variants] = programs;
  if (!live) throw new Error("tierPerkConfigFor needs the live program");
  const liveTiers = live.program.tiers;
  const own = new Map<string, ReturnType<typeof perkOf>>();
  for (const member of variants) {
    for (const level of member.program.tiers.levels) {
      const id = perkTierId(liveTiers, member, level.id);
      if (id !== level.id) own.set(id, { ...perkOf(level), id });
    }
  }
  return tierPerkConfigSchema.parse({
    ...settings,
    version: 1,
    tiers: [...liveTiers.levels.map(perkOf), ...own.values()],
  });
}

/**
 * Shopify Functions read a metafield's value only up to 10,000 bytes; a longer config
 * reaches the function cut off, so checkout would give no perk at all. The schema allows
 * about 20 KB (100 tiers, 100 products, 50 collections and tags), so every write checks this.
 */
export const FUNCTION_METAFIELD_MAX_BYTES = 10_000;

/** The config's size as written to the metafield (UTF-8 bytes of its JSON). */
export function tierPerkConfigBytes(config: TierPerkConfig): number {
  return new TextEncoder().encode(JSON.stringify(config)).length;
}

/** Why this config cannot be written, in the merchant's words, or null when it fits. */
export function tierPerkConfigTooLarge(config: TierPerkConfig): string | null {
  const bytes = tierPerkConfigBytes(config);
  if (bytes <= FUNCTION_METAFIELD_MAX_BYTES) return null;
  const format = (n: number) => n.toLocaleString("en-US");
  return (
    `The tier-perk settings come to ${format(bytes)} bytes; Shopify Functions read at most ` +
    `${format(FUNCTION_METAFIELD_MAX_BYTES)}, so checkout could not give the perks. Use shorter tier ` +
    `names or fewer excluded products, collections and tags, or end an experiment that adds tiers.`
  );
}

/** The classes the automatic app discount is created with: the perk's class, plus SHIPPING when any tier ships free. */
export function discountClassesFor(config: TierPerkConfig): DiscountClassName[] {
  const classes: DiscountClassName[] = [config.discountClass];
  if (config.tiers.some((t) => t.freeShipping)) classes.push("SHIPPING");
  return classes;
}

export interface PerkCartLine {
  id: string;
  /** Null for merchandise that is not a product variant (custom products). */
  productId: string | null;
  quantity: number;
  subtotalMinor: number;
  giftCard?: boolean;
  tags?: readonly string[];
  collectionIds?: readonly string[];
}

export interface PerkCart {
  currency: string;
  lines: readonly PerkCartLine[];
  /** Delivery groups with the cost of their selected option; empty before shipping is chosen. */
  deliveryGroups?: readonly { id: string; selectedCostMinor: number }[];
}

export type PerkReason = "applied" | "guest" | "unknownTier" | "noPerk" | "zeroValue" | "classNotEnabled";

export interface PerkPreview {
  reason: PerkReason;
  tierId: string | null;
  discountClass: "PRODUCT" | "ORDER" | null;
  eligibleLineIds: string[];
  eligibleSubtotalMinor: number;
  /** Per line for a PRODUCT perk; empty for an ORDER perk, whose split across lines is Shopify's. */
  byLine: Record<string, number>;
  linesMinor: number;
  shippingMinor: number;
  totalMinor: number;
  currency: string;
}

/** A percentage of a minor amount, rounded half up to a whole minor unit (as checkout rounds it). */
export function percentOfMinor(amountMinor: number, percent: number): number {
  return Math.round(snap((amountMinor * percent) / 100));
}

export function isLineEligible(line: PerkCartLine, config: TierPerkConfig): boolean {
  if (line.productId === null || line.giftCard) return false;
  if (config.excludedProductIds.includes(line.productId)) return false;
  if ((line.collectionIds ?? []).some((id) => config.excludedCollectionIds.includes(id))) return false;
  return !(line.tags ?? []).some((tag) => config.excludedProductTags.includes(tag));
}

/** What the tier-perk discount takes off this cart for a member of `tierId` (null: guest or non-member). */
export function previewTierPerk(input: {
  config: TierPerkConfig;
  discountClasses: readonly DiscountClassName[];
  tierId: string | null;
  cart: PerkCart;
}): PerkPreview {
  const { config, discountClasses, tierId, cart } = input;
  const eligible = cart.lines.filter((l) => l.subtotalMinor > 0 && isLineEligible(l, config));
  const eligibleSubtotalMinor = eligible.reduce((sum, l) => sum + l.subtotalMinor, 0);
  const none = (reason: PerkReason, discountClass: PerkPreview["discountClass"] = null): PerkPreview => ({
    reason,
    tierId,
    discountClass,
    eligibleLineIds: eligible.map((l) => l.id),
    eligibleSubtotalMinor,
    byLine: {},
    linesMinor: 0,
    shippingMinor: 0,
    totalMinor: 0,
    currency: cart.currency,
  });

  if (tierId === null) return none("guest");
  const tier = config.tiers.find((t) => t.id === tierId);
  if (!tier) return none("unknownTier");
  if (tier.perkPercent <= 0 && !tier.freeShipping) return none("noPerk");
  if (eligibleSubtotalMinor <= 0) return none("zeroValue");

  const linesEnabled = tier.perkPercent > 0 && discountClasses.includes(config.discountClass);
  const byLine: Record<string, number> = {};
  let linesMinor = 0;
  if (linesEnabled && config.discountClass === "PRODUCT") {
    for (const line of eligible) {
      byLine[line.id] = percentOfMinor(line.subtotalMinor, tier.perkPercent);
      linesMinor += byLine[line.id] ?? 0;
    }
  } else if (linesEnabled) {
    linesMinor = percentOfMinor(eligibleSubtotalMinor, tier.perkPercent);
  }

  const shippingEnabled = tier.freeShipping && discountClasses.includes("SHIPPING");
  const shippingMinor = shippingEnabled
    ? (cart.deliveryGroups ?? []).reduce((sum, g) => sum + g.selectedCostMinor, 0)
    : 0;

  if (!linesEnabled && !shippingEnabled) return none("classNotEnabled");
  return {
    ...none("applied", linesEnabled ? config.discountClass : null),
    byLine,
    linesMinor,
    shippingMinor,
    totalMinor: linesMinor + shippingMinor,
  };
}

/** A checkout message with {tier} and {percent} filled in. */
export function perkMessage(template: string, tier: { name: string; perkPercent: number }): string {
  return template.replaceAll("{tier}", tier.name).replaceAll("{percent}", String(tier.perkPercent));
}
