import { Prisma, type PrismaClient } from "~/db.server";
import { refreshOrderStats } from "~/stats/order-stats.server";
import { PAGE_SIZE, type MemberListParams } from "./list-params";
import {
  MEMBER_COLUMNS,
  MEMBER_FROM,
  memberWhere,
  type FilterContext,
  type MemberRecord,
} from "./member-filter.server";

// The members list: Member joined with its mirrored Customer and order statistics,
// scoped by shop, searched, filtered, sorted and paged in SQL.

export interface MemberRow {
  customerId: string;
  name: string | null;
  email: string | null;
  status: string;
  tierId: string | null;
  /** The qualifying value in the tier basis's unit (minor units, points or orders). */
  tierValue: number;
  nextTierId: string | null;
  /** What the next tier still needs, in the same unit (0 at the top). */
  tierRemaining: number;
  availablePoints: number;
  pendingPoints: number;
  lifetimePoints: number;
  lastActivityAt: string | null;
  joinedAt: string;
  ordersCount: number;
  spentMinor: number;
  averageOrderMinor: number;
  lastOrderAt: string | null;
  lastOrderId: string | null;
  lastOrderName: string | null;
}

export interface MemberPage {
  rows: MemberRow[];
  total: number;
  page: number;
  pageCount: number;
}

export const MEMBER_ORDER: Record<MemberListParams["sort"], Prisma.Sql> = {
  points: Prisma.sql`m."availablePoints"`,
  lifetime: Prisma.sql`m."lifetimePoints"`,
  lastActivity: Prisma.sql`m."lastActivityAt"`,
  joined: Prisma.sql`COALESCE(m."enrolledAt", m."createdAt")`,
  spent: Prisma.sql`COALESCE(s."spentMinor", 0)`,
  orders: Prisma.sql`COALESCE(s."ordersCount", 0)`,
  averageOrder: Prisma.sql`COALESCE(s."averageOrderMinor", 0)`,
  lastOrder: Prisma.sql`s."lastOrderAt"`,
  tierValue: Prisma.sql`m."tierValue"`,
};

/** ORDER BY for a sort: the sort key, then the customer id so pages never overlap. */
export function memberOrderBy(params: Pick<MemberListParams, "sort" | "direction">): Prisma.Sql {
  const direction = params.direction === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  return Prisma.sql`${MEMBER_ORDER[params.sort]} ${direction} NULLS LAST, m."customerId" ${direction}`;
}

export function memberRow(r: MemberRecord): MemberRow {
  return {
    customerId: r.customerId.toString(),
    name: [r.firstName, r.lastName].filter(Boolean).join(" ") || null,
    email: r.email,
    status: r.status,
    tierId: r.tierId,
    tierValue: Number(r.tierValue),
    nextTierId: r.nextTierId,
    tierRemaining: Number(r.tierRemaining),
    availablePoints: r.availablePoints,
    pendingPoints: r.pendingPoints,
    lifetimePoints: r.lifetimePoints,
    lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
    joinedAt: r.joinedAt.toISOString(),
    ordersCount: Number(r.ordersCount),
    spentMinor: Number(r.spentMinor),
    averageOrderMinor: Number(r.averageOrderMinor),
    lastOrderAt: r.lastOrderAt?.toISOString() ?? null,
    lastOrderId: r.lastOrderId?.toString() ?? null,
    lastOrderName: r.lastOrderName,
  };
}

export async function listMembers(
  db: PrismaClient,
  shop: string,
  params: MemberListParams,
  context: FilterContext,
): Promise<MemberPage> {
  await refreshOrderStats(db, shop);
  const where = memberWhere(shop, params, context);
  const offset = (params.page - 1) * PAGE_SIZE;
  const [count, rows] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM ${MEMBER_FROM} WHERE ${where}`,
    db.$queryRaw<MemberRecord[]>`
      SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
      WHERE ${where}
      ORDER BY ${memberOrderBy(params)}
      LIMIT ${PAGE_SIZE} OFFSET ${offset}`,
  ]);
  const total = Number(count[0]?.n ?? 0);
  return {
    total,
    page: params.page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    rows: rows.map(memberRow),
  };
}
