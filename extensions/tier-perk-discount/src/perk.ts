/**
 * What both targets share: the discount's config (read defensively: the function fails
 * closed, giving nothing, on a config it does not understand), the member's tier, and which
 * cart lines earn the perk. It mirrors app/loyalty/tier-perks.ts without importing it: the
 * function is bundled on its own into a small wasm module (no zod, no Intl), and the golden
 * cases in tests/golden-cases.json hold the two to the same answers.
 */

export interface PerkTier {
  id: string;
  name: string;
  perkPercent: number;
  freeShipping: boolean;
}

export interface PerkConfig {
  discountClass: "PRODUCT" | "ORDER";
  tiers: PerkTier[];
  excludedProductIds: string[];
  messages: { lines: string; shipping: string };
}

export interface PerkLine {
  cost: { subtotalAmount: { amount: unknown } };
  merchandise:
    | { __typename: "CustomProduct" }
    | {
        __typename: "ProductVariant";
        product: { id: string; isGiftCard: boolean; inExcludedCollection: boolean; hasExcludedTag: boolean };
      };
}

const DEFAULT_MESSAGES = { lines: "{tier} member: {percent}% off", shipping: "{tier} member: free shipping" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function parseTier(value: unknown): PerkTier | null {
  if (!isRecord(value)) return null;
  const { id, name, perkPercent, freeShipping } = value;
  if (typeof id !== "string" || typeof name !== "string") return null;
  if (typeof perkPercent !== "number" || !(perkPercent >= 0 && perkPercent <= 100)) return null;
  return { id, name, perkPercent, freeShipping: freeShipping === true };
}

/** The config from the discount metafield's jsonValue, or null when it is missing or not version 1. */
export function parsePerkConfig(jsonValue: unknown): PerkConfig | null {
  if (!isRecord(jsonValue) || jsonValue.version !== 1 || !Array.isArray(jsonValue.tiers)) return null;
  const tiers: PerkTier[] = [];
  for (const raw of jsonValue.tiers) {
    const tier = parseTier(raw);
    if (!tier) return null;
    tiers.push(tier);
  }
  const discountClass = jsonValue.discountClass ?? "PRODUCT";
  if (discountClass !== "PRODUCT" && discountClass !== "ORDER") return null;
  const messages = isRecord(jsonValue.messages) ? jsonValue.messages : {};
  return {
    discountClass,
    tiers,
    excludedProductIds: stringList(jsonValue.excludedProductIds),
    messages: {
      lines: typeof messages.lines === "string" ? messages.lines : DEFAULT_MESSAGES.lines,
      shipping: typeof messages.shipping === "string" ? messages.shipping : DEFAULT_MESSAGES.shipping,
    },
  };
}

/** The member's tier with a perk worth giving, or null for guests, non-members and perk-less tiers. */
export function memberTier(
  config: PerkConfig,
  buyerIdentity: { customer?: { loyaltyTier?: { value: string } | null } | null } | null | undefined,
): PerkTier | null {
  const tierId = buyerIdentity?.customer?.loyaltyTier?.value?.trim();
  if (!tierId) return null;
  const tier = config.tiers.find((t) => t.id === tierId);
  if (!tier || (tier.perkPercent <= 0 && !tier.freeShipping)) return null;
  return tier;
}

/** Decimal strings from the input ("29.99", "3075.0"); anything unreadable counts as nothing. */
export function amountOf(line: PerkLine): number {
  const amount = Number(line.cost.subtotalAmount.amount);
  return Number.isFinite(amount) ? amount : 0;
}

/** Variants only (not custom products), never gift cards, excluded products, collections or tags. */
export function isEligible(line: PerkLine, config: PerkConfig): boolean {
  if (line.merchandise.__typename !== "ProductVariant") return false;
  const { product } = line.merchandise;
  if (product.isGiftCard || product.inExcludedCollection || product.hasExcludedTag) return false;
  return !config.excludedProductIds.includes(product.id);
}

export function eligibleLines<L extends PerkLine>(lines: readonly L[], config: PerkConfig): L[] {
  return lines.filter((line) => amountOf(line) > 0 && isEligible(line, config));
}

export function fillMessage(template: string, tier: PerkTier): string {
  return template.replaceAll("{tier}", tier.name).replaceAll("{percent}", String(tier.perkPercent));
}
