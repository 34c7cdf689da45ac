import type { PrismaClient } from "~/db.server";
import type { DataImport } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { MAX_FILE_BYTES } from "~/migration/rows";
import { ENGAGEMENT_FORMAT_NAMES, readEngagement, type EngagementFormat } from "./engagement";
import { readReviews, REVIEW_FORMAT_NAMES, type ReviewFormat } from "./reviews";
import { beginImport, failImport, finishImport, storeEngagement, storeReviews } from "./store.server";
import { tableFromCsv, tableFromObjects, type ParsedFile, type RowIssue } from "./table";

// The two ways rows arrive: a CSV the merchant uploads in the admin (previewed, then
// imported inline when small, by the worker with progress when large), and the signed
// JSON endpoint (endpoint.server.ts, imported within the request). Both read the same
// shapes and store through store.server.ts. Rows with errors are reported and skipped;
// the rest are stored.

export type ImportKind = "reviews" | "engagement";
/** A CSV up to this many rows is imported within the request; a larger one by the worker. */
export const INLINE_ROWS = 2_000;
const PREVIEW_ROWS = 10;
const PREVIEW_ISSUES = 200;

function read(kind: ImportKind, table: ParsedFile) {
  if (kind === "reviews") {
    const r = readReviews(table);
    return {
      format: r.detected.format,
      formatName: REVIEW_FORMAT_NAMES[r.detected.format],
      evidence: r.detected.evidence,
      rows: r.rows,
      issues: r.issues,
    } as const;
  }
  const e = readEngagement(table);
  return {
    format: e.detected.format,
    formatName: ENGAGEMENT_FORMAT_NAMES[e.detected.format],
    evidence: e.detected.evidence,
    rows: e.rows,
    issues: e.issues,
  } as const;
}

type Fail = { ok: false; status: number; error: string };
const fail = (status: number, error: string): Fail => ({ ok: false, status, error });

function readFile(fileName: string, text: string): ParsedFile | Fail {
  if (!/\.(csv|txt)$/i.test(fileName)) return fail(422, "Upload the export as a .csv file.");
  if (Buffer.byteLength(text) > MAX_FILE_BYTES)
    return fail(
      413,
      `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it into smaller files.`,
    );
  if (text.includes("\u0000")) return fail(422, "The file is not text: export it as CSV.");
  const table = tableFromCsv(text);
  return "error" in table ? fail(422, table.error) : table;
}

/** What the page shows before anything is written: the shape recognised, the first rows as read, the bad rows. */
export function previewCsv(kind: ImportKind, fileName: string, text: string) {
  const table = readFile(fileName, text);
  if ("ok" in table) return table;
  const r = read(kind, table);
  const badRows = new Set(r.issues.map((i) => i.row)).size;
  return {
    ok: true as const,
    kind,
    fileName,
    format: r.format,
    formatName: r.formatName,
    evidence: r.evidence,
    total: table.rows.length,
    valid: r.rows.length,
    invalid: badRows,
    rows: r.rows
      .slice(0, PREVIEW_ROWS)
      .map(
        (row) =>
          JSON.parse(
            JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
          ) as Record<string, string | number | null>,
      ),
    issues: r.issues.slice(0, PREVIEW_ISSUES),
  };
}
export type CsvPreview = Extract<ReturnType<typeof previewCsv>, { ok: true }>;

/** Starts an import of an uploaded CSV: 422 when no row can be imported; inline when small, else queued. */
export async function startCsvImport(
  db: PrismaClient,
  shop: string,
  kind: ImportKind,
  fileName: string,
  text: string,
): Promise<{ ok: true; status: number; import: DataImport } | Fail> {
  const table = readFile(fileName, text);
  if ("ok" in table) return table;
  const r = read(kind, table);
  if (r.rows.length === 0) return fail(422, "No row can be imported: every row has an error.");
  const imp = await beginImport(db, shop, {
    kind,
    source: "csv",
    format: r.format,
    rows: table.rows.length,
    issues: r.issues,
    fileName: fileName.slice(0, 200),
    content: text,
  });
  if (r.rows.length <= INLINE_ROWS) return { ok: true, status: 201, import: await runDataImport(db, imp.id) };
  try {
    await enqueue(
      QUEUE.backfill,
      "run-data-import",
      { importId: imp.id },
      { jobId: `data-import-${imp.id}` },
    );
  } catch {
    await failImport(db, imp.id, "The import could not be queued; upload the file again.");
    return fail(503, "The import could not be queued right now. Try again in a minute.");
  }
  return { ok: true, status: 202, import: imp };
}

/**
 * The import of an uploaded file (inline or in the worker's run-data-import job). A retry
 * resumes: the rows a committed chunk handled (rowsDone) are not handled again.
 */
export async function runDataImport(db: PrismaClient, importId: string): Promise<DataImport> {
  const imp = await db.dataImport.findUniqueOrThrow({ where: { id: importId } });
  if (imp.status !== "running" || imp.content === null) return imp;
  try {
    const table = tableFromCsv(imp.content);
    if ("error" in table) throw new Error(table.error);
    const r = read(imp.kind, table);
    const todo = r.rows.slice(imp.rowsDone);
    if (imp.kind === "reviews")
      await storeReviews(db, imp, imp.format ?? "generic", todo as ReturnType<typeof readReviews>["rows"]);
    else
      await storeEngagement(
        db,
        imp,
        imp.format ?? "generic",
        todo as ReturnType<typeof readEngagement>["rows"],
      );
    return await finishImport(db, importId);
  } catch (error) {
    await failImport(db, importId, error);
    throw error;
  }
}

export interface ApiImportResult {
  importId: string;
  format: ReviewFormat | EngagementFormat;
  received: number;
  created: number;
  duplicates: number;
  rejected: number;
  unmatchedCustomers: number;
  unmatchedProducts: number;
  issues: RowIssue[];
}

/** The items of a signed request, stored under `source` (the sending app; the shape's name when not given). */
export async function importItems(
  db: PrismaClient,
  shop: string,
  kind: ImportKind,
  items: unknown[],
  source: string | null,
): Promise<ApiImportResult | Fail> {
  const table = tableFromObjects(items);
  if ("error" in table) return fail(400, table.error);
  const r = read(kind, table);
  const imp = await beginImport(db, shop, {
    kind,
    source: "api",
    format: r.format,
    rows: items.length,
    issues: r.issues,
  });
  try {
    if (kind === "reviews")
      await storeReviews(db, imp, source ?? r.format, r.rows as ReturnType<typeof readReviews>["rows"]);
    else
      await storeEngagement(db, imp, source ?? r.format, r.rows as ReturnType<typeof readEngagement>["rows"]);
  } catch (error) {
    await failImport(db, imp.id, error);
    throw error;
  }
  const done = await finishImport(db, imp.id);
  return {
    importId: done.id,
    format: r.format,
    received: done.rows,
    created: done.created,
    duplicates: done.duplicates,
    rejected: done.rejected,
    unmatchedCustomers: done.unmatchedCustomers,
    unmatchedProducts: done.unmatchedProducts,
    issues: (done.issues ?? []) as unknown as RowIssue[],
  };
}
