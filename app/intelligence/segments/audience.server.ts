import { Prisma, type PrismaClient } from "~/db.server";
import { readConditions, type Audience } from "./audience";

// The one SQL of the builder's conditions. Every reader goes through it: the live count,
// the saved segments' counts, the experiments' segment audiences (running.server.ts renders
// `segmentMembersSql` on its own pool with `.text`/`.values`), and campaigns and the
// optimizer through `segmentMembers`. Each condition is a predicate over one row per member
// with their latest scores joined by primary key, so a count is one scan of the shop's members.

/** The shop's members (not deleted) with their scores: m, s (RFM), v (CLV), r (churn), c (customer). */
export const membersWithScores = (shop: string) => Prisma.sql`"Member" m
  LEFT JOIN "MemberSegment" s ON s."shop" = m."shop" AND s."customerId" = m."customerId"
  LEFT JOIN "MemberLifetimeValue" v ON v."shop" = m."shop" AND v."customerId" = m."customerId"
  LEFT JOIN "MemberChurnRisk" r ON r."shop" = m."shop" AND r."customerId" = m."customerId"
  LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"
  WHERE m."shop" = ${shop} AND m."status" <> 'deleted'`;

/**
 * The conditions as one boolean expression over `membersWithScores`' aliases (TRUE when there
 * are none). A persona is found by its key among the clusters of the shop's latest completed
 * run, whose indices the members' rows carry.
 */
export function audiencePredicate(shop: string, a: Audience): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (a.segments.length) parts.push(Prisma.sql`s."segment" = ANY(${a.segments}::text[])`);
  if (a.tiers.length) parts.push(Prisma.sql`m."tierId" = ANY(${a.tiers}::text[])`);
  if (a.minPoints !== null) parts.push(Prisma.sql`m."availablePoints" >= ${a.minPoints}`);
  if (a.maxPoints !== null) parts.push(Prisma.sql`m."availablePoints" <= ${a.maxPoints}`);
  if (a.tags.length) parts.push(Prisma.sql`c."tags" && ${a.tags}::text[]`);
  if (a.minClvMinor !== null) parts.push(Prisma.sql`v."clv12mMinor" >= ${a.minClvMinor}`);
  if (a.maxClvMinor !== null) parts.push(Prisma.sql`v."clv12mMinor" <= ${a.maxClvMinor}`);
  if (a.minPAlive !== null) parts.push(Prisma.sql`v."pAlive" >= ${a.minPAlive}`);
  if (a.maxPAlive !== null) parts.push(Prisma.sql`v."pAlive" <= ${a.maxPAlive}`);
  if (a.minChurnRisk !== null) parts.push(Prisma.sql`r."risk" >= ${a.minChurnRisk}`);
  if (a.atRiskOnly) parts.push(Prisma.sql`r."atRisk"`);
  if (a.personas.length)
    parts.push(Prisma.sql`s."cluster" IN (
      SELECT (k->>'index')::int FROM "SegmentRun" run, jsonb_array_elements(run."summary"->'clusters'->'clusters') k
      WHERE run."id" = (SELECT "id" FROM "SegmentRun" WHERE "shop" = ${shop} AND "status" = 'completed'
                        ORDER BY "finishedAt" DESC NULLS LAST LIMIT 1)
        AND k->>'title' = ANY(${a.personas}::text[]))`);
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/** The customer ids of the members matching `a`, as a subquery. */
export const audienceMembersSql = (shop: string, a: Audience) =>
  Prisma.sql`SELECT m."customerId" FROM ${membersWithScores(shop)} AND ${audiencePredicate(shop, a)}`;

/** How many of the shop's members (not deleted) match the builder's conditions, of how many. */
export async function countAudience(db: PrismaClient, shop: string, audience: Audience) {
  const [counted] = await countAudiences(db, shop, [audience]);
  return counted!;
}

/** Several condition sets counted in one scan (the saved segments' list). */
export async function countAudiences(db: PrismaClient, shop: string, audiences: readonly Audience[]) {
  if (!audiences.length) return [];
  const filters = audiences.map(
    (a, i) => Prisma.sql`COUNT(*) FILTER (WHERE ${audiencePredicate(shop, a)}) AS ${Prisma.raw(`"m${i}"`)}`,
  );
  const [row] = await db.$queryRaw<Record<string, bigint>[]>`
    SELECT ${Prisma.join(filters, ", ")}, COUNT(*) AS "total" FROM ${membersWithScores(shop)}`;
  const total = Number(row?.total ?? 0);
  return audiences.map((_, i) => ({ matching: Number(row?.[`m${i}`] ?? 0), total }));
}

/** A saved segment's conditions, or null when the shop has no such segment (or they are unreadable). */
export async function savedConditions(db: PrismaClient, shop: string, segmentId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(segmentId)) return null;
  const row = await db.savedSegment.findFirst({
    where: { shop, id: segmentId },
    select: { conditions: true },
  });
  return row ? readConditions(row.conditions) : null;
}

/**
 * The members of a saved segment as it stands now (a dynamic segment: its conditions read
 * the latest scores), for campaigns and the optimizer. Null when the shop has no such segment.
 */
export async function segmentMembers(
  db: PrismaClient,
  shop: string,
  segmentId: string,
): Promise<bigint[] | null> {
  const conditions = await savedConditions(db, shop, segmentId);
  if (!conditions) return null;
  const rows = await db.$queryRaw<{ customerId: bigint }[]>(audienceMembersSql(shop, conditions));
  return rows.map((r) => r.customerId);
}
