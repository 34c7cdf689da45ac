import { Prisma, type PrismaClient } from "~/db.server";
import type { Audience } from "./audience";

/** How many of the shop's members (not deleted) match the builder's conditions, of how many. */
export async function countAudience(db: PrismaClient, shop: string, audience: Audience) {
  const conditions: Prisma.Sql[] = [Prisma.sql`m."shop" = ${shop}`, Prisma.sql`m."status" <> 'deleted'`];
  if (audience.segments.length) conditions.push(Prisma.sql`s."segment" = ANY(${audience.segments}::text[])`);
  if (audience.tiers.length) conditions.push(Prisma.sql`m."tierId" = ANY(${audience.tiers}::text[])`);
  if (audience.minPoints !== null) conditions.push(Prisma.sql`m."availablePoints" >= ${audience.minPoints}`);
  if (audience.maxPoints !== null) conditions.push(Prisma.sql`m."availablePoints" <= ${audience.maxPoints}`);
  if (audience.tags.length) conditions.push(Prisma.sql`c."tags" && ${audience.tags}::text[]`);
  const [row] = await db.$queryRaw<{ matching: bigint; total: bigint }[]>`
    SELECT COUNT(*) FILTER (WHERE ${Prisma.join(conditions, " AND ")}) AS "matching",
           COUNT(*) AS "total"
    FROM "Member" m
    LEFT JOIN "MemberSegment" s ON s."shop" = m."shop" AND s."customerId" = m."customerId"
    LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"
    WHERE m."shop" = ${shop} AND m."status" <> 'deleted'`;
  return { matching: Number(row?.matching ?? 0), total: Number(row?.total ?? 0) };
}
