import type { z } from "zod";
import type { ShopState } from "../store";
import { StoreError } from "./store-error";
import { allocate, toMinorUnits } from "./money";
import type { customerInput, orderInput, productInput } from "./inputs";
import type { CustomerRecord, LineItemRecord, OrderRecord, ProductRecord } from "./records";
import { gid, legacyIdOf, shopifyDateTime } from "./records";

// Turns validated control-API input into store records: assigns ids, fills Shopify's
// defaults and derives money (discount allocation over lines).

export type IdSequence = { next(): number; claim(id: number): void };

export function resolveId(type: string, id: string | number | undefined, ids: IdSequence): number {
  if (id === undefined) return ids.next();
  const legacy = legacyIdOf(type, id);
  if (legacy === null) throw new StoreError(`${JSON.stringify(id)} is not a ${type} id`);
  ids.claim(legacy);
  return legacy;
}

const time = (value: string | undefined | null, fallback: string) =>
  value ? shopifyDateTime(value) : fallback;

export function buildCustomer(
  input: z.output<typeof customerInput>,
  ids: IdSequence,
  now: string,
): CustomerRecord {
  const legacyId = resolveId("Customer", input.id, ids);
  const createdAt = time(input.createdAt, now);
  return {
    legacyId,
    id: gid("Customer", legacyId),
    email: input.email ?? null,
    phone: input.phone ?? null,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    tags: input.tags,
    state: input.state,
    verifiedEmail: input.verifiedEmail,
    emailMarketingState: input.emailMarketingState,
    smsMarketingState: input.smsMarketingState,
    createdAt,
    updatedAt: time(input.updatedAt, createdAt),
  };
}

export function buildProduct(
  input: z.output<typeof productInput>,
  ids: IdSequence,
  now: string,
  currency: string,
): ProductRecord {
  const legacyId = resolveId("Product", input.id, ids);
  const createdAt = time(input.createdAt, now);
  return {
    legacyId,
    id: gid("Product", legacyId),
    title: input.title,
    handle: input.handle ?? slug(input.title),
    descriptionHtml: input.descriptionHtml ?? "",
    productType: input.productType,
    vendor: input.vendor,
    tags: input.tags,
    status: input.status,
    createdAt,
    updatedAt: time(input.updatedAt, createdAt),
    variants: input.variants.map((variant) => {
      const variantId = resolveId("ProductVariant", variant.id, ids);
      return {
        legacyId: variantId,
        id: gid("ProductVariant", variantId),
        title: variant.title,
        sku: variant.sku ?? null,
        priceMinor: toMinorUnits(variant.price, currency),
        inventoryQuantity: variant.inventoryQuantity,
        unitCostMinor: variant.unitCost === null ? null : toMinorUnits(variant.unitCost, currency),
      };
    }),
  };
}

export function buildOrder(
  input: z.output<typeof orderInput>,
  state: ShopState,
  ids: IdSequence,
  now: string,
): OrderRecord {
  const legacyId = resolveId("Order", input.id, ids);
  const currency = input.currencyCode ?? state.shop.currencyCode;
  const customer = input.customerId == null ? null : findCustomer(state, input.customerId);
  const lines: LineItemRecord[] = input.lineItems.map((line) => {
    const lineId = ids.next();
    const variant = line.variantId === undefined ? null : requireVariant(state, line.variantId);
    return {
      legacyId: lineId,
      id: gid("LineItem", lineId),
      title: line.title,
      quantity: line.quantity,
      sku: line.sku ?? null,
      productId:
        variant?.productId ?? (line.productId === undefined ? null : requireProduct(state, line.productId)),
      variantId: variant?.variantId ?? null,
      variantTitle: line.variantTitle ?? null,
      unitPriceMinor: toMinorUnits(line.unitPrice, currency),
      discountMinor: 0,
    };
  });
  const codes = input.discountCodes.map((c) => ({
    code: c.code,
    amountMinor: toMinorUnits(c.amount, currency),
  }));
  const original = lines.map((l) => l.unitPriceMinor * l.quantity);
  const discount = Math.min(
    codes.reduce((sum, c) => sum + c.amountMinor, 0),
    original.reduce((a, b) => a + b, 0),
  );
  allocate(discount, original).forEach((share, i) => {
    const line = lines[i];
    if (line) line.discountMinor = share;
  });
  const createdAt = time(input.createdAt, now);
  const existing = state.orders.get(legacyId);
  return {
    legacyId,
    id: gid("Order", legacyId),
    name: input.name ?? existing?.name ?? `#${state.nextOrderNumber++}`,
    email: input.email ?? customer?.email ?? null,
    customerId: customer?.id ?? null,
    createdAt,
    processedAt: time(input.processedAt, createdAt),
    updatedAt: time(input.updatedAt, createdAt),
    cancelledAt: input.cancelledAt ? shopifyDateTime(input.cancelledAt) : null,
    financialStatus: input.financialStatus,
    fulfillmentStatus: input.fulfillmentStatus,
    currencyCode: currency,
    discountCodes: codes,
    lineItems: lines,
    shippingMinor: toMinorUnits(input.shippingPrice, currency),
    taxMinor: toMinorUnits(input.taxPrice, currency),
    tags: input.tags,
    test: input.test,
    sourceName: input.sourceName,
  };
}

function requireVariant(state: ShopState, id: string | number): { variantId: string; productId: string } {
  const variantId = gid("ProductVariant", legacyIdOf("ProductVariant", id) ?? -1);
  for (const product of state.products.values()) {
    if (product.variants.some((v) => v.id === variantId)) return { variantId, productId: product.id };
  }
  throw new StoreError(`order refers to variant ${id}, which ${state.shop.domain} does not have`);
}

function findCustomer(state: ShopState, id: string | number): CustomerRecord {
  const customer = state.customers.get(legacyIdOf("Customer", id) ?? -1);
  if (!customer)
    throw new StoreError(`order refers to customer ${id}, which ${state.shop.domain} does not have`);
  return customer;
}

function requireProduct(state: ShopState, id: string | number): string {
  const product = state.products.get(legacyIdOf("Product", id) ?? -1);
  if (!product)
    throw new StoreError(`order refers to product ${id}, which ${state.shop.domain} does not have`);
  return product.id;
}

export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "product"
  );
}
