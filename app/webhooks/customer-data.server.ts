import { emailLockKey, lockIngestKeys, orderLockKey } from "~/ingest/mirror.server";
import { normalisePhone } from "~/ingest/imports/engagement";
import { rememberRedacted } from "~/privacy/redacted-identities.server";
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

/** The customer ids the subject covers: the one named, and any mirrored customer with the email. */
async function subjectCustomerIds(tx: Tx, s: CustomerSubject): Promise<bigint[]> {
  const rows = await tx.customer.findMany({ where: customerWhere(s), select: { id: true } });
  const ids = new Set(rows.map((r) => r.id));
  if (s.customerId !== null) ids.add(s.customerId);
  return [...ids];
}

export async function collectCustomerData(tx: Tx, subject: CustomerSubject) {
  const shop = subject.shop;
  const customerIds = await subjectCustomerIds(tx, subject);
  const [
    customers,
    orders,
    members,
    ledgerEntries,
    redemptions,
    loyaltyEvents,
    lifetimeValues,
    churnRisks,
    rewardRecommendations,
    sendTimes,
  ] = await Promise.all([
    tx.customer.findMany({ where: customerWhere(subject), orderBy: { id: "asc" } }),
    tx.order.findMany({ where: orderWhere(subject), orderBy: { id: "asc" } }),
    tx.member.findMany({
      where: { shop, customerId: { in: customerIds } },
      orderBy: { customerId: "asc" },
    }),
    tx.ledgerEntry.findMany({ where: { shop, customerId: { in: customerIds } }, orderBy: { id: "asc" } }),
    tx.redemption.findMany({
      where: { shop, customerId: { in: customerIds } },
      orderBy: { createdAt: "asc" },
    }),
    tx.loyaltyEvent.findMany({ where: { shop, customerId: { in: customerIds } }, orderBy: { id: "asc" } }),
    tx.memberLifetimeValue.findMany({ where: { shop, customerId: { in: customerIds } } }),
    tx.memberChurnRisk.findMany({ where: { shop, customerId: { in: customerIds } } }),
    tx.memberRewardRecommendation.findMany({ where: { shop, customerId: { in: customerIds } } }),
    // The best hour and channel to message them (app/campaigns/send-time).
    tx.memberSendTime.findMany({ where: { shop, customerId: { in: customerIds } } }),
  ]);
  const refunds = await tx.refund.findMany({
    where: { shop, orderId: { in: orders.map((o) => o.id) } },
    orderBy: { id: "asc" },
  });
  const emails = [subject.email, ...customers.map((c) => c.email)].flatMap((e) =>
    e ? [e.toLowerCase()] : [],
  );
  const phones = [subject.phone, ...customers.map((c) => c.phone)].flatMap((p) =>
    p ? [normalisePhone(p)] : [],
  );
  const [
    productReviews,
    engagementEvents,
    campaignSends,
    campaignSuppressions,
    inboxMessages,
    campaignInboundSms,
  ] = await Promise.all([
    tx.productReview.findMany({
      where: reviewWhere(shop, customerIds, emails),
      orderBy: { reviewedAt: "asc" },
    }),
    tx.engagementEvent.findMany({
      where: engagementWhere(shop, customerIds, [...emails, ...phones]),
      orderBy: { occurredAt: "asc" },
    }),
    // The campaigns' message log (with its opens and clicks) and the addresses and numbers
    // that asked for no more messages.
    tx.campaignSend.findMany({
      where: { shop, customerId: { in: customerIds } },
      orderBy: { queuedAt: "asc" },
      include: {
        events: {
          select: { kind: true, url: true, at: true, agentClass: true, bot: true, botReason: true },
          orderBy: { at: "asc" },
        },
      },
    }),
    tx.campaignSuppression.findMany({ where: { shop, address: { in: [...emails, ...phones] } } }),
    // The widget inbox: the messages as the member saw them, and when they read them.
    tx.inboxMessage.findMany({
      where: { shop, customerId: { in: customerIds } },
      orderBy: { createdAt: "asc" },
    }),
    // The STOP / START texts they sent.
    tx.campaignInboundSms.findMany({
      where: { shop, OR: [{ customerId: { in: customerIds } }, { phone: { in: phones } }] },
      orderBy: { receivedAt: "asc" },
    }),
  ]);
  return toJson({
    customers,
    orders,
    refunds,
    members,
    ledgerEntries,
    redemptions,
    loyaltyEvents,
    lifetimeValues,
    churnRisks,
    productReviews,
    engagementEvents,
    rewardRecommendations,
    campaignSends,
    campaignSuppressions,
    inboxMessages,
    sendTimes,
    campaignInboundSms,
  }) as Prisma.InputJsonObject;
}

