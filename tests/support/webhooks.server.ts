import { randomUUID } from "node:crypto";
import type { PrismaClient } from "~/db.server";
import { webhookHmac } from "~/webhooks/hmac";
import { receiveWebhook } from "~/webhooks/receive.server";

// Test support for webhook integration tests: signed deliveries exactly as Shopify
// sends them, a clean database, and a scan of every column for personal data.

export const TEST_SECRET = "test-api-secret";

export type DeliveryInput = {
  topic: string;
  shop: string;
  payload: unknown;
  webhookId?: string;
  secret?: string;
  triggeredAt?: string;
};

export function signedDelivery(input: DeliveryInput) {
  const rawBody = new TextEncoder().encode(JSON.stringify(input.payload));
  const headers = new Headers({
    "Content-Type": "application/json",
    "X-Shopify-Topic": input.topic,
    "X-Shopify-Hmac-Sha256": webhookHmac(input.secret ?? TEST_SECRET, rawBody),
    "X-Shopify-Shop-Domain": input.shop,
    "X-Shopify-Webhook-Id": input.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-API-Version": "2025-10",
    "X-Shopify-Triggered-At": input.triggeredAt ?? new Date().toISOString(),
  });
  return { headers, rawBody };
}

/** Receives a signed delivery into the inbox (enqueue left to the test) and returns its row id. */
export async function recordDelivery(db: PrismaClient, input: DeliveryInput): Promise<string> {
  const result = await receiveWebhook(signedDelivery(input), {
    db,
    enqueue: async () => undefined,
    secret: TEST_SECRET,
    // A delivery of a given time is received then: the intake refuses stale deliveries.
    now: () => (input.triggeredAt ? new Date(input.triggeredAt) : new Date()),
  });
  if (result.status !== 200 || !result.body.eventId) {
    throw new Error(`delivery was not recorded: ${result.status} ${JSON.stringify(result.body)}`);
  }
  return result.body.eventId;
}

export async function resetDatabase(db: PrismaClient) {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  await db.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.name}"`).join(", ")} CASCADE`);
}

/**
 * Every `table.column` (text, varchar, arrays, json, jsonb) holding needle, compared
 * case-insensitively. With `shop`, rows of other shops are left out (tables keyed by
 * `shop`, and Shop by `domain`); tables with neither are scanned whole.
 */
export async function columnsContaining(
  db: PrismaClient,
  needle: string,
  options: { shop?: string } = {},
): Promise<string[]> {
  const columns = await db.$queryRaw<{ table: string; column: string; scope: string | null }[]>`
    SELECT c.table_name AS "table", c.column_name AS "column",
      (SELECT k.column_name FROM information_schema.columns k
        WHERE k.table_schema = 'public' AND k.table_name = c.table_name
          AND k.column_name IN ('shop', 'domain') ORDER BY k.column_name DESC LIMIT 1) AS "scope"
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')
    ORDER BY 1, 2`;
  const hits: string[] = [];
  for (const { table, column, scope } of columns) {
    const scoped = options.shop !== undefined && scope !== null;
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${table}" WHERE strpos(lower("${column}"::text), lower($1)) > 0` +
        (scoped ? ` AND "${scope}" = $2` : ""),
      needle,
      ...(scoped ? [options.shop] : []),
    );
    if (row && row.n > 0n) hits.push(`${table}.${column}`);
  }
  return hits;
}

/** Tables with a `shop` column that still hold rows for the shop. */
export async function tablesWithShopRows(db: PrismaClient, shop: string): Promise<string[]> {
  const tables = await db.$queryRaw<{ table: string }[]>`
    SELECT table_name AS "table" FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'shop' ORDER BY 1`;
  const hits: string[] = [];
  for (const { table } of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${table}" WHERE "shop" = $1`,
      shop,
    );
    if (row && row.n > 0n) hits.push(table);
  }
  return hits;
}

/**
 * Every text, varchar, char, array, json and jsonb column of every table in the database
 * (all schemas but PostgreSQL's own, enumerated from information_schema), searched for
 * each needle case-insensitively: `needle -> ["schema.table.column", …]` for the needles
 * found anywhere. Tables added by later features are scanned without touching this.
 */
export async function scanDatabase(db: PrismaClient, needles: readonly string[]) {
  const columns = await db.$queryRaw<{ schema: string; table: string; column: string }[]>`
    SELECT c.table_schema AS "schema", c.table_name AS "table", c.column_name AS "column"
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
    ORDER BY 1, 2, 3`;
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const hits: Record<string, string[]> = {};
  for (const { schema, table, column } of columns) {
    const found = await db.$queryRawUnsafe<{ needle: string }[]>(
      `SELECT n AS needle FROM unnest($1::text[]) AS n WHERE EXISTS (
         SELECT 1 FROM ${quote(schema)}.${quote(table)} WHERE strpos(lower(${quote(column)}::text), lower(n)) > 0)`,
      [...needles],
    );
    for (const { needle } of found) (hits[needle] ??= []).push(`${schema}.${table}.${column}`);
  }
  return { columns: columns.length, hits };
}
