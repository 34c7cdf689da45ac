import { encodeCursor } from "../../app/admin/members/list-cursor.server";
import { parseListParams } from "../../app/admin/members/list-params";
import { MEMBER_FROM, memberWhere, type FilterContext } from "../../app/admin/members/member-filter.server";
import {
  cursorKeyText,
  MEMBER_ORDER,
  memberOrderBy,
  memberPageQuery,
} from "../../app/admin/members/members.server";
import { Prisma, type PrismaClient } from "../../app/db.server";

// Deep pages of the members list for the benchmarks: the cursor `depth` rows into a view,
// found once with OFFSET in the export's order (untimed), is what following "next"
// depth / 25 times reaches; and how a keyset page's plan and an OFFSET page's grow with depth.

/** The URL's cursor of the row `depth` rows into `view` (a members-list query string). */
export async function cursorAt(
  db: PrismaClient,
  shop: string,
  view: string,
  depth: number,
  context: FilterContext,
): Promise<string> {
  const params = parseListParams(new URLSearchParams(view));
  const [row] = await db.$queryRaw<{ key: string | null; id: bigint }[]>(Prisma.sql`
    SELECT ${cursorKeyText(params.sort, MEMBER_ORDER[params.sort])} AS key, m."customerId" AS id FROM ${MEMBER_FROM}
    WHERE ${memberWhere(shop, params, context)} ORDER BY ${memberOrderBy(params)} OFFSET ${depth} LIMIT 1`);
  if (!row) throw new Error(`${view} has no row ${depth}`);
  return encodeCursor({ sort: params.sort, key: row.key, id: row.id });
}

type Plan = { Plan: { "Total Cost": number; "Shared Hit Blocks": number; "Shared Read Blocks": number } };

async function explain(db: PrismaClient, query: Prisma.Sql) {
  const [row] = await db.$queryRaw<{ "QUERY PLAN": [Plan & { "Execution Time": number }] }[]>(
    Prisma.sql`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query}`,
  );
  const plan = row!["QUERY PLAN"][0];
  return {
    cost: plan.Plan["Total Cost"],
    ms: plan["Execution Time"],
    blocks: plan.Plan["Shared Hit Blocks"] + plan.Plan["Shared Read Blocks"],
  };
}

/**
 * One line per depth: the keyset page's first statement (what the list runs) against the
 * same page by OFFSET in the same order (what it ran before), EXPLAIN ANALYZE of each.
 */
export async function explainDepths(
  db: PrismaClient,
  shop: string,
  view: string,
  depths: number[],
  context: FilterContext,
): Promise<string[]> {
  const lines: string[] = [];
  for (const depth of depths) {
    const at = depth === 0 ? "" : `&after=${await cursorAt(db, shop, view, depth - 1, context)}`;
    const params = parseListParams(new URLSearchParams(`${view}${at}`));
    const keyset = await explain(db, memberPageQuery(shop, params, context));
    // The list's first statement from the top, skipping `depth` rows: how the list read a
    // page before (in the same index order; past the first part of a nullable sort it then
    // read the rest, at a further cost not counted here).
    const top = parseListParams(new URLSearchParams(view));
    const offset = await explain(db, Prisma.sql`${memberPageQuery(shop, top, context)} OFFSET ${depth}`);
    const show = (p: { cost: number; ms: number; blocks: number }) =>
      `cost ${p.cost.toFixed(0).padStart(8)}, ${p.ms.toFixed(1).padStart(7)} ms, ${String(p.blocks).padStart(7)} blocks`;
    lines.push(
      `    ${depth.toLocaleString("en-US").padStart(9)} in: keyset ${show(keyset)} | offset ${show(offset)}`,
    );
  }
  return lines;
}
