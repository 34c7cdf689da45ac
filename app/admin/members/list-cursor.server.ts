import { MEMBER_SORTS, type MemberSort } from "./list-params";

// The members list's position (ADR 0052, "The members list"): a page starts after, or ends
// before, one row of the list's order, named by its sort key and customer id. The URL
// carries it as base64url of a JSON array, opaque to the merchant; the server decodes and
// checks every part before any of it reaches SQL, and a cursor that fails (edited, cut,
// or of another sort) is refused as a whole rather than half-read.

/** A row's place in the list: its sort key as text (null: no key), and its id. */
export interface MemberCursor {
  sort: MemberSort;
  key: string | null;
  id: bigint;
}

type KeyKind = "int4" | "int8" | "timestamp";

/** Each sort key's column type: what a cursor's key must parse as and is cast to in SQL. */
export const SORT_KEY_KIND: Record<MemberSort, KeyKind> = {
  points: "int4",
  lifetime: "int4",
  orders: "int4",
  tierValue: "int8",
  spent: "int8",
  averageOrder: "int8",
  joined: "timestamp",
  lastActivity: "timestamp",
  lastOrder: "timestamp",
};

/** Sorts whose key some members lack (read as members with it, then those without). */
export const NULLABLE_SORTS: ReadonlySet<MemberSort> = new Set(["lastActivity", "lastOrder"]);

const INT_RANGE: Record<"int4" | "int8", [bigint, bigint]> = {
  int4: [-(2n ** 31n), 2n ** 31n - 1n],
  int8: [-(2n ** 63n), 2n ** 63n - 1n],
};
// An instant as the list writes it (members.server.ts, cursorKeyText): "2026-01-20 08:15:00.123000".
const TIMESTAMP = /^([1-9]\d{3}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})?$/;

function inRange(text: string, kind: "int4" | "int8"): boolean {
  if (!/^-?\d{1,19}$/.test(text)) return false;
  const n = BigInt(text);
  return n >= INT_RANGE[kind][0] && n <= INT_RANGE[kind][1];
}

/** A real instant: the date must not roll over (no 31 February, no 24:00). */
function isTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === `${match[1]}T${match[2]}`;
}

function validKey(sort: MemberSort, key: unknown): key is string | null {
  if (key === null) return NULLABLE_SORTS.has(sort);
  if (typeof key !== "string") return false;
  const kind = SORT_KEY_KIND[sort];
  return kind === "timestamp" ? isTimestamp(key) : inRange(key, kind);
}

export function encodeCursor(cursor: MemberCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.id.toString()])).toString("base64url");
}

/** The cursor in `text` for a list sorted by `sort`, or null when it is not one. */
export function decodeCursor(text: string, sort: MemberSort): MemberCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [cursorSort, key, id] = value as unknown[];
  if (cursorSort !== sort || !(MEMBER_SORTS as readonly unknown[]).includes(cursorSort)) return null;
  if (typeof id !== "string" || !/^\d{1,19}$/.test(id) || !inRange(id, "int8")) return null;
  if (!validKey(sort, key)) return null;
  return { sort, key, id: BigInt(id) };
}
