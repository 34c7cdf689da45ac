import { Prisma, type PrismaClient } from "~/db.server";
import { PAGE_SIZE, NO_TIER, type MemberListParams } from "./list-params";

// The members list: Member joined with its mirrored Customer, scoped by shop, searched by
// name or email, filtered by tier and status, sorted and paged in SQL.

export interface MemberRow {
  customerId: string;
  name: string | null;
  email: string | null;
  status: string;
  tierId: string | null;
  availablePoints: number;
  pendingPoints: number;
  lifetimePoints: number;
  lastActivityAt: string | null;
  joinedAt: string;
}

export interface MemberPage {
  rows: MemberRow[];
  total: number;
  page: number;
  pageCount: number;
}

const ORDER: Record<MemberListParams["sort"], Prisma.Sql> = {
  points: Prisma.sql`m."availablePoints"`,
  lifetime: Prisma.sql`m."lifetimePoints"`,
  lastActivity: Prisma.sql`m."lastActivityAt"`,
  joined: Prisma.sql`COALESCE(m."enrolledAt", m."createdAt")`,
};

/** LIKE wildcards in what the merchant typed are matched literally. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listMembers(
  db: PrismaClient,
  shop: string,
  params: MemberListParams,
): Promise<MemberPage> {
  const conditions: Prisma.Sql[] = [Prisma.sql`m."shop" = ${shop}`];
  if (params.query) {
    const pattern = likePattern(params.query);
    conditions.push(Prisma.sql`(c."email" ILIKE ${pattern}
      OR concat_ws(' ', c."firstName", c."lastName") ILIKE ${pattern}
      OR m."customerId"::text = ${params.query})`);
  }
  if (params.tier === NO_TIER) conditions.push(Prisma.sql`m."tierId" IS NULL`);
  else if (params.tier) conditions.push(Prisma.sql`m."tierId" = ${params.tier}`);
  if (params.status) conditions.push(Prisma.sql`m."status" = ${params.status}::"MemberStatus"`);
  const where = Prisma.join(conditions, " AND ");
  const direction = params.direction === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const offset = (params.page - 1) * PAGE_SIZE;

  const [count, rows] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS n FROM "Member" m
      LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"
      WHERE ${where}`,
    db.$queryRaw<
      Array<{
        customerId: bigint;
        firstName: string | null;
        lastName: string | null;
        email: string | null;
        status: string;
        tierId: string | null;
        availablePoints: number;
        pendingPoints: number;
        lifetimePoints: number;
        lastActivityAt: Date | null;
        joinedAt: Date;
      }>
    >`
      SELECT m."customerId", c."firstName", c."lastName", c."email", m."status"::text AS "status", m."tierId",
        m."availablePoints", m."pendingPoints", m."lifetimePoints", m."lastActivityAt",
        COALESCE(m."enrolledAt", m."createdAt") AS "joinedAt"
      FROM "Member" m
      LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"
      WHERE ${where}
      ORDER BY ${ORDER[params.sort]} ${direction} NULLS LAST, m."customerId" ${direction}
      LIMIT ${PAGE_SIZE} OFFSET ${offset}`,
  ]);
  const total = Number(count[0]?.n ?? 0);
  return {
    total,
    page: params.page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    rows: rows.map((r) => ({
      customerId: r.customerId.toString(),
      name: [r.firstName, r.lastName].filter(Boolean).join(" ") || null,
      email: r.email,
      status: r.status,
      tierId: r.tierId,
      availablePoints: r.availablePoints,
      pendingPoints: r.pendingPoints,
      lifetimePoints: r.lifetimePoints,
      lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
      joinedAt: r.joinedAt.toISOString(),
    })),
  };
}
