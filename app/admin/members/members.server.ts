import { Prisma, type PrismaClient } from "~/db.server";
import { refreshOrderStats } from "~/stats/order-stats.server";
import { decodeCursor, encodeCursor, SORT_KEY_KIND, type MemberCursor } from "./list-cursor.server";
import { PAGE_SIZE, type MemberListParams, type MemberSort } from "./list-params";
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
  /** The total is the planner's estimate (many members match), not a count. */
  totalEstimated: boolean;
  /** The cursors of the pages after and before this one; null when there is none that way. */
  next: string | null;
  previous: string | null;
  /** The URL's cursor could not be read, so this is the first page. */
  cursorRejected: boolean;
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

/** Below this many matching members the list counts them exactly; above, it estimates. */
export const EXACT_COUNT_LIMIT = 10_000;

// How a page is read in its sort's index order (ADR 0052, "The members list"). Every sort
// key has an index (shop, key, customerId), and a page starts after (or ends before) a
// cursor row, so a page is the next 26 entries of one index range scan whatever its depth,
// never a sort of every member nor a walk past the pages before it:
// - a key that is never null (points, lifetime, tier value, joined; spend, orders and
//   average order, since every member has a statistics row, zeros until a counting order):
//   one part, read in the index's order either way;
// - a key that can be null (last activity, last order) in two parts, each in index order:
//   the members that have it, then the rest by customer id. Nulls come last either way.
// The order is the same as memberOrderBy's, which the export keeps.
interface Part {
  from: Prisma.Sql;
  where: Prisma.Sql;
  key: Prisma.Sql | null;
  id: Prisma.Sql;
}
type SortPlan = { head: Part; rest?: Part };

/** Order statistics first (their index gives the order), then the member and customer. */
const STATS_FROM = Prisma.sql`"CustomerOrderStats" s
  JOIN "Member" m ON m."shop" = s."shop" AND m."customerId" = s."customerId"
  LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"`;
const MEMBER_ID = Prisma.sql`m."customerId"`;
const STATS_ID = Prisma.sql`s."customerId"`;
const TRUE = Prisma.sql`TRUE`;

function statsColumn(shop: string, column: string): SortPlan {
  const key = Prisma.raw(`s."${column}"`);
  return { head: { from: STATS_FROM, where: Prisma.sql`s."shop" = ${shop}`, key, id: STATS_ID } };
}

function sortPlan(shop: string, sort: MemberListParams["sort"]): SortPlan {
  switch (sort) {
    case "points":
    case "lifetime":
    case "tierValue":
    case "joined":
      return { head: { from: MEMBER_FROM, where: TRUE, key: MEMBER_ORDER[sort], id: MEMBER_ID } };
    case "lastActivity": {
      const key = Prisma.sql`m."lastActivityAt"`;
      return {
        head: { from: MEMBER_FROM, where: Prisma.sql`${key} IS NOT NULL`, key, id: MEMBER_ID },
        rest: { from: MEMBER_FROM, where: Prisma.sql`${key} IS NULL`, key: null, id: MEMBER_ID },
      };
    }
    case "spent":
      return statsColumn(shop, "spentMinor");
    case "orders":
      return statsColumn(shop, "ordersCount");
    case "averageOrder":
      return statsColumn(shop, "averageOrderMinor");
    case "lastOrder": {
      const key = Prisma.sql`s."lastOrderAt"`;
      const where = Prisma.sql`s."shop" = ${shop}`;
      return {
        head: { from: STATS_FROM, where: Prisma.sql`${where} AND ${key} IS NOT NULL`, key, id: STATS_ID },
        rest: { from: STATS_FROM, where: Prisma.sql`${where} AND ${key} IS NULL`, key: null, id: STATS_ID },
      };
    }
  }
}

type Direction = "asc" | "desc";
type KeyedRecord = MemberRecord & { sortKey: string | null };

/** The cursor's key as the sort column's type (so the comparison can use the index). */
const KEY_CAST: Record<(typeof SORT_KEY_KIND)[MemberSort], Prisma.Sql> = {
  int4: Prisma.raw("integer"),
  int8: Prisma.raw("bigint"),
  timestamp: Prisma.raw("timestamp(3)"),
};

