import type { WebhookHandler } from "../handler";

// Sent 48 hours after uninstall: erase everything the app holds for the shop. Every
// table keyed by shop is found in the catalog, so tables added by later features are
// covered without touching this file. (Tables with foreign keys between them should
// declare ON DELETE CASCADE, as the delete order here is not dependency-aware.)
export const shopRedact: WebhookHandler = async ({ tx, event }) => {
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
