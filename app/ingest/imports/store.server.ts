import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "~/db.server";
import type { DataImport } from "~/generated/prisma/client";
import { afterReviewsImported } from "./after-import.server";
import { engagementIdentity, type EngagementRow } from "./engagement";
import { customerOf, matchCustomers, matchProducts, productOf } from "./match.server";
import { productRefOf, reviewIdentity, type ReviewRow } from "./reviews";
import type { RowIssue } from "./table";

// Rows that passed their checks, stored: each chunk matched against the mirror and written
// in one transaction with the import's counters, so a row is written whole or not at all
// and the progress never runs ahead of the rows. Every row is keyed (shop, source,
// externalId): the app's own id, else a digest of what identifies it; a row already
// stored is counted as a duplicate and left as it is (INSERT … ON CONFLICT DO NOTHING),
// so the same file twice is one set. Unmatched customers and products are kept (null
// ids), counted and listed; rows of customers erased by customers/redact keep no personal
// data (reviews: rating, product and date only) or are not stored (engagement).

export const IMPORT_CHUNK = 500;
/** The issues an import keeps (the counts are exact; the list is for finding rows). */
export const MAX_ISSUES = 200;

type Tx = Prisma.TransactionClient;

export interface Counts {
  created: number;
  duplicates: number;
  rejected: number;
  unmatchedCustomers: number;
  unmatchedProducts: number;
}

const digest = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

export async function beginImport(
  db: PrismaClient,
  shop: string,
  input: {
    kind: "reviews" | "engagement";
    source: "api" | "csv";
    format: string;
    rows: number;
    issues: RowIssue[];
    fileName?: string | null;
    content?: string | null;
  },
): Promise<DataImport> {
  return db.dataImport.create({
    data: {
      shop,
      kind: input.kind,
      source: input.source,
      format: input.format,
      rows: input.rows,
      rejected: input.issues.length ? new Set(input.issues.map((i) => i.row)).size : 0,
      rowsDone: 0,
      issues: input.issues.slice(0, MAX_ISSUES) as unknown as Prisma.InputJsonArray,
      fileName: input.fileName ?? null,
      content: input.content ?? null,
    },
  });
}

async function recordChunk(tx: Tx, id: string, handled: number, counts: Counts, issues: RowIssue[]) {
  const row = await tx.dataImport.findUniqueOrThrow({ where: { id }, select: { issues: true } });
  const kept = (Array.isArray(row.issues) ? row.issues : []) as unknown as RowIssue[];
  await tx.dataImport.update({
    where: { id },
    data: {
      rowsDone: { increment: handled },
      created: { increment: counts.created },
      duplicates: { increment: counts.duplicates },
      rejected: { increment: counts.rejected },
      unmatchedCustomers: { increment: counts.unmatchedCustomers },
      unmatchedProducts: { increment: counts.unmatchedProducts },
      ...(issues.length && kept.length < MAX_ISSUES
        ? { issues: [...kept, ...issues].slice(0, MAX_ISSUES) as unknown as Prisma.InputJsonArray }
        : {}),
    },
  });
}