const reviewWhere = (
  shop: string,
  customerIds: bigint[],
  emails: string[],
): Prisma.ProductReviewWhereInput => ({
  shop,
  OR: [{ customerId: { in: customerIds } }, { reviewerEmail: { in: emails, mode: "insensitive" } }],
});

const engagementWhere = (
  shop: string,
  customerIds: bigint[],
  recipients: string[],
): Prisma.EngagementEventWhereInput => ({
  shop,
  OR: [{ customerId: { in: customerIds } }, { recipient: { in: recipients, mode: "insensitive" } }],
});

/**
 * Erases the subject's personal data from the mirror and the loyalty tables and remembers
 * whom it erased (app/privacy/redacted-identities.server.ts), in the caller's transaction.
 * Running it again changes nothing. Returns the personal values it erased, so the inbox
 * scrub can look for them in places no field name gives away.
 */
export async function redactCustomerData(tx: Tx, subject: CustomerSubject, now: Date) {
  const shop = subject.shop;
  // Ingest of the same orders or emails waits for this transaction (the locks ingestOrder
  // takes, in its order), so it sees the marks and cannot mirror the data back meanwhile.
  const before = await subjectScope(tx, subject);
  await lockIngestKeys(
    tx,
    before.orderIds.map((id) => orderLockKey(shop, id)),
  );
  await lockIngestKeys(
    tx,
    before.emails.map((email) => emailLockKey(shop, email)),
  );
  const scope = await subjectScope(tx, subject);

  // The customer row stays, without anything that identifies a person, so aggregates
  // (orders count, amount spent) keep adding up; redactedAt stops sync re-filling it.
  await tx.customer.updateMany({
    where: { ...customerWhere(subject), redactedAt: null },
    data: { redactedAt: now },
  });
  await tx.customer.updateMany({
    where: { shop, id: { in: scope.customerIds } },
    data: { email: null, phone: null, firstName: null, lastName: null, tags: [] },
  });
  // A customer the mirror never saw gets a tombstone, so a late webhook cannot bring them in.
  if (subject.customerId !== null)
    await tx.customer.upsert({
      where: { shop_id: { shop, id: subject.customerId } },
      create: { shop, id: subject.customerId, redactedAt: now },
      update: {},
    });
  await redactLoyaltyData(tx, shop, scope.customerIds);
  // Refund notes are free text typed by staff ("customer Jane said …").
  await tx.refund.updateMany({
    where: { shop, orderId: { in: scope.orderIds }, note: { not: null } },
    data: { note: null },
  });
  for (const order of scope.orders) {
    await tx.order.update({
      where: { shop_id: { shop, id: order.id } },
      data: {
        email: null,
        shippingAddress: Prisma.DbNull,
        billingAddress: Prisma.DbNull,
        lineItems: redactLineItems(order.lineItems),
        // Staff tag orders in their own words ("gift for Jane's 40th").
        tags: [],
      },
    });
  }
  const exportMatch: Prisma.DataExportWhereInput[] = [];
  if (subject.customerId !== null) exportMatch.push({ customerId: subject.customerId });
  if (subject.email) exportMatch.push({ customerEmail: { equals: subject.email, mode: "insensitive" } });
  if (exportMatch.length) await tx.dataExport.deleteMany({ where: { shop, OR: exportMatch } });
  // A loyalty-app export waiting to be imported (app/migration) holds customers' emails:
  // one naming this customer goes; the merchant uploads the file again.
  for (const email of scope.emails)
    await tx.migrationImport.deleteMany({
      where: { shop, content: { contains: email, mode: "insensitive" } },
    });
  await redactImportedData(tx, subject, scope, now);
  // The message log holds the address and the words sent to the person; the suppression
  // list their address and number, the inbound log the STOPs they texted (the redacted
  // customer has no address or number left to message).
  // The widget inbox first: its rows hang off the sends (and hold the words the member read).
  await tx.inboxMessage.deleteMany({ where: { shop, customerId: { in: scope.customerIds } } });
  await tx.campaignSend.deleteMany({ where: { shop, customerId: { in: scope.customerIds } } });
  await tx.campaignSuppression.deleteMany({
    where: { shop, address: { in: [...scope.emails.map((e) => e.toLowerCase()), ...scope.phones] } },
  });
  await tx.campaignInboundSms.deleteMany({
    where: { shop, OR: [{ customerId: { in: scope.customerIds } }, { phone: { in: scope.phones } }] },
  });
  await rememberRedacted(tx, shop, scope, now);
  return { personalValues: scope.personalValues };
}

