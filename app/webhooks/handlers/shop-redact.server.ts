import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { parsePayload, type WebhookHandler } from "../handler";

// Shopify signs only the body: any delivery's body (an order, another shop's shop/redact)
// could be sent again under this topic and a chosen shop header. Erasing a shop therefore
// needs its own payload, naming the shop the delivery is for.
const payloadSchema = z.object({ shop_domain: z.string() }).loose();

// Sent 48 hours after uninstall: erase everything the app holds for the shop. Every
// table keyed by shop is found in the catalog, so tables added by later features are
// covered without touching this file. (Tables with foreign keys between them should
// declare ON DELETE CASCADE, as the delete order here is not dependency-aware.)
export const shopRedact: WebhookHandler = async ({ tx, event }) => {
  const { shop_domain: named } = parsePayload(payloadSchema, event);
  if (named.toLowerCase() !== event.shop) {
    throw new UnrecoverableError(`shop/redact payload names ${named}, not ${event.shop}; nothing erased`);
  }
  const tables = await tx.$queryRaw<{ table: string }[]>`
    SELECT c.table_name AS "table"
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND c.column_name = 'shop' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name`;
  for (const { table } of tables) {
    // The name comes from the catalog, quoted as an identifier; the shop is a parameter.
    await tx.$executeRawUnsafe(`DELETE FROM "${table.replaceAll('"', '""')}" WHERE "shop" = $1`, event.shop);
  }
  await tx.shop.deleteMany({ where: { domain: event.shop } });
};
