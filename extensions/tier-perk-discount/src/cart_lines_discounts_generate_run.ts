import {
  DiscountClass,
  OrderDiscountSelectionStrategy,
  ProductDiscountSelectionStrategy,
  type CartInput,
  type CartLinesDiscountsGenerateRunResult,
} from "../generated/api";
import { eligibleLines, fillMessage, memberTier, parsePerkConfig } from "./perk";

const NO_DISCOUNT: CartLinesDiscountsGenerateRunResult = { operations: [] };

/**
 * The member's tier perk as a percentage off. As a PRODUCT discount it targets each eligible
 * line; as an ORDER discount it takes the subtotal with every ineligible line excluded. The
 * discount's own classes decide: a perk configured for a class the discount was not created
 * with gives nothing rather than a discount Shopify's combination rules do not expect.
 */
export function cartLinesDiscountsGenerateRun(input: CartInput): CartLinesDiscountsGenerateRunResult {
  const config = parsePerkConfig(input.discount.metafield?.jsonValue);
  if (!config) return NO_DISCOUNT;
  const tier = memberTier(config, input.cart.buyerIdentity);
  if (!tier || tier.perkPercent <= 0) return NO_DISCOUNT;

  const eligible = eligibleLines(input.cart.lines, config);
  if (eligible.length === 0) return NO_DISCOUNT;
  const message = fillMessage(config.messages.lines, tier);
  const value = { percentage: { value: tier.perkPercent } };

  if (config.discountClass === "PRODUCT" && input.discount.discountClasses.includes(DiscountClass.Product)) {
    return {
      operations: [
        {
          productDiscountsAdd: {
            candidates: [
              { message, targets: eligible.map((line) => ({ cartLine: { id: line.id } })), value },
            ],
            selectionStrategy: ProductDiscountSelectionStrategy.First,
          },
        },
      ],
    };
  }
  if (config.discountClass === "ORDER" && input.discount.discountClasses.includes(DiscountClass.Order)) {
    const eligibleIds = new Set(eligible.map((line) => line.id));
    const excludedCartLineIds = input.cart.lines.filter((l) => !eligibleIds.has(l.id)).map((l) => l.id);
    return {
      operations: [
        {
          orderDiscountsAdd: {
            candidates: [{ message, targets: [{ orderSubtotal: { excludedCartLineIds } }], value }],
            selectionStrategy: OrderDiscountSelectionStrategy.First,
          },
        },
      ],
    };
  }
  return NO_DISCOUNT;
}
