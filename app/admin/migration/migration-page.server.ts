import type { PrismaClient } from "~/db.server";
import { unreadableForm } from "~/admin/form-answers";
import {
  latestMigrations,
  planImport,
  previewMigration,
  saveMapping,
  startMigration,
  uploadMigration,
} from "~/migration/import.server";
import { FIELD_LABELS, FIELDS, SOURCE_NAMES, SOURCES } from "~/migration/formats";

// The migration page's loader and action: which import to show (the one asked for, else
// the latest), and the four steps it posts (upload, mapping, dry run, import).

export async function loadMigrationPage(db: PrismaClient, shop: string, url: URL) {
  const recent = await latestMigrations(db, shop);
  const id = url.searchParams.get("import") ?? recent[0]?.id ?? null;
  const preview = id && /^[0-9a-f-]{36}$/i.test(id) ? await previewMigration(db, shop, id) : null;
  return {
    preview,
    recent: recent.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    sources: SOURCES.map((s) => ({ value: s, label: SOURCE_NAMES[s] })),
    fields: FIELDS.map((f) => ({ field: f, label: FIELD_LABELS[f] })),
  };
}

export type MigrationActionResult =
  | { ok: true; intent: "upload"; id: string }
  | { ok: true; intent: "mapping" | "start" }
  | {
      ok: true;
      intent: "dryRun";
      totals: NonNullable<Awaited<ReturnType<typeof previewMigration>>>["totals"];
    }
  | { ok: false; error: string };

export async function migrationAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
  staffId: string | null,
): Promise<{ status: number; body: MigrationActionResult }> {
  const intent = form.get("intent");
  const id = String(form.get("id") ?? "");
  if (intent === "upload") {
    const file = form.get("file");
    if (!(file instanceof File))
      return { status: 400, body: { ok: false, error: "Choose a CSV file to upload." } };
    const answer = await uploadMigration(db, shop, { fileName: file.name, text: await file.text(), staffId });
    if (!answer.body.ok) return { status: answer.status, body: answer.body };
    return { status: answer.status, body: { ok: true, intent: "upload", id: answer.body.id } };
  }
  if (!/^[0-9a-f-]{36}$/i.test(id)) {
    const bad = unreadableForm();
    return { status: bad.status, body: { ok: false, error: bad.message } };
  }
  if (intent === "mapping") {
    const answer = await saveMapping(db, shop, id, Object.fromEntries(form));
    return answer.body.ok
      ? { status: 200, body: { ok: true, intent: "mapping" } }
      : { status: answer.status, body: answer.body };
  }
  if (intent === "dryRun") {
    const row = await db.migrationImport.findFirst({ where: { id, shop } });
    if (!row) return { status: 404, body: { ok: false, error: "That import does not exist." } };
    if (!row.content) return { status: 409, body: { ok: false, error: "This import has finished." } };
    const plan = await planImport(db, row);
    if ("error" in plan) return { status: 422, body: { ok: false, error: plan.error } };
    return { status: 200, body: { ok: true, intent: "dryRun", totals: plan.totals } };
  }
  if (intent === "start") {
    const answer = await startMigration(db, shop, id);
    return answer.body.ok
      ? { status: answer.status, body: { ok: true, intent: "start" } }
      : { status: answer.status, body: answer.body };
  }
  const bad = unreadableForm();
  return { status: bad.status, body: { ok: false, error: bad.message } };
}
