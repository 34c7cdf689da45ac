import { z } from "zod";
import { decimal, graphqlId, instant, moneySet, numericId, quantity, tagList } from "./payload-common";
import { refundPayload } from "./refund-payload";

// The REST order resource as orders/create, orders/updated, orders/paid and
// orders/cancelled deliver it (API 2025-10). Only what the mirror stores is validated.

const discountAllocation = z.object({ amount: decimal.optional(), amount_set: moneySet.optional() }).loose();

export const orderLineItemPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: graphqlId.nullish(),
    product_id: numericId.nullish(),
    variant_id: numericId.nullish(),
    title: z.string(),
    variant_title: z.string().nullish(),
    sku: z.string().nullish(),
    vendor: z.string().nullish(),
    quantity,
    price: decimal,
    price_set: moneySet.nullish(),
    gift_card: z.boolean().default(false),
    discount_allocations: z.array(discountAllocation).default([]),
  })
  .loose();

export const shippingLinePayload = z
  .object({
    price: decimal.nullish(),
    price_set: moneySet.nullish(),
    discounted_price: decimal.nullish(),
    discounted_price_set: moneySet.nullish(),
  })
  .loose();

/** The customer embedded in an order; newer API versions send fewer of its fields. */
export const embeddedCustomerPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: graphqlId.nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    state: z.string().nullish(),
    tags: tagList,
    currency: z.string().nullish(),
    created_at: instant.nullish(),
    updated_at: instant.nullish(),
  })
  .loose();

export const orderPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: graphqlId.nullish(),
    name: z.string(),
    email: z.string().nullish(),
    contact_email: z.string().nullish(),
    currency: z.string().length(3),
    created_at: instant,
    updated_at: instant,
    processed_at: instant.nullish(),
    cancelled_at: instant.nullish(),
    cancel_reason: z.string().nullish(),
    financial_status: z.string().nullish(),
    test: z.boolean().default(false),
    tags: tagList,
    source_name: z.string().nullish(),
    discount_codes: z.array(z.object({ code: z.string() }).loose()).default([]),
    subtotal_price: decimal.nullish(),
    subtotal_price_set: moneySet.nullish(),
    total_price: decimal.nullish(),
    total_price_set: moneySet.nullish(),
    total_discounts: decimal.nullish(),
    total_discounts_set: moneySet.nullish(),
    total_tax: decimal.nullish(),
    total_tax_set: moneySet.nullish(),
    total_shipping_price_set: moneySet.nullish(),
    line_items: z.array(orderLineItemPayload),
    shipping_lines: z.array(shippingLinePayload).default([]),
    refunds: z.array(refundPayload).default([]),
    customer: embeddedCustomerPayload.nullish(),
    company: z.object({ id: numericId }).loose().nullish(),
    shipping_address: z.record(z.string(), z.unknown()).nullish(),
    billing_address: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export type OrderPayload = z.infer<typeof orderPayload>;
export type EmbeddedCustomerPayload = z.infer<typeof embeddedCustomerPayload>;
