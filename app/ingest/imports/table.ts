import { normaliseHeader } from "~/migration/formats";
import { parseCsv, type ParsedFile } from "~/migration/rows";

// What both imports (reviews, engagement) read: a table of named columns, from a CSV file
// (app/migration's reader: papaparse, BOM, caps) or from the objects of a JSON request,
// whose keys are the same column names. Each export shape (a review app's, Klaviyo's) is a
// layout: per field, the column names that app uses; the layout whose own names the
// headers carry most of wins, else the generic one over every layout's names.

export type { ParsedFile };

/** A problem with one row: rows are numbered as a spreadsheet shows them (header = 1) or, for JSON, from 1. */
export interface RowIssue {
  row: number;
  field: string | null;
  kind: "error" | "unmatchedCustomer" | "unmatchedProduct";
  message: string;
}

export type Layout<F extends string> = Record<F, readonly string[]>;

export interface FormatSpec<F extends string, S extends string> {
  fields: readonly F[];
  layouts: Record<S, Layout<F>>;
  /** Headers only that shape uses. */
  signatures: Partial<Record<S, readonly string[]>>;
  generic: S;
}

export interface Detected<F extends string, S extends string> {
  format: S;
  /** Column index per field, or null when the file lacks it. */
  columns: Record<F, number | null>;
  evidence: string[];
}

const key = (h: string) => normaliseHeader(h).replace(/ /g, "");

export function detect<F extends string, S extends string>(
  spec: FormatSpec<F, S>,
  headers: readonly string[],
): Detected<F, S> {
  const present = new Set(headers.map(key));
  let best: { format: S; evidence: string[] } = { format: spec.generic, evidence: [] };
  for (const [format, names] of Object.entries(spec.signatures) as [S, readonly string[]][]) {
    const evidence = [...new Set(names.filter((n) => present.has(key(n))))];
    if (evidence.length > best.evidence.length) best = { format, evidence };
  }
  // The shape's own names first, then any shape's for a field it left unmapped.
  const all = merged(spec);
  const own = spec.layouts[best.format];
  const layout = Object.fromEntries(
    spec.fields.map((f) => [f, [...own[f], ...all[f]]]),
  ) as unknown as Layout<F>;
  return { ...best, columns: columnsFor(spec.fields, layout, headers) };
}

function merged<F extends string, S extends string>(spec: FormatSpec<F, S>): Layout<F> {
  const out = Object.fromEntries(spec.fields.map((f) => [f, [] as string[]])) as Record<F, string[]>;
  const order = [spec.generic, ...(Object.keys(spec.layouts) as S[]).filter((s) => s !== spec.generic)];
  for (const s of order) for (const f of spec.fields) out[f].push(...spec.layouts[s][f]);
  return out;
}

function columnsFor<F extends string>(
  fields: readonly F[],
  layout: Layout<F>,
  headers: readonly string[],
): Record<F, number | null> {
  const at = new Map<string, number>();
  headers.forEach((h, i) => {
    if (!at.has(key(h))) at.set(key(h), i);
  });
  const taken = new Set<number>();
  const columns = Object.fromEntries(fields.map((f) => [f, null])) as Record<F, number | null>;
  for (const field of fields)
    for (const name of layout[field]) {
      const i = at.get(key(name));
      if (i !== undefined && !taken.has(i)) {
        columns[field] = i;
        taken.add(i);
        break;
      }
    }
  return columns;
}

/** A CSV file as a table; an error message when it cannot be read. */
export function tableFromCsv(text: string): ParsedFile | { error: string } {
  const parsed = parseCsv(text);
  if ("error" in parsed) return { error: parsed.error.replace("customer rows", "data rows") };
  return parsed;
}

/**
 * The objects of a JSON request as a table: the union of their keys (nested objects by
 * dotted path, as Klaviyo's `attributes.datetime`), row n being the n-th object.
 */
export function tableFromObjects(items: readonly unknown[]): ParsedFile | { error: string } {
  const headers: string[] = [];
  const index = new Map<string, number>();
  const flat: Map<string, string>[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item))
      return { error: `Item ${i + 1} is not an object.` };
    const cells = new Map<string, string>();
    flatten(item as Record<string, unknown>, "", cells);
    for (const k of cells.keys())
      if (!index.has(k)) {
        index.set(k, headers.length);
        headers.push(k);
      }
    flat.push(cells);
  }
  return {
    headers,
    rows: flat.map((cells, i) => ({ line: i + 1, cells: headers.map((h) => cells.get(h) ?? "") })),
  };
}

function flatten(value: Record<string, unknown>, prefix: string, out: Map<string, string>, depth = 0) {
  for (const [k, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) out.set(name, "");
    else if (typeof v === "object" && !Array.isArray(v) && depth < 3)
      flatten(v as Record<string, unknown>, name, out, depth + 1);
    else out.set(name, typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));
  }
}

/** A cell of the row by field, trimmed ("" when the file lacks the column). */
export function cellReader<F extends string>(columns: Record<F, number | null>, cells: readonly string[]) {
  return (field: F) => {
    const i = columns[field];
    return i === null ? "" : (cells[i] ?? "").trim();
  };
}

const UNIX_SECONDS = /^\d{9,10}(\.\d+)?$/;
const UNIX_MS = /^\d{12,13}$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?( ?(Z|UTC|[+-]\d{2}:?\d{2}))?$/i;

/**
 * A date as the exports write it: ISO 8601 (a date, or date and time with or without a
 * zone; none means UTC), "2024-03-05 14:02:11 UTC", US "3/5/2024 14:02", or Unix seconds
 * or milliseconds (Klaviyo's `timestamp`). Null when it is none of them.
 */
export function parseDate(text: string): Date | null {
  const t = text.trim();
  if (!t) return null;
  if (UNIX_SECONDS.test(t)) return new Date(Number(t) * 1000);
  if (UNIX_MS.test(t)) return new Date(Number(t));
  const us = US_DATE.exec(t);
  if (us) {
    const [, m, d, y, hh = "0", mm = "0", ss = "0"] = us;
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh), Number(mm), Number(ss)));
    return date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(m) - 1 ? date : null;
  }
  if (!ISO_LIKE.test(t)) return null;
  let iso = t
    .replace(" ", "T")
    .replace(/ ?UTC$/i, "Z")
    .replace(/ ([+-])/, "$1");
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += "T00:00:00Z";
  else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += "Z";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  // Date accepts 2024-02-30 as March 1st; the export meant something else.
  return date.toISOString().slice(0, 10) === iso.slice(0, 10) || /[+-]\d{2}:?\d{2}$/.test(iso) ? date : null;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A Shopify numeric id, alone or in a GID ("gid://shopify/Product/123"). */
export function shopifyIdOf(text: string): bigint | null {
  const m = /^(?:gid:\/\/shopify\/\w+\/)?(\d{1,19})$/.exec(text.trim());
  if (!m) return null;
  const id = BigInt(m[1]!);
  return id > 0n && id < 2n ** 63n ? id : null;
}
