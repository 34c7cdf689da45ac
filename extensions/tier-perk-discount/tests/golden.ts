import golden from "./golden-cases.json";

/**
 * The golden cases with their named config and cart resolved. Both the function's tests and
 * the admin preview's (app/loyalty/tier-perks.test.ts) read them through here.
 */
export interface GoldenLine {
  id: string;
  productId: string | null;
  quantity: number;
  subtotalMinor: number;
  giftCard?: boolean;
  tags?: string[];
  collectionIds?: string[];
}

export interface GoldenCart {
  currency: string;
  lines: GoldenLine[];
  deliveryGroups: { id: string; selectedCostMinor: number }[];
}

export type GoldenDiscountClass = "PRODUCT" | "ORDER" | "SHIPPING";

export interface GoldenExpectation {
  reason: "applied" | "guest" | "unknownTier" | "noPerk" | "zeroValue" | "classNotEnabled";
  discountClass: "PRODUCT" | "ORDER" | null;
  byLine: Record<string, number>;
  linesMinor: number;
  shippingMinor: number;
  totalMinor: number;
}

export interface GoldenCase {
  name: string;
  /** The discount metafield's JSON exactly as the app writes it. */
  config: Record<string, unknown> & {
    excludedCollectionIds: string[];
    excludedProductTags: string[];
  };
  discountClasses: GoldenDiscountClass[];
  tierId: string | null;
  cart: GoldenCart;
  expected: GoldenExpectation;
}

type RawCase = Omit<GoldenCase, "config" | "cart"> & { config: string; cart: string };

export function goldenCases(): GoldenCase[] {
  const configs = golden.configs as Record<string, GoldenCase["config"]>;
  const carts = golden.carts as Record<string, GoldenCart>;
  return (golden.cases as RawCase[]).map((c) => {
    const config = configs[c.config];
    const cart = carts[c.cart];
    if (!config || !cart) throw new Error(`Golden case "${c.name}" names a missing config or cart.`);
    return { ...c, config, cart };
  });
}
