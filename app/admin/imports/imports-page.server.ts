import type { PrismaClient } from "~/db.server";
import { unreadableForm } from "~/admin/form-answers";
import { env } from "~/env.server";
import {
  previewCsv,
  startCsvImport,
  type CsvPreview,
  type ImportKind,
} from "~/ingest/imports/imports.server";
import { ENGAGEMENT_FORMAT_NAMES } from "~/ingest/imports/engagement";
import { REVIEW_FORMAT_NAMES } from "~/ingest/imports/reviews";
import {
  importSecretStatus,
  rotateImportSecret,
  SHOP_HEADER,
  SIGNATURE_HEADER,
} from "~/ingest/imports/secret.server";
import type { RowIssue } from "~/ingest/imports/table";

// The reviews and engagement page: upload a CSV, look at what was read (the shape, the
// first rows, the bad rows) before anything is written, import it, follow the imports;
// and the signed endpoint's addresses with the shop's secret (shown once, at creation).

const FORMAT_NAMES: Record<ImportKind, Record<string, string>> = {
  reviews: REVIEW_FORMAT_NAMES,
  engagement: ENGAGEMENT_FORMAT_NAMES,
};
const kindOf = (value: unknown): ImportKind | null =>
  value === "reviews" || value === "engagement" ? value : null;

export async function loadImportsPage(db: PrismaClient, shop: string, url: URL) {
  const kind = kindOf(url.searchParams.get("kind")) ?? "reviews";
  const [imports, secret, shopRow, totals] = await Promise.all([
    db.dataImport.findMany({
      where: { shop, kind },
      orderBy: { createdAt: "desc" },
      take: 20,
      omit: { content: true },
    }),
    importSecretStatus(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    kind === "reviews"
      ? db.productReview.count({ where: { shop } })
      : db.engagementEvent.count({ where: { shop } }),
  ]);
  const selectedId = url.searchParams.get("import");
  const selected =
    imports.find((i) => i.id === selectedId) ??
    imports.find((i) => (i.issues as unknown[] | null)?.length) ??
    null;
  const appUrl = env().SHOPIFY_APP_URL;
  return {
    kind,
    timeZone: shopRow?.ianaTimezone ?? null,
    stored: totals,
    imports: imports.map((i) => ({
      id: i.id,
      source: i.source,
      format: i.format ? (FORMAT_NAMES[kind][i.format] ?? i.format) : null,
      fileName: i.fileName,
      status: i.status,
      rows: i.rows,
      rowsDone: i.rowsDone,
      created: i.created,
      duplicates: i.duplicates,
      rejected: i.rejected,
      unmatchedCustomers: i.unmatchedCustomers,
      unmatchedProducts: i.unmatchedProducts,
      issueCount: Array.isArray(i.issues) ? i.issues.length : 0,
      error: i.error,
      createdAt: i.createdAt.toISOString(),
    })),
    selected: selected
      ? {
          id: selected.id,
          fileName: selected.fileName,
          issues: (selected.issues ?? []) as unknown as RowIssue[],
        }
      : null,
    endpoint: {
      reviewsUrl: `${appUrl}/api/v1/imports/reviews`,
      engagementUrl: `${appUrl}/api/v1/imports/engagement`,
      shop,
      shopHeader: SHOP_HEADER,
      signatureHeader: SIGNATURE_HEADER,
      secret,
    },
  };
}

export type ImportsActionResult =
  | { ok: true; intent: "preview"; preview: CsvPreview }
  | { ok: true; intent: "import"; importId: string; queued: boolean }
  | { ok: true; intent: "rotate-secret"; secret: string; fingerprint: string }
  | { ok: false; error: string };

export async function importsAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
): Promise<{ status: number; body: ImportsActionResult }> {
  const intent = form.get("intent");
  if (intent === "rotate-secret") {
    const created = await rotateImportSecret(db, shop);
    return {
      status: 201,
      body: { ok: true, intent, secret: created.secret, fingerprint: created.fingerprint },
    };
  }
  const kind = kindOf(form.get("kind"));
  if ((intent === "preview" || intent === "import") && kind) {
    const file = form.get("file");
    if (!(file instanceof File))
      return { status: 400, body: { ok: false, error: "Choose a CSV file to upload." } };
    const text = await file.text();
    if (intent === "preview") {
      const preview = previewCsv(kind, file.name, text);
      return preview.ok
        ? { status: 200, body: { ok: true, intent, preview } }
        : { status: preview.status, body: { ok: false, error: preview.error } };
    }
    const started = await startCsvImport(db, shop, kind, file.name, text);
    return started.ok
      ? {
          status: started.status,
          body: { ok: true, intent, importId: started.import.id, queued: started.status === 202 },
        }
      : { status: started.status, body: { ok: false, error: started.error } };
  }
  const bad = unreadableForm();
  return { status: bad.status, body: { ok: false, error: bad.message } };
}
