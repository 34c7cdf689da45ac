import { Prisma } from "~/db.server";
import { consentSetSql } from "./consent";
import type { CustomerMirror, OrderMirror, ProductMirror, RefundMirror, VariantMirror } from "./to-mirror";

// Writes to the mirror. Shopify delivers webhooks at least once and in any order, so
// each upsert is conditional in one SQL statement: a payload older than the stored row
// (by Shopify's updated_at) changes nothing, an equal or newer one replaces it. Refunds
// never change once created, so the first copy stands. Redacted and deleted customers
// are never refilled. Each function says whether the payload was applied.

type Tx = Prisma.TransactionClient;

// A consent decided before the stored one keeps the stored one, whatever the payload's age.
const CONSENT_SET = Prisma.raw(`${consentSetSql("email")},\n      ${consentSetSql("sms")}`);

/**
 * Serialises ingest work on the same cause across concurrent transactions: an order and
 * its refund (each would otherwise miss the other's uncommitted row and neither would
 * apply the refund), a guest order and the customer whose email it carries. Keys are
 * taken in sorted order so two transactions can never wait on each other.
 */
export async function lockIngestKeys(tx: Tx, keys: readonly string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
  }
}

export const orderLockKey = (shop: string, orderId: bigint) => `ingest:${shop}:order:${orderId}`;
export const emailLockKey = (shop: string, email: string) =>
  `ingest:${shop}:email:${email.trim().toLowerCase()}`;

// Timestamps are stored as UTC `timestamp(3)`: pass ISO text and let Postgres drop the "Z".
const ts = (d: Date | null) => (d ? d.toISOString() : null);

