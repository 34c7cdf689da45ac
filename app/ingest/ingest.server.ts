import type { Prisma } from "~/db.server";
import {
  customerIdForEmail,
  ensureMember,
  linkGuestOrders,
  markMemberDeleted,
} from "~/loyalty/services/members.server";
import { settleOrder } from "~/loyalty/services/orders.server";
import { memberPrograms } from "~/loyalty/services/member-program.server";
import { markRedemptionsUsed } from "~/loyalty/services/redemptions-lifecycle.server";
import { isRedactedOrder } from "~/privacy/redacted-identities.server";
import type { CustomerDeletePayload, CustomerPayload } from "./customer-payload";
import {
  emailLockKey,
  insertCustomerIfMissing,
  lockIngestKeys,
  orderLockKey,
  insertRefund,
  markCustomerB2B,
  upsertCustomer,
  upsertOrder,
  upsertProduct,
  upsertVariants,
} from "./mirror.server";
import type { OrderPayload } from "./order-payload";
import { resourceId } from "./payload-common";
import type { ProductPayload } from "./product-payload";
import type { RefundPayload } from "./refund-payload";
import { customerMirror, orderMirror, productMirror, refundMirror, variantMirrors } from "./to-mirror";

// What each webhook topic does, inside the inbox transaction: mirror the payload
// (conditionally: stale deliveries change nothing), then let the loyalty services settle
// whatever the mirror now says. Settling reads the stored rows, never the payload, so a
// stale or duplicate delivery settles to the same state as the fresh one did.

type Tx = Prisma.TransactionClient;

export async function ingestOrder(tx: Tx, shop: string, payload: OrderPayload, now: Date): Promise<void> {
  const order = orderMirror(payload);
  const emails = [order.email, payload.customer?.email].flatMap((e) =>
    e?.trim() ? [emailLockKey(shop, e)] : [],
  );
  // The order first, then emails: ingestRefund takes only the first, ingestCustomer only an email.
  await lockIngestKeys(tx, [orderLockKey(shop, order.id)]);
  await lockIngestKeys(tx, emails);
  const newCustomer = payload.customer
    ? await insertCustomerIfMissing(tx, shop, customerMirror(payload.customer), now)
    : false;
  const redacted = await isRedactedOrder(tx, shop, {
    id: order.id,
    customerId: order.customerId,
    emails: [order.email, payload.customer?.email],
  });
  // The customer asked to be forgotten: keep what sold, not who bought it or where it went.
  // (The inbox already stored the payload erased; this covers one recorded while the
  // redaction was running.)
  if (redacted) Object.assign(order, { email: null, shippingAddress: null, billingAddress: null, tags: [] });
  if (order.customerId === null) order.customerId = await customerIdForEmail(tx, shop, order.email);
  await upsertOrder(tx, shop, order, now);
  for (const refund of payload.refunds)
    await insertRefund(tx, shop, refundMirror(refund, order.currencyCode, { redacted }), now);

  const stored = await tx.order.findUnique({
    where: { shop_id: { shop, id: order.id } },
    select: { customerId: true, companyId: true, discountCodes: true, shopifyCreatedAt: true },
  });
  const customerId = stored?.customerId ?? null;
  // A reward code is spent when an order carries it, paid or not (Shopify counted the use at checkout).
  if (stored?.discountCodes.length)
    await markRedemptionsUsed(tx, shop, {
      orderId: order.id,
      customerId,
      discountCodes: stored.discountCodes,
      at: stored.shopifyCreatedAt ?? now,
    });
  if (customerId === null) return;
  if (stored?.companyId !== null && stored?.companyId !== undefined)
    await markCustomerB2B(tx, shop, customerId);
  const programs = await memberPrograms(tx, shop, now);
  // A customer seen for the first time takes over their earlier guest checkouts.
  const orderIds = [order.id, ...(newCustomer ? await linkGuestOrders(tx, shop, customerId) : [])];
  for (const id of orderIds) await settleOrder(tx, shop, id, programs, now);
}

export async function ingestRefund(tx: Tx, shop: string, payload: RefundPayload, now: Date): Promise<void> {
  const orderId = BigInt(payload.order_id);
  await lockIngestKeys(tx, [orderLockKey(shop, orderId)]);
  const order = await tx.order.findUnique({
    where: { shop_id: { shop, id: orderId } },
    select: { currencyCode: true, customerId: true },
  });
  const shopRow = order
    ? null
    : await tx.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
  const currency = order?.currencyCode ?? shopRow?.currencyCode ?? "USD";
  const redacted = await isRedactedOrder(tx, shop, {
    id: orderId,
    customerId: order?.customerId ?? null,
    emails: [],
  });
  await insertRefund(tx, shop, refundMirror(payload, currency, { redacted }), now);
  // A refund that arrives before its order waits in the mirror; the order's settle applies it.
  if (order) await settleOrder(tx, shop, orderId, await memberPrograms(tx, shop, now), now);
}

export async function ingestCustomer(
  tx: Tx,
  shop: string,
  payload: CustomerPayload,
  now: Date,
): Promise<void> {
  const customer = customerMirror(payload);
  if (customer.email) await lockIngestKeys(tx, [emailLockKey(shop, customer.email)]);
  await upsertCustomer(tx, shop, customer, now);
  const programs = await memberPrograms(tx, shop, now);
  // Orders are locked before the member, as order ingest does, so the two never deadlock.
  const guestOrders = await linkGuestOrders(tx, shop, customer.id);
  // Automatic enrollment happens here; an update re-checks exclusions (tags, staff).
  await ensureMember(tx, shop, customer.id, programs(customer.id), now);
  for (const id of guestOrders) await settleOrder(tx, shop, id, programs, now);
}

/**
 * customers/delete: the mirror keeps a tombstone (so a late create or update cannot
 * bring the customer back as live) and the member stops earning. The ledger stays.
 */
export async function deleteCustomer(
  tx: Tx,
  shop: string,
  payload: CustomerDeletePayload,
  now: Date,
): Promise<void> {
  const id = resourceId(payload.id, payload.admin_graphql_api_id);
  await tx.$executeRaw`
    INSERT INTO "Customer" ("shop", "id", "deletedAt", "syncedAt")
    VALUES (${shop}, ${id}, ${now.toISOString()}::timestamp, ${now.toISOString()}::timestamp)
    ON CONFLICT ("shop", "id") DO UPDATE SET "deletedAt" = COALESCE("Customer"."deletedAt", EXCLUDED."deletedAt")`;
  await markMemberDeleted(tx, shop, id, "deletedInShopify");
}

export async function ingestProduct(tx: Tx, shop: string, payload: ProductPayload, now: Date): Promise<void> {
  const applied = await upsertProduct(tx, shop, productMirror(payload), now);
  if (!applied || !payload.variants.length) return;
  const row = await tx.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
  await upsertVariants(tx, shop, variantMirrors(payload, row?.currencyCode ?? "USD"), now);
}