/**
 * A sort key as a cursor carries it: integers as digits, instants as ISO text written out
 * rather than by `::text`, whose form follows the session's DateStyle (ISO text reads back
 * under any DateStyle).
 */
export function cursorKeyText(sort: MemberSort, key: Prisma.Sql): Prisma.Sql {
  return SORT_KEY_KIND[sort] === "timestamp"
    ? Prisma.sql`to_char(${key}, 'YYYY-MM-DD HH24:MI:SS.US')`
    : Prisma.sql`${key}::text`;
}

/**
 * Up to `limit` rows of a part in `direction`, strictly after `from` when given: a row
 * comparison on (key, id), which PostgreSQL reads as the start of an index range.
 */
function partQuery(
  part: Part,
  where: Prisma.Sql,
  sort: MemberSort,
  direction: Direction,
  limit: number,
  from: MemberCursor | null,
): Prisma.Sql {
  const dir = direction === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const beyond = direction === "asc" ? Prisma.sql`>` : Prisma.sql`<`;
  const order = part.key ? Prisma.sql`${part.key} ${dir}, ${part.id} ${dir}` : Prisma.sql`${part.id} ${dir}`;
  let start = TRUE;
  if (from && part.key && from.key !== null)
    start = Prisma.sql`(${part.key}, ${part.id}) ${beyond} (${from.key}::${KEY_CAST[SORT_KEY_KIND[sort]]}, ${from.id})`;
  else if (from && !part.key) start = Prisma.sql`${part.id} ${beyond} ${from.id}`;
  const sortKey = part.key ? cursorKeyText(sort, part.key) : Prisma.sql`NULL::text`;
  return Prisma.sql`
    SELECT ${MEMBER_COLUMNS}, ${sortKey} AS "sortKey" FROM ${part.from}
    WHERE ${where} AND ${part.where} AND ${start}
    ORDER BY ${order}
    LIMIT ${limit}`;
}

const reverse = (direction: Direction): Direction => (direction === "asc" ? "desc" : "asc");

/**
 * Up to `limit` rows from `from` onwards in `direction` (from the start when null), across
 * the plan's parts: the head then the rest going down the list, the rest then the head
 * going up it. A cursor without a key lies in the rest.
 */
async function readFrom(
  db: PrismaClient,
  plan: SortPlan,
  where: Prisma.Sql,
  sort: MemberSort,
  listDirection: Direction,
  up: boolean,
  from: MemberCursor | null,
  limit: number,
): Promise<KeyedRecord[]> {
  const direction = up ? reverse(listDirection) : listDirection;
  const parts = plan.rest ? (up ? [plan.rest, plan.head] : [plan.head, plan.rest]) : [plan.head];
  // Skip the parts the cursor is past: going down from the rest, the head; going up from the head, the rest.
  let i = 0;
  if (from && plan.rest) {
    const inRest = from.key === null;
    i = up ? (inRest ? 0 : 1) : inRest ? 1 : 0;
  }
  const rows: KeyedRecord[] = [];
  for (let first = true; i < parts.length && rows.length < limit; i++, first = false) {
    const query = partQuery(parts[i]!, where, sort, direction, limit - rows.length, first ? from : null);
    rows.push(...(await db.$queryRaw<KeyedRecord[]>(query)));
  }
  return rows;
}

const cursorOf = (sort: MemberSort, row: KeyedRecord) =>
  encodeCursor({ sort, key: row.sortKey, id: row.customerId });

