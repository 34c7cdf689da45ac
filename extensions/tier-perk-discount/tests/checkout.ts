import {
  CurrencyCode,
  DiscountClass,
  type CartDeliveryOptionsDiscountsGenerateRunResult,
  type CartInput,
  type CartLinesDiscountsGenerateRunResult,
  type DeliveryInput,
} from "../generated/api";
import type { GoldenCase } from "./golden";

/**
 * A stand-in for checkout around the pure function: it builds the input Shopify would send
 * for a golden case (resolving the input-query variables against the product's tags and
 * collections) and applies the operations the function returns the way checkout does:
 * a percentage of each targeted line, of the subtotal without excluded lines, or of each
 * targeted delivery group, rounded half up to whole minor units.
 */
function digits(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

export function toDecimal(minor: number, currency: string): string {
  const d = digits(currency);
  return (minor / 10 ** d).toFixed(d);
}

function percentOf(minor: number, percent: number): number {
  return Math.round(Math.round(((minor * percent) / 100) * 1e6) / 1e6);
}

function buyerIdentity(tierId: string | null) {
  return {
    customer: {
      id: "gid://shopify/Customer/1",
      loyaltyTier: tierId === null ? null : { value: tierId },
    },
  };
}

function merchandise(line: GoldenCase["cart"]["lines"][number], c: GoldenCase) {
  if (line.productId === null) return { __typename: "CustomProduct" as const };
  return {
    __typename: "ProductVariant" as const,
    id: line.productId.replace("Product", "ProductVariant"),
    product: {
      id: line.productId,
      isGiftCard: line.giftCard === true,
      inExcludedCollection: (line.collectionIds ?? []).some((id) =>
        c.config.excludedCollectionIds.includes(id),
      ),
      hasExcludedTag: (line.tags ?? []).some((tag) => c.config.excludedProductTags.includes(tag)),
    },
  };
}

function discount(c: GoldenCase) {
  return {
    discountClasses: c.discountClasses.map((name) => name as DiscountClass),
    metafield: { jsonValue: structuredClone(c.config) },
  };
}

export function cartInput(c: GoldenCase): CartInput {
  return {
    cart: {
      buyerIdentity: buyerIdentity(c.tierId),
      lines: c.cart.lines.map((line) => ({
        id: line.id,
        quantity: line.quantity,
        cost: {
          subtotalAmount: {
            amount: toDecimal(line.subtotalMinor, c.cart.currency),
            currencyCode: currencyCode(c.cart.currency),
          },
        },
        merchandise: merchandise(line, c),
      })),
    },
    discount: discount(c),
  };
}

export function deliveryInput(c: GoldenCase): DeliveryInput {
  return {
    cart: {
      buyerIdentity: buyerIdentity(c.tierId),
      lines: c.cart.lines.map((line) => {
        const m = merchandise(line, c);
        return {
          id: line.id,
          cost: { subtotalAmount: { amount: toDecimal(line.subtotalMinor, c.cart.currency) } },
          merchandise:
            m.__typename === "CustomProduct" ? m : { __typename: m.__typename, product: m.product },
        };
      }),
      deliveryGroups: c.cart.deliveryGroups.map((g) => ({ id: g.id })),
    },
    discount: discount(c),
  };
}

export interface Applied {
  discountClass: "PRODUCT" | "ORDER" | null;
  byLine: Record<string, number>;
  linesMinor: number;
  shippingMinor: number;
}

export function applyAtCheckout(
  c: GoldenCase,
  lines: CartLinesDiscountsGenerateRunResult,
  delivery: CartDeliveryOptionsDiscountsGenerateRunResult,
): Applied {
  const subtotal = new Map(c.cart.lines.map((l) => [l.id, l.subtotalMinor]));
  const applied: Applied = { discountClass: null, byLine: {}, linesMinor: 0, shippingMinor: 0 };
  for (const op of lines.operations) {
    if (op.productDiscountsAdd) {
      applied.discountClass = "PRODUCT";
      // FIRST: only the first candidate applies.
      const candidate = op.productDiscountsAdd.candidates[0];
      if (!candidate?.value.percentage) throw new Error("expected a percentage candidate");
      for (const target of candidate.targets) {
        const amount = percentOf(
          subtotal.get(target.cartLine.id) ?? 0,
          Number(candidate.value.percentage.value),
        );
        applied.byLine[target.cartLine.id] = amount;
        applied.linesMinor += amount;
      }
    } else if (op.orderDiscountsAdd) {
      applied.discountClass = "ORDER";
      const candidate = op.orderDiscountsAdd.candidates[0];
      const target = candidate?.targets[0];
      if (!candidate?.value.percentage || !target) throw new Error("expected a percentage candidate");
      const base = c.cart.lines
        .filter((l) => !target.orderSubtotal.excludedCartLineIds.includes(l.id))
        .reduce((sum, l) => sum + l.subtotalMinor, 0);
      applied.linesMinor += percentOf(base, Number(candidate.value.percentage.value));
    }
  }
  const groupCost = new Map(c.cart.deliveryGroups.map((g) => [g.id, g.selectedCostMinor]));
  for (const op of delivery.operations) {
    for (const candidate of op.deliveryDiscountsAdd?.candidates ?? []) {
      if (!candidate.value.percentage) throw new Error("expected a percentage candidate");
      for (const target of candidate.targets) {
        const cost = groupCost.get(target.deliveryGroup?.id ?? "") ?? 0;
        applied.shippingMinor += percentOf(cost, Number(candidate.value.percentage.value));
      }
    }
  }
  return applied;
}

/** The case's currency as the schema's enum (a code the enum lacks is a broken fixture). */
function currencyCode(code: string): CurrencyCode {
  const known = Object.values(CurrencyCode) as string[];
  if (!known.includes(code)) throw new Error(`${code} is not a CurrencyCode`);
  return code as CurrencyCode;
}
