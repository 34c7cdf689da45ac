import { z } from "zod";
import { decimal, graphqlId, instant, moneySet, numericId, quantity } from "./payload-common";

// refunds/create, and the refunds embedded in order payloads (API 2025-10). Line
// amounts come from refund_line_items (subtotal after the line's discounts, and tax);
// shipping from refund_shipping_lines, or on older payloads the shipping_refund order
// adjustment (Shopify records it as a negative adjustment).

export const refundLinePayload = z
  .object({
    line_item_id: numericId,
    quantity,
    subtotal: decimal.nullish(),
    subtotal_set: moneySet.nullish(),
    total_tax: decimal.nullish(),
    total_tax_set: moneySet.nullish(),
  })
  .loose();

export const orderAdjustmentPayload = z
  .object({
    kind: z.string(),
    amount: decimal.nullish(),
    amount_set: moneySet.nullish(),
    tax_amount: decimal.nullish(),
    tax_amount_set: moneySet.nullish(),
  })
  .loose();

export const refundShippingLinePayload = z
  .object({ subtotal_amount_set: moneySet, tax_amount_set: moneySet.nullish() })
  .loose();

export const refundPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: graphqlId.nullish(),
    order_id: numericId,
    note: z.string().nullish(),
    created_at: instant.nullish(),
    processed_at: instant.nullish(),
    refund_line_items: z.array(refundLinePayload).default([]),
    order_adjustments: z.array(orderAdjustmentPayload).default([]),
    refund_shipping_lines: z.array(refundShippingLinePayload).nullish(),
  })
  .loose();

export type RefundPayload = z.infer<typeof refundPayload>;
