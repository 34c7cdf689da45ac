import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { listExperiments, startHoldout, type Outcome } from "~/experiments/experiments.server";
import { formatDay } from "~/admin/members/present";
import { shopContext } from "./context.server";
import { holdoutPrecision } from "~/experiments/planning.server";
import {
  HOLDOUT_HORIZON_DAYS,
  SUGGESTED_HOLDOUT_SHARES,
  baselineOf,
  precisionRow,
  trafficProblem,
} from "./plan";
import { daysRunning, leverLabel, metricLabel } from "./present";
import { primaryLifts } from "./report.server";
import { shopTraffic } from "./traffic.server";
import { unreadableForm } from "../form-answers";
import { autoApplyNotices } from "./auto-apply.server";

// The experiments list: every experiment with its status, lever, days running and primary
// lift at a glance (from the report when there is one, "—" with the reason before), the
// program holdout's card with its share, and the start-holdout form with the precision
// each suggested share buys on this shop's own traffic.

export async function loadExperimentsList(db: PrismaClient, shop: string, now: Date) {
  const [experiments, context, traffic] = await Promise.all([
    listExperiments(db, shop),
    shopContext(db, shop),
    shopTraffic(db, shop, now),
  ]);
  const exposed = await db.experimentExposure.groupBy({
    by: ["experimentId"],
    where: { shop },
    _count: { _all: true },
  });
  const exposedOf = new Map(exposed.map((e) => [e.experimentId, e._count._all]));
  const lifts = await primaryLifts(db, shop, experiments, now, context);
  const rows = experiments.map((e) => ({
    id: e.id,
    key: e.key,
    name: e.name,
    kind: e.kind,
    status: e.status,
    lever: leverLabel(e.lever),
    days: daysRunning(e.launchedAt, e.stoppedAt, now),
    launched: e.launchedAt ? formatDay(e.launchedAt.toISOString(), context.timeZone) : null,
    primaryMetric: metricLabel(e.primaryMetric),
    exposed: exposedOf.get(e.id) ?? 0,
    lift: lifts.get(e.id) ?? { text: "—", reason: "No report yet." },
    variants: e.variants.map((v) => ({ name: v.name, weight: v.weight, control: v.control })),
  }));
  const holdoutRow = rows.find(
    (r) => r.kind === "holdout" && (r.status === "running" || r.status === "paused"),
  );
  const problem = trafficProblem(traffic);
  return {
    timeZone: context.timeZone,
    currency: context.currency,
    /** What auto-apply shipped or paused (ADR 0045). */
    autoApplyNotices: await autoApplyNotices(db, shop, experiments),
    experiments: rows.filter((r) => r !== holdoutRow),
    holdout: holdoutRow
      ? { ...holdoutRow, sharePercent: holdoutRow.variants.find((v) => v.control)?.weight ?? 0 }
      : null,
    traffic,
    holdoutOptions: SUGGESTED_HOLDOUT_SHARES.map((share) => ({
      share,
      ...(problem
        ? { mde: null, reason: problem }
        : precisionRow(holdoutPrecision(baselineOf(traffic), share, HOLDOUT_HORIZON_DAYS))),
    })),
    holdoutHorizonDays: HOLDOUT_HORIZON_DAYS,
  };
}

const holdoutForm = z.object({
  intent: z.literal("start-holdout"),
  sharePercent: z.string(),
  grossMarginPercent: z.string().optional(),
});

export type ListActionAnswer =
  | { ok: true; id: string }
  | { ok: false; status: 400 | 404 | 409 | 422; message: string; fieldErrors: Record<string, string> };

/** The list page's one action: start the program holdout (422 with field errors, or while one runs). */
export async function startHoldoutFromForm(
  db: PrismaClient,
  shop: string,
  form: FormData,
  staffId: string | null,
  now = new Date(),
): Promise<ListActionAnswer> {
  const parsed = holdoutForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return unreadableForm();
  const number = (text: string | undefined) =>
    text === undefined || text.trim() === "" ? undefined : Number(text);
  const outcome: Outcome<{ id: string }> = await startHoldout(
    db,
    shop,
    {
      sharePercent: number(parsed.data.sharePercent),
      grossMarginPercent: number(parsed.data.grossMarginPercent),
    },
    { staffId, now },
  );
  return outcome.ok ? { ok: true, id: outcome.value.id } : outcome;
}
