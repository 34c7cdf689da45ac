import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "~/db.server";
import type { MigrationImport } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import {
  checkMapping,
  detectFormat,
  FIELDS,
  mappingFor,
  SOURCE_NAMES,
  SOURCES,
  type ColumnMapping,
  type MigrationSource,
} from "./formats";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { loadLookups } from "./lookups.server";
import { planRows, type PlannedRow, type PlanTotals } from "./plan";
import { columnsOf, MAX_FILE_BYTES, parseCsv, readRows, type ParsedFile, type RowProblem } from "./rows";

// The migration page's steps over one MigrationImport row: upload (parse, detect the
// app, map the columns), preview and dry run (the plan over the whole file, nothing
// written), the merchant's mapping, and the start of the import (the worker runs it:
// run.server.ts). Bad input answers 4xx with a message and writes nothing.

export type Answer<T> = { status: number; body: T | { ok: false; error: string } };

const fail = (status: number, error: string) => ({ status, body: { ok: false as const, error } });

export interface StoredMapping {
  source: MigrationSource;
  columns: ColumnMapping;
  /** Headers that named the app (empty: detected by no app's own names). */
  evidence: string[];
}

export async function uploadMigration(
  db: PrismaClient,
  shop: string,
  input: { fileName: string; text: string; staffId: string | null },
): Promise<Answer<{ ok: true; id: string }>> {
  const fileName = input.fileName.trim().slice(0, 200) || "export.csv";
  if (!/\.(csv|txt)$/i.test(fileName)) return fail(422, "Upload the export as a .csv file.");
  if (Buffer.byteLength(input.text) > MAX_FILE_BYTES)
    return fail(
      413,
      `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it into smaller files.`,
    );
  if (input.text.includes("\u0000")) return fail(422, "The file is not text: export it as CSV.");
  const parsed = parseCsv(input.text);
  if ("error" in parsed) return fail(422, parsed.error);
  const detection = detectFormat(parsed.headers);
  const mapping: StoredMapping = {
    source: detection.source,
    columns: detection.mapping,
    evidence: detection.evidence,
  };
  const created = await db.migrationImport.create({
    data: {
      shop,
      source: detection.source,
      fileName,
      fileHash: createHash("sha256").update(input.text).digest("hex"),
      content: input.text,
      mapping: mapping as unknown as Prisma.InputJsonObject,
      rowsTotal: parsed.rows.length,
      createdBy: input.staffId,
    },
  });
  return { status: 201, body: { ok: true, id: created.id } };
}

/** The merchant's choice of app and columns; 422 when it cannot work, 409 once the import started. */
export async function saveMapping(
  db: PrismaClient,
  shop: string,
  id: string,
  form: Record<string, FormDataEntryValue>,
): Promise<Answer<{ ok: true }>> {
  const row = await db.migrationImport.findFirst({ where: { id, shop } });
  if (!row) return fail(404, "That import does not exist.");
  if (row.status !== "uploaded")
    return fail(409, "The import has started; its mapping can no longer change.");
  const source = String(form.source ?? "");
  if (!(SOURCES as readonly string[]).includes(source))
    return fail(422, "Choose the app the file comes from.");
  const file = parseCsv(row.content ?? "") as ParsedFile;
  const changedSource = source !== row.source;
  const columns = changedSource ? mappingFor(source as MigrationSource, file.headers) : ({} as ColumnMapping);
  if (!changedSource)
    for (const field of FIELDS) {
      const value = String(form[`column.${field}`] ?? "");
      if (value !== "" && !/^\d+$/.test(value))
        return fail(422, "The mapping names a column the file does not have.");
      columns[field] = value === "" ? null : Number(value);
    }
  const problem = checkMapping(columns, file.headers.length);
  if (problem && !changedSource) return fail(422, problem);
  const stored = storedMapping(row);
  const mapping: StoredMapping = { source: source as MigrationSource, columns, evidence: stored.evidence };
  await db.migrationImport.update({
    where: { id },
    data: { source, mapping: mapping as unknown as Prisma.InputJsonObject },
  });
  return { status: 200, body: { ok: true } };
}

export const storedMapping = (row: Pick<MigrationImport, "mapping">) =>
  row.mapping as unknown as StoredMapping;

