import { copyField, inTransaction, utcText, type SqlTx } from "~/backfill/sql.server";
import { closePgPools, sharedPgPool } from "~/db/pg-pools.server";
import { databaseUrlOf, type PrismaClient } from "~/db.server";
import { env } from "~/env.server";

// The models' per-member results (100,000 rows and more per shop) are replaced by COPY on a
// node-postgres connection: the rows go as COPY text, which PostgreSQL reads several times
// faster than the same rows as INSERT parameters, and building the text costs the client far
// less than Prisma's per-value parameter handling (ADR 0033). The delete, the COPY and the
// model's run row (`finish`, in SQL on the same connection) commit together, so readers see
// the previous results or the new ones, never a mix. The database is the app's
// (the caller's Prisma client's), as for Prisma's queries.

export type CopyValue = string | number | boolean | bigint | Date | null | undefined;

// The database of the Prisma client the caller works with (a test's own, the bench's scratch
// one), else the app's.
const pool = (db: PrismaClient) =>
  sharedPgPool("intelligence", databaseUrlOf(db) ?? env().DATABASE_URL, { max: 4 });
// Rows per block of COPY input: a block's strings (every field, the JSON documents included)
// are a few megabytes at most, so they die in the young generation once the block is bytes.
const BLOCK = 2_000;

/** Ends this process's (or thread's) COPY connections: the scoring thread, when it finishes. */
export const closeCopyPools = () => closePgPools("intelligence");

// The same Date on every row (the run's time) is formatted once.
let lastDate: Date | null = null;
let lastDateText = "";

/** A COPY text field: numbers as JavaScript writes them, dates as UTC timestamps, text escaped (`copyField`). */
function field(value: CopyValue): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Date) {
    if (value !== lastDate) [lastDate, lastDateText] = [value, utcText(value)];
    return lastDateText;
  }
  return copyField(value);
}

/**
 * Replaces the shop's rows of `table` with one row per item of `rows` (`columns`' values from
 * `values`, the shop first), then runs `finish` in the same transaction.
 */
export async function replaceShopRows<T>(
  db: PrismaClient,
  shop: string,
  table: string,
  columns: readonly string[],
  rows: readonly T[],
  values: (row: T) => readonly CopyValue[],
  finish?: (tx: SqlTx) => Promise<unknown>,
): Promise<void> {
  const copy = `COPY "${table}" ("shop", ${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`;
  const head = `${copyField(shop)}\t`;
  // The input is built before the transaction opens: in a scoring run other stages compute on
  // the same thread, and the transaction (its locks, its connection) should not wait for them.
  // It is kept as UTF-8 bytes, a block of rows at a time: 100,000 rows are 10–200 MB of text,
  // which as strings the collector would copy from the young generation to the old and mark
  // there (the reward stage's heap doubled to 1 GB while it built its rows: ADR 0033, sixth
  // pass); bytes live outside the JavaScript heap, and each block's strings die young.
  const blocks: Buffer[] = [];
  for (let i = 0; i < rows.length; i += BLOCK) {
    let text = "";
    const end = Math.min(rows.length, i + BLOCK);
    for (let r = i; r < end; r++) {
      const fields = values(rows[r]!);
      let line = head + field(fields[0]);
      for (let f = 1; f < fields.length; f++) line += "\t" + field(fields[f]);
      text += line + "\n";
    }
    blocks.push(Buffer.from(text, "utf8"));
  }
  await inTransaction(pool(db), async (tx) => {
    await tx.exec(`DELETE FROM "${table}" WHERE "shop" = $1`, [shop]);
    if (blocks.length > 0) await tx.copyFrom(copy, blocks);
    await finish?.(tx);
  });
}

/** A JSON value as a `$n::jsonb` parameter (null stays SQL NULL). */
export const jsonParam = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** A Date as a `$n::timestamp` parameter for the UTC timestamps the tables hold. */
export const timestampParam = (date: Date) => utcText(date);
