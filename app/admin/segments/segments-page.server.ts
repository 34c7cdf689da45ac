import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { unreadableForm } from "~/admin/form-answers";
import { formatDateTime } from "~/admin/components/time";
import { audienceFields } from "~/intelligence/segments/audience";
import { latestSegments } from "~/intelligence/segments/compute.server";
import { requestSegmentRun } from "~/intelligence/segments/jobs.server";
import {
  createSavedSegment,
  deleteSavedSegment,
  listSavedSegments,
  updateSavedSegment,
} from "~/intelligence/segments/saved.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { formatComputedAt, personaChoices, segmentRows } from "./present";

// The Insights › Segments page: the latest computed segments and clusters, the run in
// progress (or failed) since then, the builder and the saved segments with their live
// counts. Its actions queue a recomputation and create, change or delete a saved segment.

export async function loadSegmentsPage(db: PrismaClient, shop: string) {
  const [latest, shopRow, { program }, saved] = await Promise.all([
    latestSegments(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true, currencyCode: true } }),
    currentProgramVersion(db, shop),
    listSavedSegments(db, shop),
  ]);
  const summary = latest.summary;
  const timeZone = shopRow?.ianaTimezone ?? null;
  const currency = shopRow?.currencyCode ?? "USD";
  return {
    computedAt: formatComputedAt(latest.computedAt, timeZone),
    pending: latest.pending,
    summary,
    rows: summary && !summary.notEnoughData ? segmentRows(summary) : [],
    currency,
    // The builder's tier condition lists the live program's tiers, its persona condition the latest run's.
    tiers: program.tiers.levels.map((l) => ({ id: l.id, name: l.name })),
    personas: summary ? personaChoices(summary) : [],
    saved: saved.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      fields: s.conditions ? audienceFields(s.conditions, currency) : null,
      matching: s.matching,
      total: s.total,
      updatedAt: formatDateTime(s.updatedAt, timeZone),
    })),
  };
}

export type PageAnswer =
  | { ok: true; runId?: string; segmentId?: string; message: string }
  | { ok: false; status: 400 | 404 | 409 | 422 | 503; message: string; fieldErrors: Record<string, string> };

const segmentFields = {
  name: z.string().max(1_000),
  description: z.string().max(5_000).default(""),
  conditions: z.string().max(20_000),
};
const pageForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("recompute") }),
  z.object({ intent: z.literal("create-segment"), ...segmentFields }),
]);
const segmentForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update"), ...segmentFields }),
  z.object({ intent: z.literal("delete") }),
]);

/** The page's own action: Recompute, or Save as segment. */
export async function segmentsPageAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
  staffId: string | null,
): Promise<PageAnswer> {
  const parsed = pageForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return unreadableForm();
  if (parsed.data.intent === "create-segment") {
    const created = await createSavedSegment(db, shop, parsed.data, staffId);
    return created.ok ? { ok: true, segmentId: created.value.id, message: "Segment saved" } : created;
  }
  try {
    return { ok: true, runId: await requestSegmentRun(db, shop), message: "Recomputing segments" };
  } catch {
    return {
      ok: false,
      status: 503,
      message: "The job queue is unavailable; try again shortly.",
      fieldErrors: {},
    };
  }
}

/** One saved segment's action (/app/insights/segments/:segmentId): save changes, or delete. */
export async function savedSegmentAction(
  db: PrismaClient,
  shop: string,
  segmentId: string,
  form: FormData,
  staffId: string | null,
): Promise<PageAnswer> {
  const parsed = segmentForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return unreadableForm();
  if (parsed.data.intent === "delete") {
    const deleted = await deleteSavedSegment(db, shop, segmentId);
    return deleted.ok ? { ok: true, segmentId, message: "Segment deleted" } : deleted;
  }
  const updated = await updateSavedSegment(db, shop, segmentId, parsed.data, staffId);
  return updated.ok ? { ok: true, segmentId, message: "Segment updated" } : updated;
}
