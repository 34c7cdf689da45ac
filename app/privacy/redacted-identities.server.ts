import type { Prisma } from "../generated/prisma/client";

// Whom customers/redact erased, as far as later deliveries need it (ADR 0013): customer
// and order ids, and emails only as redaction_email_digest (SQL, migration
// 20261206010000_redaction_marks), which the inbox trigger computes the same way. The
// trigger stores a matching delivery without personal data; ingest asks isRedactedOrder
// so the mirror stays erased even for a delivery recorded while the redaction ran.

type Tx = Prisma.TransactionClient;

export type RedactedIdentities = {
  customerIds: readonly bigint[];
  orderIds: readonly bigint[];
  emails: readonly string[];
};

/** Idempotent: a mark that exists keeps the time it was first made. */
export async function rememberRedacted(tx: Tx, shop: string, who: RedactedIdentities, now: Date) {
  const ids = (xs: readonly bigint[]) => [...new Set(xs.map(String))];
  await tx.$executeRaw`
    INSERT INTO "RedactedIdentity" ("shop", "kind", "value", "redactedAt")
    SELECT ${shop}, m.kind, m.value, ${now.toISOString()}::timestamp
    FROM (
      SELECT 'customer' AS kind, c AS value FROM unnest(${ids(who.customerIds)}::text[]) AS c
      UNION ALL SELECT 'order', o FROM unnest(${ids(who.orderIds)}::text[]) AS o
      UNION ALL SELECT 'email', "redaction_email_digest"(${shop}, e) FROM unnest(${[...who.emails]}::text[]) AS e
    ) AS m
    WHERE m.value IS NOT NULL
    ON CONFLICT DO NOTHING`;
}

/** Whether an order (by its id, customer or email) belongs to someone customers/redact erased. */
export async function isRedactedOrder(
  tx: Tx,
  shop: string,
  order: { id: bigint; customerId: bigint | null; emails: readonly (string | null | undefined)[] },
): Promise<boolean> {
  const emails = order.emails.filter((e): e is string => Boolean(e?.trim()));
  const [row] = await tx.$queryRaw<{ redacted: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM "RedactedIdentity"
      WHERE "shop" = ${shop} AND (
        ("kind" = 'order' AND "value" = ${order.id.toString()})
        OR ("kind" = 'customer' AND "value" = ${order.customerId?.toString() ?? null})
        OR ("kind" = 'email' AND "value" IN (
          SELECT "redaction_email_digest"(${shop}, e) FROM unnest(${emails}::text[]) AS e))
      )) AS "redacted"`;
  return row?.redacted === true;
}
