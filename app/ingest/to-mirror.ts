import type { MirrorLineItem, MirrorRefundLine } from "~/mirror/format";
import { consentOf } from "./consent";
import type { CustomerPayload } from "./customer-payload";
import type { EmbeddedCustomerPayload, OrderPayload } from "./order-payload";
import { resourceId, shopMinor, toMinor } from "./payload-common";
import type { ProductPayload } from "./product-payload";
import type { RefundPayload } from "./refund-payload";

// Webhook payloads as mirror rows: shop-currency integer minor units (shop_money, never
// the buyer's presentment currency), line items in the mirror format the ledger reads.

export interface CustomerMirror {
  id: bigint;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  state: string | null;
  emailConsent: boolean;
  smsConsent: boolean;
  /** When Shopify says each consent was decided (`consent_updated_at`), when it says. */
  emailConsentAt: Date | null;
  smsConsentAt: Date | null;
  currencyCode: string | null;
  shopifyCreatedAt: Date | null;
  shopifyUpdatedAt: Date | null;
}

export interface OrderMirror {
  id: bigint;
  customerId: bigint | null;
  name: string;
  email: string | null;
  currencyCode: string;
  subtotalMinor: bigint;
  totalMinor: bigint;
  totalDiscountsMinor: bigint;
  totalShippingMinor: bigint;
  totalTaxMinor: bigint;
  financialStatus: string | null;
  discountCodes: string[];
  lineItems: MirrorLineItem[];
  shippingAddress: Record<string, unknown> | null;
  billingAddress: Record<string, unknown> | null;
  processedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  tags: string[];
  test: boolean;
  sourceName: string | null;
  companyId: bigint | null;
  shopifyCreatedAt: Date;
  shopifyUpdatedAt: Date;
}

export interface RefundMirror {
  id: bigint;
  orderId: bigint;
  note: string | null;
  lineItems: MirrorRefundLine[];
  shippingMinor: bigint;
  totalMinor: bigint;
  processedAt: Date | null;
  shopifyCreatedAt: Date | null;
}

export interface ProductMirror {
  id: bigint;
  title: string;
  handle: string | null;
  description: string | null;
  productType: string | null;
  vendor: string | null;
  tags: string[];
  status: string | null;
  shopifyUpdatedAt: Date;
}

const blankToNull = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
export function customerMirror(p: CustomerPayload | EmbeddedCustomerPayload): CustomerMirror {
  const email = consentOf(p.email_marketing_consent);
  const sms = consentOf(p.sms_marketing_consent);
  return {
    id: resourceId(p.id, p.admin_graphql_api_id),
    email: blankToNull(p.email),
    phone: blankToNull(p.phone),
    firstName: blankToNull(p.first_name),
    lastName: blankToNull(p.last_name),
    tags: p.tags,
    state: p.state ?? null,
    emailConsent: email.subscribed,
    smsConsent: sms.subscribed,
    emailConsentAt: email.at,
    smsConsentAt: sms.at,
    currencyCode: p.currency ?? null,
    shopifyCreatedAt: p.created_at ?? null,
    shopifyUpdatedAt: p.updated_at ?? null,
  };
}

export function orderMirror(p: OrderPayload): OrderMirror {
  const currency = p.currency;
  const minor = (set: Parameters<typeof shopMinor>[0], plain?: string | number | null) =>
    shopMinor(set, plain, currency);
  const lineItems: MirrorLineItem[] = p.line_items.map((line) => ({
    id: resourceId(line.id, line.admin_graphql_api_id).toString(),
    productId: line.product_id == null ? null : String(line.product_id),
    variantId: line.variant_id == null ? null : String(line.variant_id),
    sku: blankToNull(line.sku),
    title: line.title,
    variantTitle: blankToNull(line.variant_title),
    vendor: blankToNull(line.vendor),
    quantity: line.quantity,
    priceMinor: minor(line.price_set, line.price),
    // Every allocation, order-level discount codes included: what the line really sold for.
    discountMinor: line.discount_allocations.reduce((sum, d) => sum + minor(d.amount_set, d.amount), 0),
    giftCard: line.gift_card,
  }));
  // Shipping actually charged: each line's price after its shipping discounts.
  const shipping = p.shipping_lines.length
    ? p.shipping_lines.reduce(
        (sum, s) =>
          sum +
          (s.discounted_price_set || s.discounted_price != null
            ? minor(s.discounted_price_set, s.discounted_price)
            : minor(s.price_set, s.price)),
        0,
      )
    : minor(p.total_shipping_price_set);
  return {
    id: resourceId(p.id, p.admin_graphql_api_id),
    customerId: p.customer ? resourceId(p.customer.id, p.customer.admin_graphql_api_id) : null,
    name: p.name,
    email: blankToNull(p.email) ?? blankToNull(p.contact_email),
    currencyCode: currency,
    subtotalMinor: BigInt(minor(p.subtotal_price_set, p.subtotal_price)),
    totalMinor: BigInt(minor(p.total_price_set, p.total_price)),
    totalDiscountsMinor: BigInt(minor(p.total_discounts_set, p.total_discounts)),
    totalShippingMinor: BigInt(shipping),
    totalTaxMinor: BigInt(minor(p.total_tax_set, p.total_tax)),
    financialStatus: p.financial_status ?? null,
    discountCodes: p.discount_codes.map((d) => d.code),
    lineItems,
    shippingAddress: p.shipping_address ?? null,
    billingAddress: p.billing_address ?? null,
    processedAt: p.processed_at ?? null,
    cancelledAt: p.cancelled_at ?? null,
    cancelReason: p.cancel_reason ?? null,
    tags: p.tags,
    test: p.test,
    sourceName: p.source_name ?? null,
    companyId: p.company ? BigInt(p.company.id) : null,
    shopifyCreatedAt: p.created_at,
    shopifyUpdatedAt: p.updated_at,
  };
}

