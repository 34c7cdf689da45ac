import { toMinor } from "~/ingest/payload-common";
import type { MirrorLineItem } from "~/mirror/format";
import { consentOf } from "~/ingest/consent";

// Bulk operation JSONL lines as mirror rows. Each line is one object; a node of a nested
// connection (an order's line item) carries `__parentId` and follows its parent. The
// shapes written here are the ones webhook ingest writes (app/ingest/to-mirror.ts): ids
// are Shopify's numeric ids, money is shop-currency integer minor units, line items are
// in the mirror format the ledger reads. Lines are parsed by hand rather than through a
// schema: a million orders must not pay for a validator per line, and anything missing
// or malformed still stops the load with the line number.

export const RESOURCES = ["products", "customers", "orders"] as const;
export type BackfillResource = (typeof RESOURCES)[number];

const MONEY = "shopMoney { amount currencyCode }";

/** One bulk query per resource, run in this order: products (earning facts), customers, orders. */
export const BULK_QUERIES: Record<BackfillResource, string> = {
  products: `{
  products {
    edges { node { id title handle description productType vendor tags status updatedAt
      variants { edges { node { id title sku price inventoryQuantity inventoryItem { unitCost { amount currencyCode } } } } }
    } }
  }
}`,
  customers: `{
  customers {
    edges { node {
      id email phone firstName lastName tags state createdAt updatedAt
      emailMarketingConsent { marketingState consentUpdatedAt }
      smsMarketingConsent { marketingState consentUpdatedAt }
      numberOfOrders
      amountSpent { amount currencyCode }
    } }
  }
}`,
  orders: ordersQuery(null),
};

/** The orders bulk query, over all of them or those the search filter matches. */
function ordersQuery(filter: string | null): string {
  return `{
  orders${filter ? `(query: ${JSON.stringify(filter)})` : ""} {
    edges { node {
      id name email createdAt processedAt updatedAt cancelledAt test tags sourceName
      currencyCode displayFinancialStatus discountCodes
      customer { id }
      subtotalPriceSet { ${MONEY} }
      totalPriceSet { ${MONEY} }
      totalDiscountsSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} }
      totalTaxSet { ${MONEY} }
      lineItems {
        edges { node {
          id title quantity sku variantTitle
          product { id }
          originalUnitPriceSet { ${MONEY} }
          totalDiscountSet { ${MONEY} }
        } }
      }
    } }
  }
}`;
}

/**
 * Orders come in slices of their id range when a shop has many (see planOrderSlices):
 * `boundaries` are the ids between slices, ascending; slice i holds ids from
 * boundaries[i - 1] (inclusive) up to boundaries[i] (exclusive), the first and last
 * slices open-ended, so together they hold every order exactly once, those placed during
 * the import included.
 */
export function orderSliceFilter(boundaries: readonly bigint[], slice: number): string | null {
  const terms: string[] = [];
  if (slice > 0) terms.push(`id:>=${boundaries[slice - 1]}`);
  if (slice < boundaries.length) terms.push(`id:<${boundaries[slice]}`);
  return terms.length ? terms.join(" AND ") : null;
}

/** The bulk query for a resource; orders take the filter of their slice. */
export function bulkQuery(resource: BackfillResource, filter: string | null = null): string {
  return resource === "orders" ? ordersQuery(filter) : BULK_QUERIES[resource];
}

/** Orders per slice the import aims at: big enough that a slice's export overhead is small. */
export const ORDERS_PER_SLICE = 150_000;
/** At most this many slices, however large the shop. */
export const MAX_ORDER_SLICES = 8;

/**
 * Splits the id range [minId, maxId] of a shop's orders into equal slices, about one per
 * ORDERS_PER_SLICE of `expectedOrders`; returns the ids between them (none: one slice).
 * Shopify's order ids grow with time, so equal id ranges are roughly equal stretches of
 * the shop's history.
 */
export function planOrderSlices(
  minId: bigint,
  maxId: bigint,
  expectedOrders: number,
  perSlice = ORDERS_PER_SLICE,
): bigint[] {
  const slices = Math.min(MAX_ORDER_SLICES, Math.floor(expectedOrders / perSlice));
  const span = maxId - minId + 1n;
  if (slices < 2 || span < BigInt(slices)) return [];
  return Array.from({ length: slices - 1 }, (_, i) => minId + (span * BigInt(i + 1)) / BigInt(slices));
}

export class JsonlFormatError extends Error {
  override name = "JsonlFormatError";
  constructor(lineNumber: number, problem: string) {
    super(`JSONL line ${lineNumber}: ${problem}`);
  }
}

