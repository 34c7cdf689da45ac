import {
  DeliveryDiscountSelectionStrategy,
  DiscountClass,
  type CartDeliveryOptionsDiscountsGenerateRunResult,
  type DeliveryInput,
} from "../generated/api";
import { eligibleLines, fillMessage, memberTier, parsePerkConfig } from "./perk";

const NO_DISCOUNT: CartDeliveryOptionsDiscountsGenerateRunResult = { operations: [] };

/** Free shipping (100% off every delivery group) for tiers that have it, on carts with eligible spend. */
export function cartDeliveryOptionsDiscountsGenerateRun(
  input: DeliveryInput,
): CartDeliveryOptionsDiscountsGenerateRunResult {
  if (!input.discount.discountClasses.includes(DiscountClass.Shipping)) return NO_DISCOUNT;
  const config = parsePerkConfig(input.discount.metafield?.jsonValue);
  if (!config) return NO_DISCOUNT;
  const tier = memberTier(config, input.cart.buyerIdentity);
  if (!tier?.freeShipping) return NO_DISCOUNT;
  if (input.cart.deliveryGroups.length === 0 || eligibleLines(input.cart.lines, config).length === 0) {
    return NO_DISCOUNT;
  }
  return {
    operations: [
      {
        deliveryDiscountsAdd: {
          candidates: [
            {
              message: fillMessage(config.messages.shipping, tier),
              targets: input.cart.deliveryGroups.map((group) => ({ deliveryGroup: { id: group.id } })),
              value: { percentage: { value: 100 } },
            },
          ],
          selectionStrategy: DeliveryDiscountSelectionStrategy.All,
        },
      },
    ],
  };
}