/** Stores the reviews under `source` (the app they came from), chunk by chunk, into import `imp`. */
export async function storeReviews(db: PrismaClient, imp: DataImport, source: string, rows: ReviewRow[]) {
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
    const chunk = rows.slice(i, i + IMPORT_CHUNK);
    await db.$transaction(
      async (tx) => {
        const customers = await matchCustomers(tx, imp.shop, {
          ids: chunk.flatMap((r) => (r.customerId !== null ? [r.customerId] : [])),
          emails: chunk.flatMap((r) => (r.email ? [r.email] : [])),
        });
        const products = await matchProducts(tx, imp.shop, {
          ids: chunk.flatMap((r) => (r.productId !== null ? [r.productId] : [])),
          handles: chunk.flatMap((r) => (r.productHandle ? [r.productHandle] : [])),
          skus: chunk.flatMap((r) => (r.sku ? [r.sku] : [])),
          titles: chunk.flatMap((r) => (r.productTitle ? [r.productTitle] : [])),
        });
        const counts: Counts = {
          created: 0,
          duplicates: 0,
          rejected: 0,
          unmatchedCustomers: 0,
          unmatchedProducts: 0,
        };
        const issues: RowIssue[] = [];
        const data = chunk.map((r): ReviewRowData => {
          const { customerId, redacted } = customerOf(customers, r);
          const productId = productOf(products, r);
          if (customerId === null && !redacted) {
            counts.unmatchedCustomers++;
            issues.push({
              row: r.line,
              field: r.customerId !== null ? "customerId" : "email",
              kind: "unmatchedCustomer",
              message:
                r.customerId !== null
                  ? `No customer ${r.customerId} in the shop; the review is kept without one.`
                  : r.email
                    ? "No customer with this email; the review is kept without one."
                    : "The review names no customer; it is kept without one.",
            });
          }
          if (productId === null) {
            counts.unmatchedProducts++;
            issues.push({
              row: r.line,
              field: "productId",
              kind: "unmatchedProduct",
              message: `No product "${productRefOf(r).slice(0, 80)}" in the shop; the review is kept without one.`,
            });
          }
          return {
            shop: imp.shop,
            source,
            externalId: r.externalId ?? digest(reviewIdentity(r)),
            productRef: productRefOf(r).slice(0, 255),
            productId,
            customerId,
            reviewerEmail: redacted ? null : r.email,
            reviewerName: redacted ? null : r.name,
            rating: r.rating,
            title: redacted ? null : r.title,
            body: redacted ? null : r.body,
            reviewedAt: r.reviewedAt,
            importId: imp.id,
            redactedAt: redacted ? new Date() : null,
          };
        });
        const count = await insertReviews(tx, data);
        counts.created = count;
        counts.duplicates = chunk.length - count;
        await recordChunk(tx, imp.id, chunk.length, counts, issues);
      },
      { timeout: 60_000 },
    );
  }
}

export async function storeEngagement(
  db: PrismaClient,
  imp: DataImport,
  source: string,
  rows: EngagementRow[],
) {
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
    const chunk = rows.slice(i, i + IMPORT_CHUNK);
    await db.$transaction(
      async (tx) => {
        const emailOf = (r: EngagementRow) => (r.recipient?.includes("@") ? r.recipient : null);
        const customers = await matchCustomers(tx, imp.shop, {
          ids: chunk.flatMap((r) => (r.customerId !== null ? [r.customerId] : [])),
          emails: chunk.flatMap((r) => emailOf(r) ?? []),
        });
        const phones = await phoneMatches(tx, imp.shop, chunk);
        const counts: Counts = {
          created: 0,
          duplicates: 0,
          rejected: 0,
          unmatchedCustomers: 0,
          unmatchedProducts: 0,
        };
        const issues: RowIssue[] = [];
        const data: EventRow[] = [];
        for (const r of chunk) {
          const matched = customerOf(customers, { customerId: r.customerId, email: emailOf(r) });
          if (matched.redacted) {
            counts.rejected++;
            issues.push({
              row: r.line,
              field: null,
              kind: "error",
              message: "The recipient's data was erased (customers/redact); the event is not stored.",
            });
            continue;
          }
          const customerId = matched.customerId ?? (r.recipient ? (phones.get(r.recipient) ?? null) : null);
          if (customerId === null) {
            counts.unmatchedCustomers++;
            issues.push({
              row: r.line,
              field: r.customerId !== null ? "customerId" : r.channel === "sms" ? "phone" : "email",
              kind: "unmatchedCustomer",
              message: "No customer with this recipient; the event is kept without one.",
            });
          }
          data.push({
            shop: imp.shop,
            source,
            externalId: r.externalId ?? digest(engagementIdentity(r)),
            channel: r.channel,
            type: r.type,
            customerId,
            recipient: r.recipient,
            campaign: r.campaign,
            occurredAt: r.occurredAt,
            importId: imp.id,
          });
        }
        const count = await insertEvents(tx, data);
        counts.created = count;
        counts.duplicates = data.length - count;
        await recordChunk(tx, imp.id, chunk.length, counts, issues);
      },
      { timeout: 60_000 },
    );
  }
}

type ReviewRowData = {
  shop: string;
  source: string;
  externalId: string;
  productRef: string;
  productId: bigint | null;
  customerId: bigint | null;
  reviewerEmail: string | null;
  reviewerName: string | null;
  rating: number;
  title: string | null;
  body: string | null;
  reviewedAt: Date;
  importId: string;
  redactedAt: Date | null;
};
type EventRow = {
  shop: string;
  source: string;
  externalId: string;
  channel: "email" | "sms";
  type: "send" | "open" | "click" | "unsubscribe";
  customerId: bigint | null;
  recipient: string | null;
  campaign: string | null;
  occurredAt: Date;
  importId: string;
};

