import { z } from "zod";
import {
  CUSTOMER_STATES,
  FINANCIAL_STATUSES,
  FULFILLMENT_STATUSES,
  MARKETING_STATES,
  PRODUCT_STATUSES,
} from "./records";

// The JSON the control endpoints accept (tests and the simulator send it). Ids are
// optional: omitted ones are assigned; given ones (numeric or gid) upsert.

const id = z.union([z.number().int().positive(), z.string().min(1)]);
const dateTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const decimal = z.union([
  z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string like 12.50"),
  z.number(),
]);
const nullableText = z.string().nullable().optional();

export const shopInput = z.object({
  domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be <name>.myshopify.com"),
  name: z.string().min(1).optional(),
  email: z.email().optional(),
  currencyCode: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("USD"),
  ianaTimezone: z.string().min(1).default("America/New_York"),
  planDisplayName: z.string().min(1).default("Basic"),
  // The shop's staff accounts (Shopify users); the admin frame signs in as the account owner.
  staff: z
    .array(
      z.object({
        id: z.coerce.number().int().positive(),
        firstName: z.string().min(1),
        lastName: z.string().min(1),
        email: z.email().optional(),
        accountOwner: z.boolean().default(false),
      }),
    )
    .optional(),
});

export const customerInput = z.object({
  id: id.optional(),
  email: nullableText,
  phone: nullableText,
  firstName: nullableText,
  lastName: nullableText,
  tags: z.array(z.string()).default([]),
  state: z.enum(CUSTOMER_STATES).default("ENABLED"),
  verifiedEmail: z.boolean().default(true),
  emailMarketingState: z.enum(MARKETING_STATES).default("NOT_SUBSCRIBED"),
  smsMarketingState: z.enum(MARKETING_STATES).exclude(["INVALID"]).default("NOT_SUBSCRIBED"),
  createdAt: dateTime.optional(),
  updatedAt: dateTime.optional(),
});

const lineItemInput = z.object({
  title: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPrice: decimal,
  sku: nullableText,
  productId: id.optional(),
  variantId: id.optional(),
  variantTitle: nullableText,
});

export const orderInput = z.object({
  id: id.optional(),
  name: z.string().min(1).optional(),
  email: nullableText,
  customerId: id.nullable().optional(),
  createdAt: dateTime.optional(),
  processedAt: dateTime.optional(),
  updatedAt: dateTime.optional(),
  cancelledAt: dateTime.nullable().optional(),
  financialStatus: z.enum(FINANCIAL_STATUSES).default("PAID"),
  fulfillmentStatus: z.enum(FULFILLMENT_STATUSES).default("UNFULFILLED"),
  currencyCode: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  discountCodes: z.array(z.object({ code: z.string().min(1), amount: decimal })).default([]),
  lineItems: z.array(lineItemInput).min(1),
  shippingPrice: decimal.default("0"),
  taxPrice: decimal.default("0"),
  tags: z.array(z.string()).default([]),
  test: z.boolean().default(false),
  sourceName: z.string().default("web"),
});

export const productInput = z.object({
  id: id.optional(),
  title: z.string().min(1),
  handle: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  // Shopify's descriptionHtml; `description` is its text (tags stripped).
  descriptionHtml: z.string().optional(),
  productType: z.string().default(""),
  vendor: z.string().default(""),
  tags: z.array(z.string()).default([]),
  status: z.enum(PRODUCT_STATUSES).default("ACTIVE"),
  createdAt: dateTime.optional(),
  updatedAt: dateTime.optional(),
  variants: z
    .array(
      z.object({
        id: id.optional(),
        title: z.string().default("Default Title"),
        sku: nullableText,
        price: decimal,
        /** Units on hand (ProductVariant.inventoryQuantity); null: not tracked. */
        inventoryQuantity: z.number().int().nullable().default(null),
        /** InventoryItem.unitCost in the shop's currency; null: never set. */
        unitCost: decimal.nullable().default(null),
      }),
    )
    .min(1),
});

export type ShopInput = z.input<typeof shopInput>;
export type CustomerInput = z.input<typeof customerInput>;
export type OrderInput = z.input<typeof orderInput>;
export type ProductInput = z.input<typeof productInput>;
