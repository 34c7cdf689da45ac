import type { EarningConfig } from "./program-earning";

export interface EarningLine {
  id: string;
  /** Null for custom items, which never match product rules but still earn. */
  productId: string | null;
  collectionIds: readonly string[];
  tags: readonly string[];
  quantity: number;
  unitPriceMinor: number;
  /** Every discount Shopify allocated to this line, order-level discounts included. */
  discountAllocationsMinor: readonly number[];
  giftCard?: boolean;
}

export type LineDecision =
  | { excluded: "giftCard" | "product" | "collection" | "tag" | "noAmount"; amountMinor: 0; multiplier: 0 }
  | { excluded: null; amountMinor: number; multiplier: number };

/** The merchandise amount a line earns on: price × quantity less its discounts, never below zero. */
export function lineNetMinor(line: EarningLine): number {
  const gross = Math.trunc(line.unitPriceMinor) * Math.max(0, Math.trunc(line.quantity));
  const discounts = line.discountAllocationsMinor.reduce((sum, d) => sum + Math.trunc(d), 0);
  return Math.max(0, gross - discounts);
}

/** Whether the line earns, on what amount, and the highest product-level multiplier matching it. */
export function lineMultiplier(line: EarningLine, earning: EarningConfig): LineDecision {
  const ex = earning.exclusions;
  const excluded =
    line.giftCard && ex.giftCards
      ? "giftCard"
      : line.productId !== null && ex.productIds.includes(line.productId)
        ? "product"
        : line.collectionIds.some((c) => ex.collectionIds.includes(c))
          ? "collection"
          : line.tags.some((t) => ex.tags.includes(t))
            ? "tag"
            : null;
  if (excluded) return { excluded, amountMinor: 0, multiplier: 0 };
  const amountMinor = lineNetMinor(line);
  if (amountMinor === 0) return { excluded: "noAmount", amountMinor: 0, multiplier: 0 };

  let multiplier: number | null = null;
  for (const rule of earning.multipliers) {
    const matches =
      rule.target === "product"
        ? rule.value === line.productId
        : rule.target === "collection"
          ? line.collectionIds.includes(rule.value)
          : line.tags.includes(rule.value);
    if (matches && (multiplier === null || rule.multiplier > multiplier)) multiplier = rule.multiplier;
  }
  return { excluded: null, amountMinor, multiplier: multiplier ?? 1 };
}
