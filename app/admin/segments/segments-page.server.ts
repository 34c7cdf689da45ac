import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { unreadableForm } from "~/admin/form-answers";
import { latestSegments } from "~/intelligence/segments/compute.server";
import { requestSegmentRun } from "~/intelligence/segments/jobs.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { formatComputedAt, segmentRows } from "./present";

// The Insights › Segments page: the latest computed segments and clusters, and the run in
// progress (or failed) since then; its one action queues a recomputation.

export async function loadSegmentsPage(db: PrismaClient, shop: string) {
  const [latest, shopRow, { program }] = await Promise.all([
    latestSegments(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    currentProgramVersion(db, shop),
  ]);
  const summary = latest.summary;
  return {
    computedAt: formatComputedAt(latest.computedAt, shopRow?.ianaTimezone ?? null),
    pending: latest.pending,
    summary,
    rows: summary && !summary.notEnoughData ? segmentRows(summary) : [],
    // The builder's tier condition lists the live program's tiers.
    tiers: program.tiers.levels.map((l) => ({ id: l.id, name: l.name })),
  };
}

const recomputeForm = z.object({ intent: z.literal("recompute") });

export type RecomputeAnswer =
  | { ok: true; runId: string }
  | { ok: false; status: 400 | 503; message: string; fieldErrors: Record<string, string> };

export async function recomputeFromForm(
  db: PrismaClient,
  shop: string,
  form: FormData,
): Promise<RecomputeAnswer> {
  if (!recomputeForm.safeParse(Object.fromEntries(form)).success) return unreadableForm();
  try {
    return { ok: true, runId: await requestSegmentRun(db, shop) };
  } catch {
    return {
      ok: false,
      status: 503,
      message: "The job queue is unavailable; try again shortly.",
      fieldErrors: {},
    };
  }
}
