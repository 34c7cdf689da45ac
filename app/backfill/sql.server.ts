import pg from "pg";
import { closePgPools, sharedPgPool } from "~/db/pg-pools.server";
import { env } from "~/env.server";

// The backfill's bulk statements go straight to node-postgres: a batch is one JSON
// parameter of a megabyte or more, and handing it through Prisma's raw-query path costs
// more CPU than parsing it. Everything else about the run stays on Prisma.

export interface SqlTx {
  /** Runs a statement; returns the affected row count. */
  exec(sql: string, params?: unknown[]): Promise<number>;
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * `COPY … FROM STDIN` (text format) with `data` as the whole input (or its UTF-8 bytes, in
   * pieces, sent in order); returns the rows copied.
   */
  copyFrom(sql: string, data: string | readonly Buffer[]): Promise<number>;
}

/** One small pool per database URL per process (the backfill keeps two batches in flight). */
export function backfillPool(url: string = env().DATABASE_URL): pg.Pool {
  return sharedPgPool("backfill", url);
}

export function closeBackfillPools(): Promise<void> {
  return closePgPools("backfill");
}

/** BEGIN … COMMIT on one pooled connection; ROLLBACK when `fn` throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const tx: SqlTx = {
    exec: async (sql, params) => (await client.query(sql, params)).rowCount ?? 0,
    rows: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    copyFrom: (sql, data) => copyFrom(client, sql, data),
  };
  try {
    await client.query("BEGIN");
    const result = await fn(tx);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface CopyConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

// node-postgres speaks the COPY sub-protocol but ships no writer for it (that is the
// pg-copy-streams package): a Query whose copy-in handler sends the prepared input as
// CopyData and ends it. The server answers as for any statement (CommandComplete "COPY n").
function copyFrom(client: pg.PoolClient, sql: string, data: string | readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(sql) as pg.Query & {
      handleCopyInResponse(connection: CopyConnection): void;
      callback: (error: Error | null, result?: pg.QueryResult) => void;
    };
    const buffers = typeof data === "string" ? [Buffer.from(data, "utf8")] : data;
    query.handleCopyInResponse = (connection) => {
      for (const buffer of buffers)
        for (let at = 0; at < buffer.length; at += COPY_CHUNK)
          connection.sendCopyFromChunk(buffer.subarray(at, at + COPY_CHUNK));
      connection.endCopyFrom();
    };
    query.callback = (error, result) => (error ? reject(error) : resolve(result?.rowCount ?? 0));
    void client.query(query);
  });
}

const COPY_CHUNK = 1 << 20;

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One field of COPY's text format: NULL as \N, backslash, tab and line breaks escaped. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : text;
}

/** A text[] literal (`{"a","b \\"c\\""}`): every element quoted, backslashes and quotes escaped. */
export function arrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return "{}";
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}

const UNIQUE_VIOLATION = "23505";

/**
 * COPY straight into a keyed table, for rows none of whose keys should exist yet: no
 * staging copy and no per-row conflict check. Runs inside a savepoint; returns the rows
 * copied, or null when the unique index refused one (a live webhook or an earlier run
 * wrote it), with the savepoint rolled back so the caller can write them the careful way.
 */
export async function copyIfNew(tx: SqlTx, sql: string, data: string): Promise<number | null> {
  await tx.exec(`SAVEPOINT "copy_if_new"`);
  try {
    const count = await tx.copyFrom(sql, data);
    await tx.exec(`RELEASE SAVEPOINT "copy_if_new"`);
    return count;
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.exec(`ROLLBACK TO SAVEPOINT "copy_if_new"`);
    return null;
  }
}

/**
 * A timestamp for a `timestamp without time zone` column holding UTC: Shopify's
 * "…Z" times lose their zone letter, any other offset is converted. Text that is no
 * date passes unchanged, for PostgreSQL to refuse.
 */
export function utcTimestamp(value: string | null): string | null {
  if (value === null || value.endsWith("Z")) return value?.slice(0, -1) ?? null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : utcText(date);
}

/** An instant as COPY text for a `timestamp without time zone` column holding UTC. */
export function utcText(date: Date): string {
  return date.toISOString().slice(0, -1);
}

/**
 * COPY input for a shop's table from rows that leave the shop out: the shop as each
 * row's first field, `last` (already COPY text) appended as each row's last, if given.
 */
export function shopRows(shop: string, lines: readonly string[], last?: string): string {
  const head = `${copyField(shop)}\t`;
  const tail = last === undefined ? "\n" : `\t${last}\n`;
  let text = "";
  for (const line of lines) text += head + line + tail;
  return text;
}
