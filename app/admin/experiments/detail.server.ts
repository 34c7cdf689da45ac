import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { staffLabel } from "~/admin/components/staff";
import { staffNames } from "~/shopify/staff.server";
import { qualifiedKey } from "~/experiments/assignment";
import { getExperiment, type Outcome } from "~/experiments/experiments.server";
import {
  experimentAggregate,
  REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS,
  requestAggregateRefresh,
} from "~/experiments/aggregates.server";
import { grantHoldoutPoints } from "~/experiments/holdout.server";
import { simulatedStoreNotice } from "~/experiments/simulated";
import {
  launchExperiment,
  pauseExperiment,
  revertShip,
  shipExperiment,
  stopExperiment,
} from "~/experiments/lifecycle.server";
import { sampleRatioMismatch } from "~/experiments/stats/srm";
import { formatDateTime } from "~/admin/components/time";
import { shopContext } from "./context.server";
import { daysRunning, exposureRule, leverLabel, metricLabel } from "./present";
import { loadReport } from "./report.server";
import { describeOverride } from "./describe";
import { unreadableForm } from "../form-answers";
import { presentFreshness } from "./freshness";
import { loadAutoApply } from "./auto-apply.server";
import { programAtVersion } from "~/loyalty/services/program.server";

// One experiment's page: its definition, lifecycle state, exposure per variant with the
// sample-ratio check, and the report; and its lifecycle actions, each conditional on the
// status it expects (the domain's services answer 409 from the wrong status, ok on a repeat).

export async function loadExperimentDetail(db: PrismaClient, shop: string, id: string, now: Date) {
  const e = await getExperiment(db, shop, id);
  if (!e) return null;
  // Exposure per variant as of the stored aggregate the report reads (aggregates.server.ts):
  // counting a million exposures live would cost the page more than its whole budget, and
  // the sample-ratio check then reads the same members as the report. A draft has none.
  const [context, stored, audit, shadow] = await Promise.all([
    shopContext(db, shop),
    e.status === "draft" ? null : experimentAggregate(db, shop, e, now),
    db.experimentAudit.findMany({ where: { shop, experimentId: e.id }, orderBy: { at: "desc" }, take: 20 }),
    db.holdoutShadowEntry.aggregate({
      where: { shop, experimentId: e.id },
      _sum: { points: true },
      _count: { customerId: true },
    }),
  ]);
  // Exposures name the variant as entries do: "<experiment key>:<variant key>".
  const exposures = new Map<string, number>();
  for (const r of stored?.rows ?? []) exposures.set(r.variant, (exposures.get(r.variant) ?? 0) + (r.n ?? 0));
  const countOf = (key: string) => exposures.get(qualifiedKey(e.key, key)) ?? 0;
  const exposed = e.variants.reduce((sum, v) => sum + countOf(v.key), 0);
  const report = await loadReport(db, shop, e, exposed, now, context);
  // A bandit's arms are checked against the shares its allocations gave them, not the stored weights.
  const bandit = report.available ? report.bandit : null;
  const weightOf = (v: { key: string; weight: number }) =>
    bandit ? (bandit.expectedShares[v.key] ?? 0) * 100 : v.weight;
  const srm = sampleRatioMismatch(
    e.variants.map((v) => countOf(v.key)),
    e.variants.map(weightOf),
  );
  const when = (d: Date | null) => (d ? formatDateTime(d.toISOString(), context.timeZone) : null);
  const guardrails = (e.guardrails as { metric: string; threshold: number }[]) ?? [];
  // Once shipped, the live program already holds the change: describe it against the one before.
  const base =
    (e.shippedVersion !== null ? await programAtVersion(db, shop, e.shippedVersion - 1) : null) ??
    context.live.program;
  const changes = e.variants.map((v) => ({
    key: v.key,
    name: v.name,
    control: v.control,
    change: v.control ? "The live program" : describeOverride(v.override as Record<string, unknown>, base),
  }));
  return {
    timeZone: context.timeZone,
    currency: context.currency,
    /** The simulator's experiments say their numbers come from the simulated store. */
    simulatedNotice: simulatedStoreNotice(e),
    experiment: {
      id: e.id,
      key: e.key,
      name: e.name,
      kind: e.kind,
      hypothesis: e.hypothesis,
      status: e.status,
      lever: leverLabel(e.lever),
      audience: audienceText(
        e.audience as { kind: string; tierId?: string; tags?: string[]; segmentId?: string },
        context.live.program,
        await segmentName(db, shop, e.audience),
      ),
      trafficPercent: e.trafficBps / 100,
      primaryMetric: metricLabel(e.primaryMetric),
      secondaryMetrics: e.secondaryMetrics.map(metricLabel),
      guardrails: guardrails.map(
        (g) => `${metricLabel(g.metric)} may not fall by more than ${Math.round(g.threshold * 1000) / 10}%`,
      ),
      days: daysRunning(e.launchedAt, e.stoppedAt, now),
      launchedAt: when(e.launchedAt),
      stoppedAt: when(e.stoppedAt),
      shippedVariant: e.shippedVariant,
      shippedVersion: e.shippedVersion,
      grantedAt: when(e.grantedAt),
      shadowPoints: shadow._sum.points ?? 0,
      isBandit: e.bandit !== null && e.bandit !== undefined,
    },
    variants: e.variants.map((v, i) => ({
      key: v.key,
      name: v.name,
      weight: v.weight,
      /** A bandit's share in force now (percent), else the fixed weight. */
      share: bandit ? (bandit.arms.find((a) => a.key === v.key)?.weight ?? "—") : `${v.weight}%`,
      control: v.control,
      change: changes[i]!.change,
      exposed: countOf(v.key),
      expected: Math.round(srm.expected[i] ?? 0),
    })),
    exposure: {
      total: exposed,
      rule: bandit
        ? `${exposureRule(e.exposureTrigger)} "Expected" is what the bandit's allocations in force at each member's exposure give each arm.`
        : exposureRule(e.exposureTrigger),
      srm: { warning: srm.warning, pValue: srm.pValue, reason: srm.reason ?? null },
    },
    report,
    /** When the exposure counts and the report's figures are as of (null for a draft). */
    figures: stored
      ? presentFreshness(stored, REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS / 60_000, context.timeZone)
      : null,
    audit: await auditLines(db, shop, audit, when),
    /** The auto-apply card (ADR 0045). */
    autoApply: await loadAutoApply(db, shop, e, changes, (d) => when(d)!),
  };
}

