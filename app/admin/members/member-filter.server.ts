import { Prisma } from "~/db.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { TiersConfig } from "~/loyalty/program-tiers";
import { NO_TIER, RANGE_FILTERS, type MemberFilter, type RangeFilter } from "./list-params";
import { customerMatches, searchedId } from "./customer-search.server";

// The members list's filter as SQL, shared by the page, the CSV export and the bulk
// adjustment "on all matching", so the three always mean the same members. Every
// condition starts with the shop.

/** Members with their customer record and order statistics (both may be missing). */
export const MEMBER_FROM = Prisma.sql`"Member" m
  LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"
  LEFT JOIN "CustomerOrderStats" s ON s."shop" = m."shop" AND s."customerId" = m."customerId"`;

/** The row every reader selects: member, customer and statistics. */
export const MEMBER_COLUMNS = Prisma.sql`m."customerId", c."firstName", c."lastName", c."email",
  m."status"::text AS "status", m."tierId", m."tierValue", m."nextTierId", m."tierRemaining",
  m."availablePoints", m."pendingPoints", m."lifetimePoints", m."lastActivityAt",
  COALESCE(m."enrolledAt", m."createdAt") AS "joinedAt",
  COALESCE(s."ordersCount", 0) AS "ordersCount", COALESCE(s."spentMinor", 0) AS "spentMinor",
  COALESCE(s."averageOrderMinor", 0) AS "averageOrderMinor",
  s."lastOrderAt", s."lastOrderId", s."lastOrderName"`;

// The statistics' own columns, not COALESCE(…, 0): every member has a statistics row (zeros
// until a counting order, ADR 0052), and the planner knows a column's distribution but not an
// expression's. On an expression it guessed a third of the shop for any bound, walked a sort
// index for matches that were a handful (6.7 s for "average order over $200" by joined at
// 200,000 members), and never used the column's index.
const RANGE_COLUMN: Record<RangeFilter, Prisma.Sql> = {
  spent: Prisma.sql`s."spentMinor"`,
  orders: Prisma.sql`s."ordersCount"`,
  averageOrder: Prisma.sql`s."averageOrderMinor"`,
  points: Prisma.sql`m."availablePoints"`,
};
const MONEY_RANGES: ReadonlySet<RangeFilter> = new Set(["spent", "averageOrder"]);

export interface FilterContext {
  /** The shop's currency: money bounds arrive in its major units. */
  currency: string;
  /** The live program's tier basis: "within X of the next tier" is in its unit. */
  tierBasis: TiersConfig["basis"];
  now: Date;
}

export function memberWhere(shop: string, filter: MemberFilter, context: FilterContext): Prisma.Sql {
  const perMajor = minorUnitsPerMajor(context.currency);
  const conditions: Prisma.Sql[] = [Prisma.sql`m."shop" = ${shop}`];
  if (filter.query) {
    // The shop's matching customers first (by the trigram indexes), then their members: a
    // semi-join the planner starts from the few matches, not from a million members.
    const id = searchedId(filter.query);
    conditions.push(Prisma.sql`m."customerId" IN (
      SELECT s."id" FROM "Customer" s WHERE s."shop" = ${shop} AND ${customerMatches("s", filter.query)}
      ${id === null ? Prisma.empty : Prisma.sql`UNION ALL SELECT ${id}::bigint`})`);
  }
  if (filter.tier === NO_TIER) conditions.push(Prisma.sql`m."tierId" IS NULL`);
  else if (filter.tier) conditions.push(Prisma.sql`m."tierId" = ${filter.tier}`);
  if (filter.status) conditions.push(Prisma.sql`m."status" = ${filter.status}::"MemberStatus"`);
  for (const [name, keys] of Object.entries(RANGE_FILTERS) as Array<
    [RangeFilter, (typeof RANGE_FILTERS)[RangeFilter]]
  >) {
    const scale = MONEY_RANGES.has(name) ? perMajor : 1;
    const min = filter[keys.min];
    const max = filter[keys.max];
    if (min !== null)
      conditions.push(Prisma.sql`${RANGE_COLUMN[name]} >= ${BigInt(Math.round(min * scale))}`);
    if (max !== null)
      conditions.push(Prisma.sql`${RANGE_COLUMN[name]} <= ${BigInt(Math.round(max * scale))}`);
  }
  // Members have a statistics row of zeros until their first counting order (ADR 0052). All
  // four columns are stated, so each stats sort's index is cut to the zeros (and the head of
  // "last order", members who have one, is empty at once); the migration's statistics let
  // the planner see that the four go together.
  if (filter.lastOrder === "never")
    conditions.push(
      Prisma.sql`s."ordersCount" = 0 AND s."spentMinor" = 0 AND s."averageOrderMinor" = 0 AND s."lastOrderAt" IS NULL`,
    );
  else if (filter.lastOrder) {
    const over = filter.lastOrder.startsWith("over");
    const days = Number(filter.lastOrder.replace("over", ""));
    const since = new Date(context.now.getTime() - days * 86_400_000);
    conditions.push(over ? Prisma.sql`s."lastOrderAt" < ${since}` : Prisma.sql`s."lastOrderAt" >= ${since}`);
  }
  if (filter.nextTierWithin !== null) {
    const scale = context.tierBasis === "spend" ? perMajor : 1;
    conditions.push(
      Prisma.sql`m."nextTierId" IS NOT NULL AND m."tierRemaining" <= ${BigInt(Math.round(filter.nextTierWithin * scale))}`,
    );
  }
  return Prisma.join(conditions, " AND ");
}

/** One selected row as the database returns it (bigints and dates as pg gives them). */
export interface MemberRecord {
  customerId: bigint;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  status: string;
  tierId: string | null;
  tierValue: bigint;
  nextTierId: string | null;
  tierRemaining: bigint;
  availablePoints: number;
  pendingPoints: number;
  lifetimePoints: number;
  lastActivityAt: Date | null;
  joinedAt: Date;
  ordersCount: number;
  spentMinor: bigint;
  averageOrderMinor: bigint;
  lastOrderAt: Date | null;
  lastOrderId: bigint | null;
  lastOrderName: string | null;
}