export interface CustomerRow {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  state: string | null;
  emailConsent: boolean;
  smsConsent: boolean;
  /** ISO instants of each consent's decision (`consentUpdatedAt`). */
  emailConsentAt: string | null;
  smsConsentAt: string | null;
  ordersCount: number;
  amountSpentMinor: number;
  currencyCode: string | null;
  shopifyCreatedAt: string | null;
  shopifyUpdatedAt: string | null;
}

export interface OrderRow {
  id: string;
  customerId: string | null;
  name: string;
  email: string | null;
  currencyCode: string;
  subtotalMinor: number;
  totalMinor: number;
  totalDiscountsMinor: number;
  totalShippingMinor: number;
  totalTaxMinor: number;
  financialStatus: string | null;
  discountCodes: string[];
  lineItems: MirrorLineItem[];
  processedAt: string | null;
  cancelledAt: string | null;
  tags: string[];
  test: boolean;
  sourceName: string | null;
  shopifyCreatedAt: string | null;
  shopifyUpdatedAt: string | null;
}

export interface ProductRow {
  id: string;
  title: string;
  handle: string | null;
  description: string | null;
  productType: string | null;
  vendor: string | null;
  tags: string[];
  status: string | null;
  shopifyUpdatedAt: string | null;
}

/** A product's variant: what the weekly picks read (price, stock on hand, unit cost). */
export interface VariantRow {
  id: string;
  productId: string;
  title: string | null;
  sku: string | null;
  priceMinor: number | null;
  inventoryQuantity: number | null;
  unitCostMinor: number | null;
}

export type ParsedLine =
  | { type: "Customer"; row: CustomerRow }
  | { type: "Order"; row: OrderRow }
  | { type: "Product"; row: ProductRow }
  | { type: "LineItem"; parentId: string; row: MirrorLineItem }
  | { type: "ProductVariant"; row: VariantRow };