/** One page: the first, the one after a cursor row, or the one before it. */
async function readPage(
  db: PrismaClient,
  shop: string,
  params: MemberListParams,
  where: Prisma.Sql,
  position: Position,
): Promise<{ rows: KeyedRecord[]; next: string | null; previous: string | null }> {
  const plan = sortPlan(shop, params.sort);
  const { sort, direction } = params;
  // One row more than a page says whether another page follows that way.
  if (position && "before" in position) {
    const rows = await readFrom(db, plan, where, sort, direction, true, position.before, PAGE_SIZE + 1);
    // Fewer than a page before the cursor: the first page is the one before it.
    if (rows.length > PAGE_SIZE) {
      const page = rows.slice(0, PAGE_SIZE).reverse();
      return { rows: page, next: cursorOf(sort, page.at(-1)!), previous: cursorOf(sort, page[0]!) };
    }
    return readPage(db, shop, params, where, null);
  }
  const from = position?.after ?? null;
  const rows = await readFrom(db, plan, where, sort, direction, false, from, PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  return {
    rows: page,
    next: rows.length > PAGE_SIZE ? cursorOf(sort, page.at(-1)!) : null,
    // Past the end (the rows after the cursor are gone), the way back is before the cursor.
    previous: from ? (page[0] ? cursorOf(sort, page[0]) : encodeCursor(from)) : null,
  };
}

/**
 * How many members match: exact up to EXACT_COUNT_LIMIT, above it the planner's estimate
 * (counting a million rows costs more than the page), which the page says is one. An exact
 * count comes with the matching members' ids, which the page then reads from.
 */
async function countMembers(
  db: PrismaClient,
  where: Prisma.Sql,
): Promise<{ total: number; estimated: boolean; ids?: bigint[] }> {
  const [plan] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>`
    EXPLAIN (FORMAT JSON) SELECT 1 FROM ${MEMBER_FROM} WHERE ${where}`;
  const estimate = Math.round(plan?.["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0);
  if (estimate <= EXACT_COUNT_LIMIT) {
    const rows = await db.$queryRaw<{ customerId: bigint }[]>`
      SELECT m."customerId" FROM ${MEMBER_FROM} WHERE ${where} LIMIT ${EXACT_COUNT_LIMIT + 1}`;
    const n = rows.length;
    if (n <= EXACT_COUNT_LIMIT) return { total: n, estimated: false, ids: rows.map((r) => r.customerId) };
    return { total: Math.max(estimate, n), estimated: true };
  }
  return { total: estimate, estimated: true };
}

// Why the page reads from the counted ids. A filter's matches are estimated from the
// column's statistics, which see the tail of a distribution coarsely: "average order over
// $200" matched 243 of 1,000,000 members where the planner expected thousands, so it walked
// the joined index in order for the first page's 27 matches and read nearly every member
// (1.8 s). The ids in hand are an exact count the planner can trust (an array's length), so
// with them the page is those members fetched by key and sorted: tens of milliseconds.

/** The page's position from the URL: a cursor of the list's sort, or none (the first page). */
type Position = { after: MemberCursor } | { before: MemberCursor } | null;

function position(params: MemberListParams): { position: Position; rejected: boolean } {
  const text = params.after ?? params.before;
  if (!text) return { position: null, rejected: false };
  const cursor = decodeCursor(text, params.sort);
  if (!cursor) return { position: null, rejected: true };
  return { position: params.after ? { after: cursor } : { before: cursor }, rejected: false };
}

export async function listMembers(
  db: PrismaClient,
  shop: string,
  params: MemberListParams,
  context: FilterContext,
): Promise<MemberPage> {
  await refreshOrderStats(db, shop);
  const where = memberWhere(shop, params, context);
  const at = position(params);
  const count = await countMembers(db, where);
  const page = await readPage(
    db,
    shop,
    params,
    count.ids ? Prisma.sql`${where} AND m."customerId" = ANY(${count.ids}::bigint[])` : where,
    at.position,
  );
  let { total, estimated } = count;
  // The first page with nothing after it is the whole list: then the total is known
  // whatever the estimate said.
  if (!page.previous && !page.next && !at.position) {
    total = page.rows.length;
    estimated = false;
  } else if (estimated) total = Math.max(total, page.rows.length + (page.next ? 1 : 0));
  return {
    total,
    totalEstimated: estimated,
    next: page.next,
    previous: page.previous,
    cursorRejected: at.rejected,
    rows: page.rows.map(memberRow),
  };
}

/**
 * The first statement a page runs (the part its cursor lies in, read from the cursor),
 * for bench:admin to EXPLAIN: its plan must not grow with the page's depth.
 */
export function memberPageQuery(shop: string, params: MemberListParams, context: FilterContext): Prisma.Sql {
  const plan = sortPlan(shop, params.sort);
  const at = position(params).position;
  const from = at ? ("before" in at ? at.before : at.after) : null;
  const part = from && from.key === null && plan.rest ? plan.rest : plan.head;
  const direction = at && "before" in at ? reverse(params.direction) : params.direction;
  return partQuery(part, memberWhere(shop, params, context), params.sort, direction, PAGE_SIZE + 1, from);
}