/**
 * `currency` is the order's shop currency, used only when a payload lacks money sets;
 * `redacted` drops the note of a refund of an order customers/redact erased.
 * The total is what went back for merchandise, tax and shipping, plus any discrepancy
 * the merchant entered (Shopify records refunding less as a negative adjustment).
 */
export function refundMirror(
  p: RefundPayload,
  currency: string,
  options: { redacted?: boolean } = {},
): RefundMirror {
  const minor = (set: Parameters<typeof shopMinor>[0], plain?: string | number | null) =>
    shopMinor(set, plain, currency);
  const lineItems: MirrorRefundLine[] = p.refund_line_items.map((r) => ({
    lineItemId: String(r.line_item_id),
    quantity: r.quantity,
    subtotalMinor: minor(r.subtotal_set, r.subtotal),
    taxMinor: minor(r.total_tax_set, r.total_tax),
  }));
  let shipping = 0;
  let shippingTax = 0;
  if (p.refund_shipping_lines) {
    for (const s of p.refund_shipping_lines) {
      shipping += minor(s.subtotal_amount_set);
      shippingTax += minor(s.tax_amount_set);
    }
  } else {
    for (const a of p.order_adjustments.filter((x) => x.kind === "shipping_refund")) {
      shipping -= minor(a.amount_set, a.amount);
      shippingTax -= minor(a.tax_amount_set, a.tax_amount);
    }
  }
  const discrepancy = p.order_adjustments
    .filter((a) => a.kind === "refund_discrepancy")
    .reduce((sum, a) => sum + minor(a.amount_set, a.amount), 0);
  const lines = lineItems.reduce((sum, l) => sum + l.subtotalMinor + l.taxMinor, 0);
  return {
    id: resourceId(p.id, p.admin_graphql_api_id),
    orderId: BigInt(p.order_id),
    // Staff write notes about the customer; an erased customer's refunds keep none.
    note: options.redacted ? null : blankToNull(p.note),
    lineItems,
    shippingMinor: BigInt(Math.max(0, shipping)),
    totalMinor: BigInt(lines + Math.max(0, shipping) + Math.max(0, shippingTax) + discrepancy),
    processedAt: p.processed_at ?? p.created_at ?? null,
    shopifyCreatedAt: p.created_at ?? null,
  };
}

export interface VariantMirror {
  id: bigint;
  productId: bigint;
  title: string | null;
  sku: string | null;
  priceMinor: bigint | null;
  inventoryQuantity: number | null;
}

export function variantMirrors(p: ProductPayload, currency: string): VariantMirror[] {
  const productId = resourceId(p.id, p.admin_graphql_api_id);
  return p.variants.map((v) => ({
    id: BigInt(v.id),
    productId,
    title: blankToNull(v.title),
    sku: blankToNull(v.sku),
    priceMinor: v.price == null ? null : BigInt(toMinor(v.price, currency)),
    inventoryQuantity: v.inventory_management ? (v.inventory_quantity ?? null) : null,
  }));
}

/** The text of an HTML description, as Admin GraphQL's Product.description gives it. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

export function productMirror(p: ProductPayload): ProductMirror {
  return {
    id: resourceId(p.id, p.admin_graphql_api_id),
    title: p.title,
    handle: blankToNull(p.handle),
    description: blankToNull(htmlText(p.body_html ?? "")),
    productType: blankToNull(p.product_type),
    vendor: blankToNull(p.vendor),
    tags: p.tags,
    status: p.status ?? null,
    shopifyUpdatedAt: p.updated_at,
  };
}
