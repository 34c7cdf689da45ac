import { allocate, formatDecimal } from "./resources/money";
import { lineDiscountedTotal, orderTotals } from "./resources/order-totals";
import type { CustomerRecord, LineItemRecord, OrderRecord, ProductRecord } from "./resources/records";
import { legacyIdOf, shopifyDateTime } from "./resources/records";

// The emulator's records rendered as Shopify's REST webhook payloads (API 2025-10), the
// shapes orders/*, refunds/create, customers/* and products/* deliver. The simulator sends
// these through `sendWebhook`, so the app's ingest parses what Shopify would send: decimal
// strings, MoneyBags with shop and presentment money, comma-separated tags, lowercase
// statuses. Presentment money equals shop money here (the emulator sells in one currency).

type MoneySet = {
  shop_money: { amount: string; currency_code: string };
  presentment_money: { amount: string; currency_code: string };
};

function moneySet(minor: number, currency: string): MoneySet {
  const money = { amount: formatDecimal(minor, currency), currency_code: currency };
  return { shop_money: money, presentment_money: money };
}

const numericId = (type: string, id: string | null) => (id === null ? null : legacyIdOf(type, id));

function consent(state: string, updatedAt: string) {
  return { state: state.toLowerCase(), opt_in_level: "single_opt_in", consent_updated_at: updatedAt };
}

export function customerPayload(customer: CustomerRecord, currency: string) {
  return {
    id: customer.legacyId,
    admin_graphql_api_id: customer.id,
    email: customer.email,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: null,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    tags: customer.tags.join(", "),
    currency,
    phone: customer.phone,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: customer.email
      ? consent(customer.emailMarketingState, customer.updatedAt)
      : null,
    sms_marketing_consent: customer.phone ? smsConsent(customer) : null,
  };
}

function smsConsent(customer: CustomerRecord) {
  return {
    state: customer.smsMarketingState.toLowerCase(),
    opt_in_level: "single_opt_in",
    consent_updated_at: customer.updatedAt,
    consent_collected_from: "OTHER",
  };
}

/** customers_marketing_consent/update: a customer's SMS marketing consent changed. */
export function customerSmsConsentPayload(customer: CustomerRecord) {
  return { id: customer.legacyId, phone: customer.phone, sms_marketing_consent: smsConsent(customer) };
}

/** customers_email_marketing_consent/update: a customer's email marketing consent changed. */
export function customerEmailConsentPayload(customer: CustomerRecord) {
  return {
    customer_id: customer.legacyId,
    email_address: customer.email,
    email_marketing_consent: customer.email
      ? consent(customer.emailMarketingState, customer.updatedAt)
      : null,
  };
}

export function customerDeletePayload(customer: Pick<CustomerRecord, "legacyId" | "id">) {
  return {
    id: customer.legacyId,
    phone: null,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: null,
    admin_graphql_api_id: customer.id,
  };
}

export function productPayload(product: ProductRecord, currency: string) {
  return {
    id: product.legacyId,
    admin_graphql_api_id: product.id,
    title: product.title,
    body_html: product.descriptionHtml,
    vendor: product.vendor,
    product_type: product.productType,
    created_at: product.createdAt,
    handle: product.handle,
    updated_at: product.updatedAt,
    published_at: product.status === "ACTIVE" ? product.createdAt : null,
    status: product.status.toLowerCase(),
    tags: product.tags.join(", "),
    variants: product.variants.map((v, i) => ({
      id: v.legacyId,
      admin_graphql_api_id: v.id,
      product_id: product.legacyId,
      title: v.title,
      sku: v.sku,
      price: formatDecimal(v.priceMinor, currency),
      position: i + 1,
      inventory_item_id: v.legacyId,
      inventory_quantity: v.inventoryQuantity ?? 0,
      inventory_management: v.inventoryQuantity === null ? null : "shopify",
    })),
  };
}

function lineItemPayload(line: LineItemRecord, currency: string, hasDiscount: boolean) {
  return {
    id: line.legacyId,
    admin_graphql_api_id: line.id,
    product_id: numericId("Product", line.productId),
    variant_id: numericId("ProductVariant", line.variantId),
    title: line.title,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    variant_title: line.variantTitle,
    sku: line.sku,
    vendor: null,
    quantity: line.quantity,
    current_quantity: line.quantity,
    price: formatDecimal(line.unitPriceMinor, currency),
    price_set: moneySet(line.unitPriceMinor, currency),
    total_discount: "0.00",
    total_discount_set: moneySet(0, currency),
    gift_card: false,
    taxable: true,
    requires_shipping: true,
    properties: [],
    tax_lines: [],
    discount_allocations:
      hasDiscount && line.discountMinor > 0
        ? [
            {
              amount: formatDecimal(line.discountMinor, currency),
              amount_set: moneySet(line.discountMinor, currency),
              discount_application_index: 0,
            },
          ]
        : [],
  };
}

/** A refund of some of an order's lines (and optionally shipping), in the emulator's terms. */
export type RefundSpec = {
  id: number;
  createdAt: string | Date;
  note?: string | null;
  lines: Array<{ lineItemId: number; quantity: number }>;
  shippingMinor?: number;
};

