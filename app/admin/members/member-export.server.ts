import pg from "pg";
import { Prisma } from "~/db.server";
import { sharedPgPool } from "~/db/pg-pools.server";
import { env } from "~/env.server";
import { toMajor } from "~/loyalty/money";
import type { TiersConfig } from "~/loyalty/program-tiers";
import { csvLine, type CsvValue } from "./csv";
import type { MemberListParams } from "./list-params";
import {
  MEMBER_COLUMNS,
  MEMBER_FROM,
  memberWhere,
  type FilterContext,
  type MemberRecord,
} from "./member-filter.server";
import { memberOrderBy } from "./members.server";

// The members CSV: the list's filter and sort, streamed from a server-side cursor a
// batch at a time as the client reads, so a 100,000-member export holds one batch in
// memory, never the file. Scoped by shop like every read.

const FETCH_ROWS = 500;
// "timestamp without time zone" columns hold UTC (Prisma's convention); node-postgres
// would read them as local time.
const TIMESTAMP_OID = 1114;
const utcTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

export interface ExportContext extends FilterContext {
  timeZone: string | null;
  tiers: Pick<TiersConfig, "basis" | "levels">;
}

export const EXPORT_HEADER = [
  "Customer ID",
  "First name",
  "Last name",
  "Email",
  "Status",
  "Tier",
  "Tier qualifying value",
  "Next tier",
  "Needed for next tier",
  "Available points",
  "Pending points",
  "Lifetime points",
  "Orders",
  "Total spent",
  "Average order value",
  "Currency",
  "Last order",
  "Last order date",
  "Joined",
  "Last activity",
];

// Building an Intl formatter costs far more than using one: one per time zone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-CA", { timeZone });
    } catch {
      format = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC" });
    }
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** `YYYY-MM-DD` in the shop's time zone (what a spreadsheet sorts and parses). */
function day(date: Date | null, timeZone: string | null): string {
  return date ? dayFormat(timeZone ?? "UTC").format(date) : "";
}

export function exportLine(r: MemberRecord, context: ExportContext): string {
  const tierName = (id: string | null) =>
    id ? (context.tiers.levels.find((l) => l.id === id)?.name ?? id) : "";
  const inBasis = (value: bigint) =>
    context.tiers.basis === "spend" ? toMajor(Number(value), context.currency) : Number(value);
  const values: CsvValue[] = [
    r.customerId.toString(),
    r.firstName,
    r.lastName,
    r.email,
    r.status,
    tierName(r.tierId),
    inBasis(r.tierValue),
    tierName(r.nextTierId),
    r.nextTierId ? inBasis(r.tierRemaining) : null,
    r.availablePoints,
    r.pendingPoints,
    r.lifetimePoints,
    Number(r.ordersCount),
    toMajor(Number(r.spentMinor), context.currency),
    toMajor(Number(r.averageOrderMinor), context.currency),
    context.currency,
    r.lastOrderName,
    day(r.lastOrderAt, context.timeZone),
    day(r.joinedAt, context.timeZone),
    day(r.lastActivityAt, context.timeZone),
  ];
  return csvLine(values);
}

/** node-postgres takes dates and bigints as text; timestamps compare in UTC wall-clock. */
const pgValue = (v: unknown) =>
  v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v;

// node-postgres returns int8 as text; the record type says bigint.
function toRecord(row: Record<string, unknown>): MemberRecord {
  const big = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as string));
  return {
    ...(row as unknown as MemberRecord),
    customerId: big(row.customerId)!,
    tierValue: big(row.tierValue)!,
    tierRemaining: big(row.tierRemaining)!,
    spentMinor: big(row.spentMinor)!,
    averageOrderMinor: big(row.averageOrderMinor)!,
    lastOrderId: big(row.lastOrderId),
  };
}

/**
 * Opens the cursor before answering, so a database failure is an error response rather
 * than a truncated file; then streams the rows as the client reads them.
 */
export async function streamMembersCsv(
  shop: string,
  params: MemberListParams,
  context: ExportContext,
  url: string = env().DATABASE_URL,
): Promise<ReadableStream<Uint8Array>> {
  const query = Prisma.sql`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM}
    WHERE ${memberWhere(shop, params, context)} ORDER BY ${memberOrderBy(params)}`;
  let client: pg.PoolClient | null = await sharedPgPool("member-export", url, {
    max: 2,
    types: utcTypes,
  }).connect();
  const finish = async (ok: boolean) => {
    const c = client;
    client = null;
    if (!c) return;
    await c.query(ok ? "COMMIT" : "ROLLBACK").catch(() => undefined);
    c.release();
  };
  try {
    // Stale order statistics first (app/stats/order-stats.server.ts), in its own transaction.
    await client.query("SELECT drain_customer_order_stats($1)", [shop]);
    // A cursor lives in a transaction; REPEATABLE READ READ ONLY gives one consistent snapshot.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(`DECLARE member_export NO SCROLL CURSOR FOR ${query.text}`, query.values.map(pgValue));
  } catch (error) {
    await finish(false);
    throw error;
  }
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A byte-order mark so Excel reads the UTF-8 names right.
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(EXPORT_HEADER)}`));
    },
    async pull(controller) {
      try {
        const batch = await client!.query(`FETCH ${FETCH_ROWS} FROM member_export`);
        if (batch.rows.length === 0) {
          await finish(true);
          controller.close();
          return;
        }
        controller.enqueue(
          encoder.encode(batch.rows.map((row) => exportLine(toRecord(row), context)).join("")),
        );
      } catch (error) {
        await finish(false);
        controller.error(error);
      }
    },
    async cancel() {
      await finish(false);
    },
  });
}

/** The file name: the shop and the day, so repeated exports sort. */
export function exportFilename(shop: string, now: Date): string {
  return `members-${shop.replace(/\.myshopify\.com$/, "")}-${now.toISOString().slice(0, 10)}.csv`;
}