/**
 * Imported reviews and engagement (app/ingest/imports, ADR 0029-reviews-import-endpoint).
 * A review is the shop's product content as much as the person's: it stays with its
 * rating, product and date for the product's aggregates, and loses the reviewer (email,
 * name, customer link) and its words (title, body, which are free text about and by
 * them). Engagement events describe a person's behaviour for messaging and analysis, like
 * loyalty events: deleted. An uploaded file still waiting to be imported that names them
 * is dropped and its import marked failed; the merchant uploads it again.
 */
async function redactImportedData(
  tx: Tx,
  subject: CustomerSubject,
  scope: { customerIds: bigint[]; emails: string[] },
  now: Date,
) {
  const { shop } = subject;
  const phones = [subject.phone].flatMap((p) => (p ? [normalisePhone(p)] : []));
  await tx.productReview.updateMany({
    where: reviewWhere(shop, scope.customerIds, scope.emails),
    data: {
      reviewerEmail: null,
      reviewerName: null,
      title: null,
      body: null,
      sentimentThemes: [],
      customerId: null,
      redactedAt: now,
    },
  });
  await tx.engagementEvent.deleteMany({
    where: engagementWhere(shop, scope.customerIds, [...scope.emails, ...phones]),
  });
  for (const value of [...scope.emails, ...phones])
    await tx.dataImport.updateMany({
      where: { shop, content: { contains: value, mode: "insensitive" } },
      data: {
        content: null,
        status: "failed",
        error: "A customer in the file asked to be forgotten; upload the file again.",
      },
    });
}

/** Everything the subject covers in the mirror, and the personal values it holds there. */
async function subjectScope(tx: Tx, subject: CustomerSubject) {
  const [customers, orders] = await Promise.all([
    tx.customer.findMany({
      where: customerWhere(subject),
      select: { id: true, email: true, phone: true, firstName: true, lastName: true, tags: true },
    }),
    tx.order.findMany({
      where: orderWhere(subject),
      select: {
        id: true,
        email: true,
        lineItems: true,
        shippingAddress: true,
        billingAddress: true,
        tags: true,
      },
      orderBy: { id: "asc" },
    }),
  ]);
  const orderIds = [...new Set([...orders.map((o) => o.id), ...subject.orderIds])];
  const notes = await tx.refund.findMany({
    where: { shop: subject.shop, orderId: { in: orderIds }, note: { not: null } },
    select: { note: true },
  });
  const customerIds = new Set(customers.map((c) => c.id));
  if (subject.customerId !== null) customerIds.add(subject.customerId);
  const emails = [subject.email, ...customers.map((c) => c.email), ...orders.map((o) => o.email)];
  const phones = [subject.phone, ...customers.map((c) => c.phone)].flatMap((p) =>
    p?.trim() ? [normalisePhone(p)] : [],
  );
  return {
    customerIds: [...customerIds],
    phones: [...new Set(phones)],
    orders,
    orderIds,
    emails: [...new Set(emails.flatMap((e) => (e?.trim() ? [e.trim().toLowerCase()] : [])))],
    personalValues: personalValues([
      subject.email,
      subject.phone,
      ...customers.flatMap((c) => [c.email, c.phone, c.firstName, c.lastName, ...c.tags]),
      ...orders.flatMap((o) => [
        o.email,
        ...o.tags,
        ...addressValues(o.shippingAddress),
        ...addressValues(o.billingAddress),
      ]),
      ...notes.map((r) => r.note),
    ]),
  };
}