export interface MigrationPlan {
  file: ParsedFile;
  planned: PlannedRow[];
  problems: RowProblem[];
  totals: PlanTotals;
}

/** The plan over the whole file as the shop stands now: the preview and the dry run (writes nothing). */
export async function planImport(
  db: PrismaClient,
  row: MigrationImport,
): Promise<MigrationPlan | { error: string }> {
  const file = parseCsv(row.content ?? "");
  if ("error" in file) return { error: file.error };
  const { source, columns } = storedMapping(row);
  const problem = checkMapping(columns, file.headers.length);
  if (problem) return { error: problem };
  const read = readRows(file, columns);
  const lookups = await loadLookups(db, row.shop, source, read.rows);
  return { file, ...planRows(read.rows, read.problems, lookups) };
}

const PREVIEW_ROWS = 10;
const PREVIEW_PROBLEMS = 200;

/** What the page shows for one import: the detected app, the mapping, the plan's rows, errors and totals. */
export async function previewMigration(db: PrismaClient, shop: string, id: string) {
  const row = await db.migrationImport.findFirst({ where: { id, shop } });
  if (!row) return null;
  const mapping = storedMapping(row);
  const base = {
    id: row.id,
    fileName: row.fileName,
    status: row.status,
    source: mapping.source,
    sourceName: SOURCE_NAMES[mapping.source],
    evidence: mapping.evidence,
    mapping: mapping.columns,
    progress: {
      total: row.rowsTotal,
      done: row.rowsDone,
      imported: row.rowsImported,
      skipped: row.rowsSkipped,
    },
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
  if (!row.content)
    return { ...base, columns: [], rows: [], problems: [], problemCount: 0, totals: null, planError: null };
  const plan = await planImport(db, row);
  const file = parseCsv(row.content);
  const columns = "error" in file ? [] : columnsOf(file);
  if ("error" in plan)
    return { ...base, columns, rows: [], problems: [], problemCount: 0, totals: null, planError: plan.error };
  const { program } = await currentProgramVersion(db, shop);
  const tierName = new Map(program.tiers.levels.map((l) => [l.id, l.name]));
  return {
    ...base,
    columns,
    rows: plan.planned.slice(0, PREVIEW_ROWS).map((p) => ({
      line: p.line,
      email: p.email,
      targetBalance: p.targetBalance,
      delta: p.delta,
      lifetimePoints: p.lifetimePoints,
      tierId: p.tierId,
      tierName: p.tierId ? (tierName.get(p.tierId) ?? p.tierId) : null,
      referralCode: p.referralCode,
      alreadyImported: p.alreadyImported,
    })),
    problems: plan.problems.slice(0, PREVIEW_PROBLEMS),
    problemCount: plan.problems.length,
    totals: plan.totals,
    planError: null,
  };
}

export type MigrationPreview = NonNullable<Awaited<ReturnType<typeof previewMigration>>>;

/** Queues the import (the worker runs it; job id = import id). 409 once started, 422 when nothing can be imported. */
export async function startMigration(
  db: PrismaClient,
  shop: string,
  id: string,
): Promise<Answer<{ ok: true }>> {
  const row = await db.migrationImport.findFirst({ where: { id, shop } });
  if (!row) return fail(404, "That import does not exist.");
  if (row.status === "queued" || row.status === "running" || row.status === "completed")
    return fail(409, "This file is already being imported or was imported.");
  const plan = await planImport(db, row);
  if ("error" in plan) return fail(422, plan.error);
  if (plan.totals.toImport === 0)
    return fail(422, "No row can be imported: every row has an error or was imported before.");
  const { count } = await db.migrationImport.updateMany({
    where: { id, status: row.status },
    data: { status: "queued", error: null },
  });
  if (count !== 1) return fail(409, "The import was started meanwhile.");
  try {
    await enqueue(QUEUE.backfill, "run-migration", { importId: id }, { jobId: `migration-${id}` });
  } catch {
    await db.migrationImport.update({ where: { id }, data: { status: row.status } });
    return fail(503, "The import could not be queued right now. Try again in a minute.");
  }
  return { status: 202, body: { ok: true } };
}

export async function latestMigrations(db: PrismaClient, shop: string) {
  return db.migrationImport.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { id: true, fileName: true, source: true, status: true, rowsImported: true, createdAt: true },
  });
}