type Obj = Record<string, unknown>;

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** `gid://shopify/Order/123` → ["Order", "123"]. */
export function parseGid(value: unknown): [type: string, id: string] | null {
  if (typeof value !== "string") return null;
  const match = GID.exec(value);
  return match ? [match[1]!, match[2]!] : null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
const time = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

function money(value: unknown, fallbackCurrency: string | null): number {
  const shop = (value as { shopMoney?: { amount?: unknown; currencyCode?: unknown } } | null)?.shopMoney;
  if (!shop) return 0;
  const currency = typeof shop.currencyCode === "string" ? shop.currencyCode : fallbackCurrency;
  if (typeof shop.amount !== "string" && typeof shop.amount !== "number") return 0;
  return minorOf(shop.amount, currency ?? "USD");
}

const MINOR_DIGITS = new Map<string, number>();

/**
 * toMinor, with the common case read by hand: a plain decimal string ("45.37", "5.0")
 * with no more fraction digits than the currency has, so no rounding applies. Anything
 * else goes to toMinor.
 */
function minorOf(amount: string | number, currency: string): number {
  if (typeof amount === "string") {
    let digits = MINOR_DIGITS.get(currency);
    if (digits === undefined)
      MINOR_DIGITS.set(currency, (digits = String(toMinor("1", currency)).length - 1));
    const dot = amount.indexOf(".");
    const whole = dot < 0 ? amount : amount.slice(0, dot);
    const fraction = dot < 0 ? "" : amount.slice(dot + 1);
    const fits = whole.length > 0 && whole.length <= 15 && (dot < 0 || fraction.length > 0);
    if (fits && fraction.length <= digits && PLAIN.test(whole + fraction))
      return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  }
  return toMinor(amount, currency);
}

const PLAIN = /^\d+$/;

function idOf(value: unknown, type: string, lineNumber: number, field: string): string {
  const parsed = parseGid(value);
  if (!parsed || parsed[0] !== type) throw new JsonlFormatError(lineNumber, `${field} is not a ${type} id`);
  return parsed[1];
}

/** One JSONL object as a mirror row; lines of types the backfill does not load return null. */
export function parseLine(object: unknown, lineNumber: number, shopCurrency: string): ParsedLine | null {
  if (!object || typeof object !== "object") throw new JsonlFormatError(lineNumber, "not a JSON object");
  const o = object as Obj;
  const gid = parseGid(o.id);
  if (!gid) throw new JsonlFormatError(lineNumber, "has no Shopify id");
  const [type, id] = gid;
  switch (type) {
    case "Customer": {
      const spent = o.amountSpent as { amount?: unknown; currencyCode?: unknown } | null | undefined;
      const currency = typeof spent?.currencyCode === "string" ? spent.currencyCode : null;
      const email = consentOf(o.emailMarketingConsent);
      const sms = consentOf(o.smsMarketingConsent);
      return {
        type,
        row: {
          id,
          email: str(o.email),
          phone: str(o.phone),
          firstName: str(o.firstName),
          lastName: str(o.lastName),
          tags: strings(o.tags),
          state: typeof o.state === "string" ? o.state.toLowerCase() : null,
          emailConsent: email.subscribed,
          smsConsent: sms.subscribed,
          emailConsentAt: email.at?.toISOString() ?? null,
          smsConsentAt: sms.at?.toISOString() ?? null,
          ordersCount: Number(o.numberOfOrders ?? 0) || 0,
          amountSpentMinor:
            spent && (typeof spent.amount === "string" || typeof spent.amount === "number")
              ? minorOf(spent.amount, currency ?? shopCurrency)
              : 0,
          currencyCode: currency,
          shopifyCreatedAt: time(o.createdAt),
          shopifyUpdatedAt: time(o.updatedAt),
        },
      };
    }
    case "Order": {
      const currency = (o.subtotalPriceSet as { shopMoney?: { currencyCode?: string } } | null)?.shopMoney
        ?.currencyCode;
      const orderCurrency = typeof currency === "string" ? currency : shopCurrency;
      const customer = o.customer as { id?: unknown } | null | undefined;
      if (typeof o.name !== "string") throw new JsonlFormatError(lineNumber, "order has no name");
      return {
        type,
        row: {
          id,
          customerId: customer?.id ? idOf(customer.id, "Customer", lineNumber, "customer.id") : null,
          name: o.name,
          email: str(o.email),
          currencyCode: orderCurrency,
          subtotalMinor: money(o.subtotalPriceSet, orderCurrency),
          totalMinor: money(o.totalPriceSet, orderCurrency),
          totalDiscountsMinor: money(o.totalDiscountsSet, orderCurrency),
          totalShippingMinor: money(o.totalShippingPriceSet, orderCurrency),
          totalTaxMinor: money(o.totalTaxSet, orderCurrency),
          financialStatus:
            typeof o.displayFinancialStatus === "string" ? o.displayFinancialStatus.toLowerCase() : null,
          discountCodes: strings(o.discountCodes),
          lineItems: [],
          processedAt: time(o.processedAt),
          cancelledAt: time(o.cancelledAt),
          tags: strings(o.tags),
          test: o.test === true,
          sourceName: str(o.sourceName),
          shopifyCreatedAt: time(o.createdAt),
          shopifyUpdatedAt: time(o.updatedAt),
        },
      };
    }
    case "LineItem": {
      const parentId = idOf(o.__parentId, "Order", lineNumber, "__parentId");
      const quantity = Number(o.quantity);
      if (!Number.isInteger(quantity))
        throw new JsonlFormatError(lineNumber, "line item quantity is not a whole number");
      const product = o.product as { id?: unknown } | null | undefined;
      return {
        type,
        parentId,
        row: {
          id,
          productId: product?.id ? idOf(product.id, "Product", lineNumber, "product.id") : null,
          variantId: null,
          sku: str(o.sku),
          title: typeof o.title === "string" ? o.title : "",
          variantTitle: str(o.variantTitle),
          vendor: null,
          quantity,
          priceMinor: money(o.originalUnitPriceSet, shopCurrency),
          discountMinor: money(o.totalDiscountSet, shopCurrency),
          giftCard: o.isGiftCard === true,
        },
      };
    }
    case "Product": {
      if (typeof o.title !== "string") throw new JsonlFormatError(lineNumber, "product has no title");
      return {
        type,
        row: {
          id,
          title: o.title,
          handle: str(o.handle),
          description: str(o.description),
          productType: str(o.productType),
          vendor: str(o.vendor),
          tags: strings(o.tags),
          status: typeof o.status === "string" ? o.status.toLowerCase() : null,
          shopifyUpdatedAt: time(o.updatedAt),
        },
      };
    }
    case "ProductVariant": {
      const amount = (v: unknown) =>
        typeof v === "string" || typeof v === "number" ? minorOf(v, shopCurrency) : null;
      const cost = (o.inventoryItem as { unitCost?: { amount?: unknown } | null } | null)?.unitCost;
      const quantity = o.inventoryQuantity;
      return {
        type,
        row: {
          id,
          productId: idOf(o.__parentId, "Product", lineNumber, "__parentId"),
          title: str(o.title),
          sku: str(o.sku),
          priceMinor: amount(o.price),
          inventoryQuantity: typeof quantity === "number" && Number.isInteger(quantity) ? quantity : null,
          unitCostMinor: amount(cost?.amount),
        },
      };
    }
    default:
      return null;
  }
}