const ADDRESS_KEYS = ["name", "first_name", "last_name", "company", "address1", "address2", "phone"];

function addressValues(address: Prisma.JsonValue): unknown[] {
  if (typeof address !== "object" || address === null || Array.isArray(address)) return [];
  return ADDRESS_KEYS.map((key) => (address as Record<string, unknown>)[key]);
}

/**
 * Values worth looking for elsewhere: a name, an address line, an email, a phone number.
 * Short strings and numbers shorter than a phone number (a zip, "US", an order number)
 * would match unrelated text, so they are left to the field-based erasure.
 */
export function personalValues(values: readonly unknown[]): string[] {
  const distinctive = (v: string) => v.length >= 4 && (/\p{L}/u.test(v) || v.replace(/\D/g, "").length >= 7);
  const kept = values.flatMap((v) => (typeof v === "string" && distinctive(v.trim()) ? [v.trim()] : []));
  return [...new Set(kept)];
}

/**
 * Loyalty data is anonymised, not deleted, except events. The ledger and redemptions are
 * the shop's books: points issued and redeemed, discount codes given out, liability.
 * Deleting them would change the shop's totals after the fact, and they identify no one
 * once the customer is gone from Shopify: what remains is a numeric id, amounts and
 * dates. The free text on them (staff reasons, failure messages) is dropped, the member
 * is marked deleted (it never earns again) and loses its birthday. Loyalty events,
 * experiment exposures, holdout shadow entries and member segments exist to message and analyse a person,
 * so they are deleted.
 */
async function redactLoyaltyData(tx: Tx, shop: string, customerIds: bigint[]) {
  if (customerIds.length === 0) return { members: 0, ledgerEntries: 0, redemptions: 0, loyaltyEvents: 0 };
  const customerId = { in: customerIds };
  const members = await tx.member.updateMany({
    where: { shop, customerId },
    data: {
      status: "deleted",
      statusReason: "redacted",
      birthdayMonth: null,
      birthdayDay: null,
      birthdaySetAt: null,
      // Nothing to sync: the customer no longer exists in Shopify.
      metafieldsDirty: false,
    },
  });
  const ledgerEntries = await tx.ledgerEntry.updateMany({
    where: { shop, customerId, reason: { not: null } },
    data: { reason: null },
  });
  const redemptions = await tx.redemption.updateMany({
    where: { shop, customerId, failureReason: { not: null } },
    data: { failureReason: null },
  });
  const events = await tx.loyaltyEvent.deleteMany({ where: { shop, customerId } });
  // Experiment exposures and the holdout's shadow ledger describe a person's behaviour for
  // analysis, not the shop's books: deleted (assignment itself is a hash, never stored).
  await tx.experimentExposure.deleteMany({ where: { shop, customerId } });
  await tx.holdoutShadowEntry.deleteMany({ where: { shop, customerId } });
  // Segments and clusters profile the person: deleted (the next run no longer sees them).
  await tx.memberSegment.deleteMany({ where: { shop, customerId } });
  // Predicted value and churn of a person: a score about them, not the shop's books.
  await tx.memberLifetimeValue.deleteMany({ where: { shop, customerId } });
  await tx.memberChurnRisk.deleteMany({ where: { shop, customerId } });
  await tx.memberRewardRecommendation.deleteMany({ where: { shop, customerId } });
  // When they shop and which channel they answer: a profile of the person.
  await tx.memberSendTime.deleteMany({ where: { shop, customerId } });
  return {
    members: members.count,
    ledgerEntries: ledgerEntries.count,
    redemptions: redemptions.count,
    loyaltyEvents: events.count,
  };
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
