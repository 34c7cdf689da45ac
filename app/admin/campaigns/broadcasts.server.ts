import type { PrismaClient } from "~/db.server";
import { formatDateTime } from "~/admin/components/time";
import { personaChoices } from "~/admin/segments/present";
import { cancelBroadcast, countBroadcastAudience, createBroadcast } from "~/campaigns/broadcasts.server";
import { enqueueBroadcastRun } from "~/campaigns/jobs.server";
import { parseAudience } from "~/intelligence/segments/audience";
import { latestSegments } from "~/intelligence/segments/compute.server";
import { QUEUE } from "~/jobs/definitions";
import { queue } from "~/jobs/queue.server";
import { logger } from "~/logger.server";

// The broadcasts part of Admin › Campaigns: the shop's broadcasts with their status and
// progress (times in the shop's zone), the choices the audience step offers (saved segments,
// the builder's tiers and personas), and the actions: count an audience, create a broadcast
// (enqueued for its time; the per-minute sweep enqueues it again if this fails), cancel one.

export async function loadBroadcasts(db: PrismaClient, shop: string, timeZone: string) {
  const [runs, segments, latest] = await Promise.all([
    db.broadcastRun.findMany({
      where: { shop },
      orderBy: { createdAt: "desc" },
      take: 20,
      include: { campaign: { select: { name: true, subject: true } } },
    }),
    db.savedSegment.findMany({ where: { shop }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    latestSegments(db, shop),
  ]);
  const counts = await db.campaignSend.groupBy({
    by: ["campaignId", "status"],
    where: { shop, campaignId: { in: runs.map((r) => r.campaignId) } },
    _count: { _all: true },
  });
  const countOf = (campaignId: string, status: string) =>
    counts.find((c) => c.campaignId === campaignId && c.status === status)?._count._all ?? 0;
  return {
    savedSegments: segments,
    personas: latest.summary ? personaChoices(latest.summary) : [],
    broadcasts: runs.map((r) => ({
      id: r.id,
      name: r.campaign.name,
      subject: r.campaign.subject,
      status: r.status,
      sendAt: formatDateTime(r.sendAt, timeZone),
      audienceCount: r.audienceCount,
      queuedCount: r.queuedCount,
      sent: countOf(r.campaignId, "sent"),
      suppressed: countOf(r.campaignId, "suppressed"),
      failed: countOf(r.campaignId, "failed"),
      waiting: countOf(r.campaignId, "queued"),
      error: r.error,
    })),
  };
}

export type BroadcastAnswer =
  | { ok: true; count: number }
  | { ok: true; scheduled: string }
  | { ok: true; cancelled: true }
  | { ok: false; error: string; fieldErrors: Record<string, string> };

type Answer = { status: number; body: BroadcastAnswer };

export type BroadcastDeps = { enqueue?: (runId: string, sendAt: Date) => Promise<void> };

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

/** The audience as the form sends it: a saved segment's id, or the builder's query string. */
function audienceOf(form: FormData, currency: string) {
  if (text(form, "audienceKind") === "segment")
    return { ok: true as const, audience: { kind: "segment" as const, segmentId: text(form, "segmentId") } };
  const parsed = parseAudience(new URLSearchParams(text(form, "conditions")), currency);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path.join(".")] ??= issue.message;
    return { ok: false as const, fieldErrors };
  }
  return { ok: true as const, audience: { kind: "conditions" as const, conditions: parsed.data } };
}

export async function broadcastsAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
  deps: BroadcastDeps = {},
): Promise<Answer | null> {
  const intent = form.get("intent");
  if (intent !== "count-broadcast" && intent !== "create-broadcast" && intent !== "cancel-broadcast")
    return null;
  if (intent === "cancel-broadcast") {
    const answer = await cancelBroadcast(db, shop, text(form, "runId"));
    if (answer.ok) return { status: 200, body: { ok: true, cancelled: true } };
    return { status: answer.status, body: { ok: false, error: answer.message, fieldErrors: {} } };
  }
  const shopRow = await db.shop.findUnique({
    where: { domain: shop },
    select: { currencyCode: true, ianaTimezone: true },
  });
  const audience = audienceOf(form, shopRow?.currencyCode ?? "USD");
  if (!audience.ok)
    return {
      status: 422,
      body: { ok: false, error: "Check the audience.", fieldErrors: audience.fieldErrors },
    };
  if (intent === "count-broadcast") {
    const counted = await countBroadcastAudience(db, shop, audience.audience);
    if (counted.ok) return { status: 200, body: { ok: true, count: counted.count } };
    return { status: 422, body: { ok: false, error: counted.message, fieldErrors: counted.fieldErrors } };
  }
  const confirmed = text(form, "confirmedCount");
  const created = await createBroadcast(db, shop, {
    campaign: {
      name: text(form, "name"),
      subject: text(form, "subject"),
      body: text(form, "body"),
      quietStartHour: hourOf(text(form, "quietStartHour")),
      quietEndHour: hourOf(text(form, "quietEndHour")),
    },
    broadcast: {
      audience: audience.audience,
      schedule:
        text(form, "when") === "later"
          ? { kind: "at", date: text(form, "date"), time: text(form, "time") }
          : { kind: "now" },
      confirmedCount: /^\d+$/.test(confirmed) ? Number(confirmed) : undefined,
    },
  });
  if (!created.ok)
    return { status: 422, body: { ok: false, error: created.message, fieldErrors: created.fieldErrors } };
  const enqueue =
    deps.enqueue ??
    ((runId: string, sendAt: Date) => enqueueBroadcastRun(queue(QUEUE.campaigns), runId, sendAt));
  try {
    await enqueue(created.runId, created.sendAt);
  } catch (err) {
    // The broadcast is saved; the per-minute sweep enqueues due runs without a job.
    logger().warn({ err, shop, runId: created.runId }, "Could not enqueue a broadcast run; the sweep will");
  }
  return {
    status: 200,
    body: { ok: true, scheduled: formatDateTime(created.sendAt, shopRow?.ianaTimezone ?? "UTC") },
  };
}

/** An hour field: empty is null, else a whole number (anything else NaN, which the schema refuses). */
const hourOf = (value: string) =>
  value.trim() === "" ? null : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