// One statement per chunk over arrays (Prisma's createMany spent most of a second on 500
// rows); the rows it skipped on the key are the duplicates.
const iso = (d: Date | null) => d?.toISOString() ?? null;

async function insertReviews(tx: Tx, rows: ReviewRowData[]): Promise<number> {
  if (!rows.length) return 0;
  const col = <T>(f: (r: ReviewRowData) => T) => rows.map(f);
  const { shop, source, importId } = rows[0]!;
  return tx.$executeRaw`
    INSERT INTO "ProductReview" ("shop", "source", "externalId", "productRef", "productId", "customerId",
      "reviewerEmail", "reviewerName", "rating", "title", "body", "reviewedAt", "importId", "redactedAt")
    SELECT ${shop}, ${source}, u.e, u.pr, u.p, u.c, u.em, u.n, u.ra, u.t, u.b, u.at, ${importId}::uuid, u.red
    FROM unnest(${col((r) => r.externalId)}::text[], ${col((r) => r.productRef)}::text[],
      ${col((r) => r.productId)}::bigint[], ${col((r) => r.customerId)}::bigint[],
      ${col((r) => r.reviewerEmail)}::text[], ${col((r) => r.reviewerName)}::text[],
      ${col((r) => r.rating)}::int[], ${col((r) => r.title)}::text[], ${col((r) => r.body)}::text[],
      ${col((r) => iso(r.reviewedAt))}::timestamp[], ${col((r) => iso(r.redactedAt))}::timestamp[])
      AS u(e, pr, p, c, em, n, ra, t, b, at, red)
    ON CONFLICT DO NOTHING`;
}

async function insertEvents(tx: Tx, rows: EventRow[]): Promise<number> {
  if (!rows.length) return 0;
  const col = <T>(f: (r: EventRow) => T) => rows.map(f);
  const { shop, source, importId } = rows[0]!;
  return tx.$executeRaw`
    INSERT INTO "EngagementEvent" ("shop", "source", "externalId", "channel", "type", "customerId",
      "recipient", "campaign", "occurredAt", "importId")
    SELECT ${shop}, ${source}, u.e, u.ch::"EngagementChannel", u.ty::"EngagementType", u.c, u.r, u.cp, u.o,
      ${importId}::uuid
    FROM unnest(${col((r) => r.externalId)}::text[], ${col((r) => r.channel)}::text[],
      ${col((r) => r.type)}::text[], ${col((r) => r.customerId)}::bigint[], ${col((r) => r.recipient)}::text[],
      ${col((r) => r.campaign)}::text[], ${col((r) => iso(r.occurredAt))}::timestamp[])
      AS u(e, ch, ty, c, r, cp, o)
    ON CONFLICT DO NOTHING`;
}

/** Customers by phone number (digits with +), for SMS events. */
async function phoneMatches(tx: Tx, shop: string, rows: EngagementRow[]) {
  const phones = [
    ...new Set(rows.flatMap((r) => (r.recipient && !r.recipient.includes("@") ? [r.recipient] : []))),
  ];
  if (!phones.length) return new Map<string, bigint>();
  const found = await tx.$queryRaw<{ phone: string; id: bigint }[]>`
    SELECT DISTINCT ON (p) p AS "phone", "id" FROM "Customer",
      LATERAL (SELECT regexp_replace("phone", '[^0-9+]', '', 'g') AS p) AS n
    WHERE "shop" = ${shop} AND "redactedAt" IS NULL AND "phone" IS NOT NULL AND p = ANY(${phones}::text[])
    ORDER BY p, "id"`;
  return new Map(found.map((f) => [f.phone, f.id]));
}

/** Marks the import done (the uploaded file goes) and, for reviews, hands over to what scores them. */
export async function finishImport(db: PrismaClient, id: string, now = new Date()): Promise<DataImport> {
  const done = await db.dataImport.update({
    where: { id },
    data: { status: "completed", finishedAt: now, content: null },
  });
  if (done.kind === "reviews" && done.created > 0) await afterReviewsImported(db, done.shop, done.id);
  return done;
}

export async function failImport(db: PrismaClient, id: string, error: unknown) {
  await db.dataImport.update({
    where: { id },
    data: { status: "failed", error: error instanceof Error ? error.message : String(error), content: null },
  });
}
