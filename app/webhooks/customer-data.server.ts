import { Prisma } from "../generated/prisma/client";

// Every table that holds a shop's customer data, in one place, for the two GDPR topics:
// what customers/data_request exports and what customers/redact erases. A feature that
// adds a table with customer data (ledger, members, messages, …) adds it here; the
// redact integration test scans every table and fails when one is missed.

export type CustomerSubject = {
  shop: string;
  customerId: bigint | null;
  email: string | null;
  phone: string | null;
  orderIds: bigint[];
};

type Tx = Prisma.TransactionClient;

function customerWhere(s: CustomerSubject): Prisma.CustomerWhereInput {
  const match: Prisma.CustomerWhereInput[] = [];
  if (s.customerId !== null) match.push({ id: s.customerId });
  if (s.email) match.push({ email: { equals: s.email, mode: "insensitive" } });
  return { shop: s.shop, OR: match.length ? match : [{ id: -1n }] };
}

function orderWhere(s: CustomerSubject): Prisma.OrderWhereInput {
  const match: Prisma.OrderWhereInput[] = [];
  if (s.customerId !== null) match.push({ customerId: s.customerId });
  if (s.email) match.push({ email: { equals: s.email, mode: "insensitive" } });
  if (s.orderIds.length) match.push({ id: { in: s.orderIds } });
  return { shop: s.shop, OR: match.length ? match : [{ id: -1n }] };
}

export async function collectCustomerData(tx: Tx, subject: CustomerSubject) {
  const [customers, orders] = await Promise.all([
    tx.customer.findMany({ where: customerWhere(subject), orderBy: { id: "asc" } }),
    tx.order.findMany({ where: orderWhere(subject), orderBy: { id: "asc" } }),
  ]);
  return toJson({ customers, orders }) as Prisma.InputJsonObject;
}

export async function redactCustomerData(tx: Tx, subject: CustomerSubject, now: Date) {
  // The customer row stays, without anything that identifies a person, so aggregates
  // (orders count, amount spent) keep adding up; redactedAt stops sync re-filling it.
  const customers = await tx.customer.updateMany({
    where: customerWhere(subject),
    data: { email: null, phone: null, firstName: null, lastName: null, tags: [], redactedAt: now },
  });
  const orders = await tx.order.findMany({
    where: orderWhere(subject),
    select: { id: true, lineItems: true },
  });
  for (const order of orders) {
    await tx.order.update({
      where: { shop_id: { shop: subject.shop, id: order.id } },
      data: {
        email: null,
        shippingAddress: Prisma.DbNull,
        billingAddress: Prisma.DbNull,
        lineItems: redactLineItems(order.lineItems),
      },
    });
  }
  const exportMatch: Prisma.DataExportWhereInput[] = [];
  if (subject.customerId !== null) exportMatch.push({ customerId: subject.customerId });
  if (subject.email) exportMatch.push({ customerEmail: { equals: subject.email, mode: "insensitive" } });
  const exports = exportMatch.length
    ? await tx.dataExport.deleteMany({ where: { shop: subject.shop, OR: exportMatch } })
    : { count: 0 };
  return { customers: customers.count, orders: orders.length, dataExports: exports.count };
}

// Line items keep what products sold for how much; free-text fields (custom properties
// such as engraving or gift messages) can carry personal data and are dropped.
const LINE_ITEM_KEYS = new Set([
  "id",
  "productId",
  "product_id",
  "variantId",
  "variant_id",
  "sku",
  "title",
  "variantTitle",
  "variant_title",
  "vendor",
  "quantity",
  "price",
  "priceMinor",
  "totalMinor",
  "discountMinor",
  "currencyCode",
  "taxable",
  "giftCard",
  "gift_card",
  "requiresShipping",
  "requires_shipping",
]);

export function redactLineItems(lineItems: Prisma.JsonValue): Prisma.InputJsonValue {
  if (!Array.isArray(lineItems)) return [];
  return lineItems.map((item) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return {};
    return Object.fromEntries(
      Object.entries(item).filter(([key]) => LINE_ITEM_KEYS.has(key)),
    ) as Prisma.InputJsonObject;
  });
}

/** Rows as plain JSON: ids are BigInt (as strings), dates ISO strings. */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
}