export async function upsertCustomer(tx: Tx, shop: string, c: CustomerMirror, now: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "Customer" ("shop", "id", "email", "phone", "firstName", "lastName", "tags", "state",
      "emailConsent", "smsConsent", "emailConsentAt", "smsConsentAt", "currencyCode", "shopifyCreatedAt",
      "shopifyUpdatedAt", "syncedAt")
    VALUES (${shop}, ${c.id}, ${c.email}, ${c.phone}, ${c.firstName}, ${c.lastName}, ${c.tags}::text[],
      ${c.state}, ${c.emailConsent}, ${c.smsConsent}, ${ts(c.emailConsentAt)}::timestamp,
      ${ts(c.smsConsentAt)}::timestamp, ${c.currencyCode},
      ${ts(c.shopifyCreatedAt)}::timestamp, ${ts(c.shopifyUpdatedAt)}::timestamp, ${ts(now)}::timestamp)
    ON CONFLICT ("shop", "id") DO UPDATE SET
      "email" = EXCLUDED."email", "phone" = EXCLUDED."phone", "firstName" = EXCLUDED."firstName",
      "lastName" = EXCLUDED."lastName", "tags" = EXCLUDED."tags", "state" = EXCLUDED."state",
      ${CONSENT_SET},
      "currencyCode" = COALESCE(EXCLUDED."currencyCode", "Customer"."currencyCode"),
      "shopifyCreatedAt" = COALESCE(EXCLUDED."shopifyCreatedAt", "Customer"."shopifyCreatedAt"),
      "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "syncedAt" = EXCLUDED."syncedAt"
    WHERE "Customer"."redactedAt" IS NULL AND "Customer"."deletedAt" IS NULL
      AND ("Customer"."shopifyUpdatedAt" IS NULL OR "Customer"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt")
    RETURNING "id"`;
  return rows.length > 0;
}

/**
 * The customer embedded in an order only creates the row when it is missing: newer API
 * versions trim that object, so it must not overwrite what customers/* webhooks wrote.
 */
export async function insertCustomerIfMissing(
  tx: Tx,
  shop: string,
  c: CustomerMirror,
  now: Date,
): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "Customer" ("shop", "id", "email", "phone", "firstName", "lastName", "tags", "state",
      "currencyCode", "shopifyCreatedAt", "shopifyUpdatedAt", "syncedAt")
    VALUES (${shop}, ${c.id}, ${c.email}, ${c.phone}, ${c.firstName}, ${c.lastName}, ${c.tags}::text[],
      ${c.state}, ${c.currencyCode}, ${ts(c.shopifyCreatedAt)}::timestamp, NULL, ${ts(now)}::timestamp)
    ON CONFLICT ("shop", "id") DO NOTHING`;
  return inserted > 0;
}

/** A B2B purchase marks its customer for good (the exclusion looks at the customer, not the order). */
export async function markCustomerB2B(tx: Tx, shop: string, customerId: bigint) {
  await tx.customer.updateMany({ where: { shop, id: customerId, isB2B: false }, data: { isB2B: true } });
}

/**
 * The conflict rule of every order upsert from a payload (this one and the batch path's):
 * a stored customer id survives a payload without one, and an older payload changes nothing.
 */
export const ORDER_UPSERT_CONFLICT = `
    ON CONFLICT ("shop", "id") DO UPDATE SET
      "customerId" = COALESCE(EXCLUDED."customerId", "Order"."customerId"),
      "name" = EXCLUDED."name", "email" = EXCLUDED."email", "currencyCode" = EXCLUDED."currencyCode",
      "subtotalMinor" = EXCLUDED."subtotalMinor", "totalMinor" = EXCLUDED."totalMinor",
      "totalDiscountsMinor" = EXCLUDED."totalDiscountsMinor",
      "totalShippingMinor" = EXCLUDED."totalShippingMinor", "totalTaxMinor" = EXCLUDED."totalTaxMinor",
      "financialStatus" = EXCLUDED."financialStatus", "discountCodes" = EXCLUDED."discountCodes",
      "lineItems" = EXCLUDED."lineItems", "shippingAddress" = EXCLUDED."shippingAddress",
      "billingAddress" = EXCLUDED."billingAddress", "processedAt" = EXCLUDED."processedAt",
      "cancelledAt" = EXCLUDED."cancelledAt", "cancelReason" = EXCLUDED."cancelReason",
      "tags" = EXCLUDED."tags", "test" = EXCLUDED."test", "sourceName" = EXCLUDED."sourceName",
      "companyId" = EXCLUDED."companyId", "shopifyCreatedAt" = EXCLUDED."shopifyCreatedAt",
      "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "syncedAt" = EXCLUDED."syncedAt"
    WHERE "Order"."shopifyUpdatedAt" IS NULL OR "Order"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt"`;

/**
 * A stored customer id survives a newer payload without one: the app links guest
 * orders to the customer with the same email, and Shopify never detaches a customer.
 */
export async function upsertOrder(tx: Tx, shop: string, o: OrderMirror, now: Date): Promise<boolean> {
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "Order" ("shop", "id", "customerId", "name", "email", "currencyCode", "subtotalMinor",
      "totalMinor", "totalDiscountsMinor", "totalShippingMinor", "totalTaxMinor", "financialStatus",
      "discountCodes", "lineItems", "shippingAddress", "billingAddress", "processedAt", "cancelledAt",
      "cancelReason", "tags", "test", "sourceName", "companyId", "shopifyCreatedAt", "shopifyUpdatedAt",
      "syncedAt")
    VALUES (${shop}, ${o.id}, ${o.customerId}, ${o.name}, ${o.email}, ${o.currencyCode}, ${o.subtotalMinor},
      ${o.totalMinor}, ${o.totalDiscountsMinor}, ${o.totalShippingMinor}, ${o.totalTaxMinor},
      ${o.financialStatus}, ${o.discountCodes}::text[], ${json(o.lineItems)}::jsonb,
      ${json(o.shippingAddress)}::jsonb, ${json(o.billingAddress)}::jsonb, ${ts(o.processedAt)}::timestamp,
      ${ts(o.cancelledAt)}::timestamp, ${o.cancelReason}, ${o.tags}::text[], ${o.test}, ${o.sourceName},
      ${o.companyId}, ${ts(o.shopifyCreatedAt)}::timestamp, ${ts(o.shopifyUpdatedAt)}::timestamp,
      ${ts(now)}::timestamp)
    ${Prisma.raw(ORDER_UPSERT_CONFLICT)}
    RETURNING "id"`;
  return rows.length > 0;
}

export async function insertRefund(tx: Tx, shop: string, r: RefundMirror, now: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "Refund" ("shop", "id", "orderId", "note", "lineItems", "shippingMinor", "totalMinor",
      "processedAt", "shopifyCreatedAt", "syncedAt")
    VALUES (${shop}, ${r.id}, ${r.orderId}, ${r.note}, ${JSON.stringify(r.lineItems)}::jsonb,
      ${r.shippingMinor}, ${r.totalMinor}, ${ts(r.processedAt)}::timestamp,
      ${ts(r.shopifyCreatedAt)}::timestamp, ${ts(now)}::timestamp)
    ON CONFLICT ("shop", "id") DO NOTHING
    RETURNING "id"`;
  return rows.length > 0;
}

export async function upsertProduct(tx: Tx, shop: string, p: ProductMirror, now: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "Product" ("shop", "id", "title", "handle", "description", "productType", "vendor", "tags", "status",
      "shopifyUpdatedAt", "syncedAt")
    VALUES (${shop}, ${p.id}, ${p.title}, ${p.handle}, ${p.description}, ${p.productType}, ${p.vendor}, ${p.tags}::text[],
      ${p.status}, ${ts(p.shopifyUpdatedAt)}::timestamp, ${ts(now)}::timestamp)
    ON CONFLICT ("shop", "id") DO UPDATE SET
      "title" = EXCLUDED."title", "handle" = EXCLUDED."handle", "description" = EXCLUDED."description",
      "productType" = EXCLUDED."productType",
      "vendor" = EXCLUDED."vendor", "tags" = EXCLUDED."tags", "status" = EXCLUDED."status",
      "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "syncedAt" = EXCLUDED."syncedAt"
    WHERE "Product"."shopifyUpdatedAt" IS NULL OR "Product"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt"
    RETURNING "id"`;
  return rows.length > 0;
}

/** A product's variants from its webhook (applied only with a product payload that was). Unit costs stay. */
export async function upsertVariants(tx: Tx, shop: string, variants: readonly VariantMirror[], now: Date) {
  for (const v of variants)
    await tx.$executeRaw`
      INSERT INTO "ProductVariant" ("shop", "id", "productId", "title", "sku", "priceMinor", "inventoryQuantity",
        "syncedAt")
      VALUES (${shop}, ${v.id}, ${v.productId}, ${v.title}, ${v.sku}, ${v.priceMinor}, ${v.inventoryQuantity},
        ${ts(now)}::timestamp)
      ON CONFLICT ("shop", "id") DO UPDATE SET
        "productId" = EXCLUDED."productId", "title" = EXCLUDED."title", "sku" = EXCLUDED."sku",
        "priceMinor" = EXCLUDED."priceMinor", "inventoryQuantity" = EXCLUDED."inventoryQuantity",
        "syncedAt" = EXCLUDED."syncedAt"`;
}