/**
 * Each refunded line gives back its share of what it sold for (after its discounts) and
 * of the order's tax, which is spread over lines by their value.
 */
export function refundPayload(order: OrderRecord, spec: RefundSpec) {
  const currency = order.currencyCode;
  const taxes = allocate(order.taxMinor, order.lineItems.map(lineDiscountedTotal));
  const at = shopifyDateTime(spec.createdAt);
  const shipping = Math.min(spec.shippingMinor ?? 0, order.shippingMinor);
  return {
    id: spec.id,
    admin_graphql_api_id: `gid://shopify/Refund/${spec.id}`,
    order_id: order.legacyId,
    created_at: at,
    processed_at: at,
    note: spec.note ?? null,
    restock: true,
    user_id: null,
    duties: [],
    total_duties_set: moneySet(0, currency),
    transactions: [],
    order_adjustments: [],
    refund_shipping_lines: shipping
      ? [
          {
            id: spec.id,
            subtotal_amount_set: moneySet(shipping, currency),
            tax_amount_set: moneySet(0, currency),
          },
        ]
      : [],
    refund_line_items: spec.lines.map((r, i) => {
      const index = order.lineItems.findIndex((l) => l.legacyId === r.lineItemId);
      const line = order.lineItems[index];
      if (!line) throw new Error(`order ${order.name} has no line item ${r.lineItemId}`);
      const quantity = Math.min(r.quantity, line.quantity);
      const share = (minor: number) => Math.round((minor * quantity) / line.quantity);
      const subtotal = share(lineDiscountedTotal(line));
      const tax = share(taxes[index] ?? 0);
      return {
        id: spec.id * 100 + i,
        line_item_id: line.legacyId,
        quantity,
        restock_type: "return",
        subtotal: formatDecimal(subtotal, currency),
        subtotal_set: moneySet(subtotal, currency),
        total_tax: formatDecimal(tax, currency),
        total_tax_set: moneySet(tax, currency),
        line_item: lineItemPayload(line, currency, order.discountCodes.length > 0),
      };
    }),
  };
}

/** The order as orders/create, orders/updated, orders/paid and orders/cancelled carry it. */
export function orderPayload(
  order: OrderRecord,
  options: { customer?: CustomerRecord | null; refunds?: RefundSpec[] } = {},
) {
  const currency = order.currencyCode;
  const totals = orderTotals(order);
  const customer = options.customer ?? null;
  const lineItemsTotal = order.lineItems.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);
  const money = (minor: number) => formatDecimal(minor, currency);
  const hasDiscount = order.discountCodes.length > 0;
  return {
    id: order.legacyId,
    admin_graphql_api_id: order.id,
    name: order.name,
    order_number: Number(order.name.replace(/\D/g, "")) || order.legacyId,
    email: order.email,
    contact_email: order.email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelledAt ? "customer" : null,
    closed_at: null,
    currency,
    presentment_currency: currency,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status:
      order.fulfillmentStatus === "UNFULFILLED" ? null : order.fulfillmentStatus.toLowerCase(),
    test: order.test,
    tags: order.tags.join(", "),
    source_name: order.sourceName,
    taxes_included: false,
    discount_codes: order.discountCodes.map((c) => ({
      code: c.code,
      amount: money(c.amountMinor),
      type: "fixed_amount",
    })),
    discount_applications: order.discountCodes.map((c) => ({
      type: "discount_code",
      code: c.code,
      value: money(c.amountMinor),
      value_type: "fixed_amount",
      allocation_method: "across",
      target_selection: "all",
      target_type: "line_item",
    })),
    total_line_items_price: money(lineItemsTotal),
    total_line_items_price_set: moneySet(lineItemsTotal, currency),
    subtotal_price: money(totals.subtotal),
    subtotal_price_set: moneySet(totals.subtotal, currency),
    total_discounts: money(totals.discounts),
    total_discounts_set: moneySet(totals.discounts, currency),
    total_shipping_price_set: moneySet(totals.shipping, currency),
    total_tax: money(totals.tax),
    total_tax_set: moneySet(totals.tax, currency),
    total_price: money(totals.total),
    total_price_set: moneySet(totals.total, currency),
    line_items: order.lineItems.map((l) => lineItemPayload(l, currency, hasDiscount)),
    shipping_lines: order.shippingMinor
      ? [
          {
            id: order.legacyId,
            title: "Standard",
            code: "Standard",
            source: "shopify",
            price: money(order.shippingMinor),
            price_set: moneySet(order.shippingMinor, currency),
            discounted_price: money(order.shippingMinor),
            discounted_price_set: moneySet(order.shippingMinor, currency),
            discount_allocations: [],
            tax_lines: [],
          },
        ]
      : [],
    refunds: (options.refunds ?? []).map((r) => refundPayload(order, r)),
    customer: customer
      ? {
          id: customer.legacyId,
          admin_graphql_api_id: customer.id,
          email: customer.email,
          first_name: customer.firstName,
          last_name: customer.lastName,
          phone: customer.phone,
          state: customer.state.toLowerCase(),
          tags: customer.tags.join(", "),
          currency,
          created_at: customer.createdAt,
          updated_at: customer.updatedAt,
        }
      : null,
    company: null,
    shipping_address: null,
    billing_address: null,
  };
}
