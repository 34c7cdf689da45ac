// What the store keeps for each resource. Amounts are integer minor units; the GraphQL
// resolvers turn records into Shopify's wire shapes (gids, decimal strings, MoneyBags).

export type ShopRecord = {
  id: string;
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  planDisplayName: string;
  createdAt: string;
};

/** A staff account: what an online access token's associated_user describes. */
export type StaffRecord = {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accountOwner: boolean;
};

export const CUSTOMER_STATES = ["DECLINED", "DISABLED", "ENABLED", "INVITED"] as const;
export const MARKETING_STATES = [
  "INVALID",
  "NOT_SUBSCRIBED",
  "PENDING",
  "REDACTED",
  "SUBSCRIBED",
  "UNSUBSCRIBED",
] as const;

export type CustomerRecord = {
  legacyId: number;
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string[];
  state: (typeof CUSTOMER_STATES)[number];
  verifiedEmail: boolean;
  emailMarketingState: (typeof MARKETING_STATES)[number];
  /** Shopify's CustomerSmsMarketingState (no INVALID); meaningful only with a phone. */
  smsMarketingState: Exclude<(typeof MARKETING_STATES)[number], "INVALID">;
  createdAt: string;
  updatedAt: string;
};

export const FINANCIAL_STATUSES = [
  "AUTHORIZED",
  "EXPIRED",
  "PAID",
  "PARTIALLY_PAID",
  "PARTIALLY_REFUNDED",
  "PENDING",
  "REFUNDED",
  "VOIDED",
] as const;
export const FULFILLMENT_STATUSES = [
  "FULFILLED",
  "IN_PROGRESS",
  "ON_HOLD",
  "PARTIALLY_FULFILLED",
  "UNFULFILLED",
] as const;

export type LineItemRecord = {
  legacyId: number;
  id: string;
  title: string;
  quantity: number;
  sku: string | null;
  productId: string | null;
  variantId: string | null;
  variantTitle: string | null;
  unitPriceMinor: number;
  /** Share of the order's discount codes allocated to this line. */
  discountMinor: number;
};

export type OrderRecord = {
  legacyId: number;
  id: string;
  name: string;
  email: string | null;
  customerId: string | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: (typeof FINANCIAL_STATUSES)[number];
  fulfillmentStatus: (typeof FULFILLMENT_STATUSES)[number];
  currencyCode: string;
  discountCodes: Array<{ code: string; amountMinor: number }>;
  lineItems: LineItemRecord[];
  shippingMinor: number;
  taxMinor: number;
  tags: string[];
  test: boolean;
  sourceName: string;
};

export const PRODUCT_STATUSES = ["ACTIVE", "ARCHIVED", "DRAFT"] as const;

export type VariantRecord = {
  legacyId: number;
  id: string;
  title: string;
  sku: string | null;
  priceMinor: number;
  inventoryQuantity: number | null;
  unitCostMinor: number | null;
};

export type ProductRecord = {
  legacyId: number;
  id: string;
  title: string;
  handle: string;
  descriptionHtml: string;
  productType: string;
  vendor: string;
  tags: string[];
  status: (typeof PRODUCT_STATUSES)[number];
  createdAt: string;
  updatedAt: string;
  variants: VariantRecord[];
};

export function gid(type: string, legacyId: number | string): string {
  return `gid://shopify/${type}/${legacyId}`;
}

const ID_PATTERNS = new Map<string, RegExp>();

/** Accepts a gid of the given type or a bare numeric id; returns the numeric id or null. */
export function legacyIdOf(type: string, id: string | number): number | null {
  if (typeof id === "number") return Number.isSafeInteger(id) && id > 0 ? id : null;
  let pattern = ID_PATTERNS.get(type);
  if (!pattern) ID_PATTERNS.set(type, (pattern = new RegExp(`^(?:gid://shopify/${type}/)?(\\d+)$`)));
  const match = pattern.exec(id);
  return match ? Number(match[1]) : null;
}

/** Shopify prints DateTime without milliseconds: 2024-05-01T12:00:00Z. */
export function shopifyDateTime(value: string | number | Date): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
}
