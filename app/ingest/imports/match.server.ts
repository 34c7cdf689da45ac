import type { Prisma } from "~/db.server";

// Who and what an imported row names, matched against the mirror, one chunk at a time:
// customers by id or email (any case), products by id, handle, SKU (from the line items of
// mirrored orders: the Product mirror holds no variants) or title (any case). Erased
// customers (customers/redact: RedactedIdentity) are found by id or email digest so their
// rows are stored without personal data, or not at all.

type Tx = Prisma.TransactionClient;

export interface CustomerRefs {
  ids: bigint[];
  emails: string[];
}

export interface CustomerMatches {
  byId: Set<string>;
  byEmail: Map<string, bigint>;
  redactedIds: Set<string>;
  redactedEmails: Set<string>;
}

export async function matchCustomers(tx: Tx, shop: string, refs: CustomerRefs): Promise<CustomerMatches> {
  const ids = [...new Set(refs.ids.map(String))];
  const emails = [...new Set(refs.emails.map((e) => e.toLowerCase()))];
  const found = await tx.$queryRaw<{ id: bigint; email: string | null }[]>`
    SELECT "id", lower("email") AS "email" FROM "Customer"
    WHERE "shop" = ${shop} AND "redactedAt" IS NULL
      AND ("id" = ANY(${ids}::bigint[]) OR lower("email") = ANY(${emails}::text[]))
    ORDER BY "id"`;
  const redacted = await tx.$queryRaw<{ kind: string; value: string }[]>`
    SELECT m."kind", m."ref" AS "value" FROM (
      SELECT 'customer' AS "kind", c AS "ref", c AS "mark" FROM unnest(${ids}::text[]) AS c
      UNION ALL SELECT 'email', e, "redaction_email_digest"(${shop}, e) FROM unnest(${emails}::text[]) AS e
    ) AS m
    WHERE EXISTS (SELECT 1 FROM "RedactedIdentity" r
                  WHERE r."shop" = ${shop} AND r."kind" = m."kind" AND r."value" = m."mark")`;
  const byEmail = new Map<string, bigint>();
  for (const c of found) if (c.email && !byEmail.has(c.email)) byEmail.set(c.email, c.id);
  return {
    byId: new Set(found.map((c) => c.id.toString())),
    byEmail,
    redactedIds: new Set(redacted.filter((r) => r.kind === "customer").map((r) => r.value)),
    redactedEmails: new Set(redacted.filter((r) => r.kind === "email").map((r) => r.value)),
  };
}

/** The matched customer, or null; `redacted` when the row names someone customers/redact erased. */
export function customerOf(
  m: CustomerMatches,
  row: { customerId: bigint | null; email: string | null },
): { customerId: bigint | null; redacted: boolean } {
  const redacted =
    (row.customerId !== null && m.redactedIds.has(row.customerId.toString())) ||
    (row.email !== null && m.redactedEmails.has(row.email));
  if (redacted) return { customerId: null, redacted };
  if (row.customerId !== null && m.byId.has(row.customerId.toString()))
    return { customerId: row.customerId, redacted };
  const byEmail = row.email ? m.byEmail.get(row.email) : undefined;
  return { customerId: byEmail ?? null, redacted };
}

export interface ProductRefs {
  ids: bigint[];
  handles: string[];
  skus: string[];
  titles: string[];
}

export interface ProductMatches {
  ids: Set<string>;
  byHandle: Map<string, bigint>;
  bySku: Map<string, bigint>;
  byTitle: Map<string, bigint>;
}

export async function matchProducts(tx: Tx, shop: string, refs: ProductRefs): Promise<ProductMatches> {
  const ids = [...new Set(refs.ids.map(String))];
  const handles = [...new Set(refs.handles.map((h) => h.toLowerCase()))];
  const titles = [...new Set(refs.titles.map((t) => t.toLowerCase()))];
  const skus = [...new Set(refs.skus)];
  const products = await tx.$queryRaw<{ id: bigint; handle: string | null; title: string }[]>`
    SELECT "id", lower("handle") AS "handle", lower("title") AS "title" FROM "Product"
    WHERE "shop" = ${shop}
      AND ("id" = ANY(${ids}::bigint[]) OR lower("handle") = ANY(${handles}::text[])
           OR lower("title") = ANY(${titles}::text[]))
    ORDER BY "id"`;
  const bySkuRows = skus.length
    ? await tx.$queryRaw<{ sku: string; id: bigint }[]>`
        SELECT DISTINCT ON (li->>'sku') li->>'sku' AS "sku",
               substring(li->>'productId' FROM '(\\d+)$')::bigint AS "id"
        FROM "Order" o, jsonb_array_elements(o."lineItems") AS li
        WHERE o."shop" = ${shop} AND li->>'sku' = ANY(${skus}::text[])
          AND li->>'productId' ~ '\\d+$'
        ORDER BY li->>'sku', o."processedAt" DESC`
    : [];
  const first = <K>(pairs: [K, bigint][]) => {
    const map = new Map<K, bigint>();
    for (const [k, v] of pairs) if (!map.has(k)) map.set(k, v);
    return map;
  };
  return {
    ids: new Set(products.map((p) => p.id.toString())),
    byHandle: first(products.flatMap((p) => (p.handle ? [[p.handle, p.id] as [string, bigint]] : []))),
    bySku: first(bySkuRows.map((r) => [r.sku, r.id] as [string, bigint])),
    byTitle: first(products.map((p) => [p.title, p.id] as [string, bigint])),
  };
}

export function productOf(
  m: ProductMatches,
  row: {
    productId: bigint | null;
    productHandle: string | null;
    sku: string | null;
    productTitle: string | null;
  },
): bigint | null {
  if (row.productId !== null && m.ids.has(row.productId.toString())) return row.productId;
  return (
    (row.productHandle ? m.byHandle.get(row.productHandle.toLowerCase()) : undefined) ??
    (row.sku ? m.bySku.get(row.sku) : undefined) ??
    (row.productTitle ? m.byTitle.get(row.productTitle.toLowerCase()) : undefined) ??
    null
  );
}
