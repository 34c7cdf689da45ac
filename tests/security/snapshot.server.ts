import type { PrismaClient } from "~/db.server";

// What "nothing was written" means in the security suite: every table's row count and a
// digest of its rows, taken before and after an attack. With a shop, only that shop's
// rows (tables keyed by `shop`, Shop by `domain`, an experiment's children by their
// experiment's shop); tables without any of these are compared whole.

export type TableState = { rows: number; digest: string };

export async function snapshot(db: PrismaClient, shop?: string): Promise<Record<string, TableState>> {
  const tables = await db.$queryRaw<{ table: string; scope: string | null }[]>`
    SELECT t.table_name AS "table",
      (SELECT c.column_name FROM information_schema.columns c
        WHERE c.table_schema = 'public' AND c.table_name = t.table_name
          AND c.column_name IN ('shop', 'domain', 'experimentId') ORDER BY c.column_name DESC LIMIT 1) AS "scope"
    FROM information_schema.tables t
    WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name <> '_prisma_migrations'
    ORDER BY 1`;
  const state: Record<string, TableState> = {};
  for (const { table, scope } of tables) {
    const scoped = shop !== undefined && scope !== null;
    const where =
      scope === "experimentId"
        ? ` WHERE "experimentId" IN (SELECT id FROM "Experiment" WHERE shop = $1)`
        : ` WHERE "${scope}" = $1`;
    const [row] = await db.$queryRawUnsafe<{ rows: bigint; digest: string }[]>(
      `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest
       FROM "${table}" t` + (scoped ? where : ""),
      ...(scoped ? [shop] : []),
    );
    state[table] = { rows: Number(row!.rows), digest: row!.digest };
  }
  return state;
}