/** The saved segment an audience names, or null (another audience, or the segment is gone). */
async function segmentName(db: PrismaClient, shop: string, audience: unknown) {
  const id = (audience as { kind?: string; segmentId?: string } | null)?.segmentId;
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await db.savedSegment.findFirst({ where: { shop, id }, select: { name: true } });
  return row?.name ?? null;
}

function audienceText(
  audience: { kind: string; tierId?: string; tags?: string[] },
  program: { tiers: { levels: { id: string; name: string }[] } },
  segment: string | null,
): string {
  switch (audience.kind) {
    case "newMembers":
      return "New members (joined after launch)";
    case "tier":
      return `Members in ${program.tiers.levels.find((l) => l.id === audience.tierId)?.name ?? audience.tierId}`;
    case "tags":
      return `Customers tagged ${(audience.tags ?? []).join(", ")}`;
    case "segment":
      return `Members of the segment “${segment ?? "(deleted)"}” at launch`;
    default:
      return "All members";
  }
}

const lifecycleForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.enum(["launch", "pause", "resume", "stop", "revert", "grant", "refresh-report"]) }),
  z.object({ intent: z.literal("ship"), variant: z.string().min(1).max(80) }),
]);

export type LifecycleAnswer =
  | { ok: true; intent: string; message: string }
  | { ok: false; status: 400 | 404 | 409 | 422 | 503; message: string; fieldErrors: Record<string, string> };

const DONE: Record<string, string> = {
  launch: "Experiment launched",
  resume: "Experiment resumed",
  pause: "Experiment paused",
  stop: "Experiment stopped",
  ship: "Variant shipped as a new program version",
  revert: "Ship reverted: the previous program is live again",
  grant: "Held-out customers were granted their points",
  "refresh-report": "The report is being recomputed: reload the page in a minute",
};

/** Runs one lifecycle step from the page's form. */
export async function lifecycleFromForm(
  db: PrismaClient,
  shop: string,
  id: string,
  form: FormData,
  staffId: string | null,
  now = new Date(),
): Promise<LifecycleAnswer> {
  const parsed = lifecycleForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return unreadableForm();
  const options = { staffId, now };
  const f = parsed.data;
  if (f.intent === "refresh-report") return refreshReport(db, shop, id);
  let outcome: Outcome<unknown>;
  if (f.intent === "launch" || f.intent === "resume") outcome = await launchExperiment(db, shop, id, options);
  else if (f.intent === "pause") outcome = await pauseExperiment(db, shop, id, options);
  else if (f.intent === "stop") outcome = await stopExperiment(db, shop, id, options);
  else if (f.intent === "ship") outcome = await shipExperiment(db, shop, id, f.variant, options);
  else if (f.intent === "grant") outcome = await grantHoldoutPoints(db, shop, id, options);
  else outcome = await revertShip(db, shop, id, options);
  return outcome.ok ? { ok: true, intent: f.intent, message: DONE[f.intent]! } : outcome;
}

/** "Refresh report": queues the experiment's aggregate (aggregates.server.ts); 503 when the queue is away. */
async function refreshReport(db: PrismaClient, shop: string, id: string): Promise<LifecycleAnswer> {
  const e = await db.experiment.findFirst({ where: { shop, id }, select: { status: true } });
  if (!e) return { ok: false, status: 404, message: "Experiment not found", fieldErrors: {} };
  if (e.status === "draft")
    return { ok: false, status: 409, message: "A draft has no report to refresh.", fieldErrors: {} };
  if (!(await requestAggregateRefresh(shop, id)))
    return {
      ok: false,
      status: 503,
      message: "The refresh could not be queued right now. Try again in a minute.",
      fieldErrors: {},
    };
  return { ok: true, intent: "refresh-report", message: DONE["refresh-report"]! };
}

/** The audit trail with staff named (app/shopify/staff.server.ts), not numbered. */
async function auditLines(
  db: PrismaClient,
  shop: string,
  audit: Array<{ id: bigint; action: string; staffId: string | null; at: Date }>,
  when: (d: Date) => string | null,
) {
  const names = await staffNames(
    db,
    shop,
    audit.map((a) => a.staffId),
  );
  return audit.map((a) => ({
    id: a.id.toString(),
    action: a.action,
    staffId: a.staffId,
    staff: a.staffId ? staffLabel(a.staffId, names) : null,
    at: when(a.at)!,
  }));
}
