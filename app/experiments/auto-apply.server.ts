import { Prisma, type PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { qualifiedKey } from "./assignment";
import {
  autoApplyDecision,
  autoApplyGuardrails,
  autoApplyInputSchema,
  autoApplySettings,
  OPTIMIZER_STAFF_ID,
  storedAutoApply,
  type AutoApplyDecision,
  type AutoApplyInput,
  type AutoApplySettings,
} from "./auto-apply";
import { banditGuardrails } from "./auto-apply-evidence";
import { banditAllocations, banditReport, periodStatistics, storedBandit } from "./bandit.server";
import { fieldErrors } from "./definition";
import {
  audit,
  conflict,
  getExperiment,
  notFound,
  unprocessable,
  type ExperimentWithVariants,
  type Outcome,
} from "./experiments.server";
import { pauseExperiment, shipExperiment } from "./lifecycle.server";
import { METRICS } from "./metrics";
import { aggregateExperiment } from "./metrics.server";
import type { MetricKey } from "./metric-keys";
import { metricInputs, sumsByVariant, type Row } from "./report";
import { analyseExperiment } from "./stats/analysis";
import type { Guardrail } from "./stats/decision";
import { sampleRatioMismatch } from "./stats/srm";

// Auto-apply (ADR 0045): the merchant turns it on per experiment; a worker job
// (hourly, and right after each bandit update) loads the evidence, calls the pure rule
// (auto-apply.ts) and acts through the lifecycle: a winner is shipped as a new program version
// (createdBy and audited as the optimizer, with the rule and the statistics), a guardrail
// breach or a sample-ratio mismatch pauses the experiment (audited with the reasons). Both
// steps are conditional on the status they expect, so any number of runs acts once; the last
// evaluation is kept on the experiment for the admin's state line.

type Options = { staffId?: string | null; now?: Date };

/** Turns auto-apply on (with its settings) or off for one test; audited. 422 for bad settings. */
export async function setAutoApply(
  db: PrismaClient,
  shop: string,
  id: string,
  input: { enabled: false } | ({ enabled: true } & Record<string, unknown>),
  options: Options = {},
): Promise<Outcome<AutoApplySettings | null>> {
  const e = await getExperiment(db, shop, id);
  if (!e) return notFound();
  if (e.kind !== "test") return unprocessable("Auto-apply is for tests, not the program holdout.");
  if (e.status === "stopped" || e.status === "shipped") return conflict(`The experiment is ${e.status}.`);
  let settings: AutoApplySettings | null = null;
  if (input.enabled) {
    const { enabled: _enabled, ...fields } = input;
    const parsed = autoApplyInputSchema.safeParse(fields);
    if (!parsed.success)
      return unprocessable("Some auto-apply settings need a fix.", fieldErrors(parsed.error));
    settings = autoApplySettings(parsed.data);
  }
  await db.$transaction(async (tx) => {
    await tx.experiment.updateMany({
      where: { shop, id },
      data: { autoApply: settings ? (settings as unknown as Prisma.InputJsonObject) : Prisma.DbNull },
    });
    await audit(
      tx,
      shop,
      id,
      settings ? "auto-apply on" : "auto-apply off",
      options.staffId ?? null,
      settings ? { settings } : undefined,
      options.now,
    );
  });
  return { ok: true, value: settings };
}

const byControlFirst = (e: ExperimentWithVariants) =>
  [...e.variants].sort((a, b) => Number(b.control) - Number(a.control) || a.position - b.position);

/** A fixed split's evidence: the sequential analysis of the primary metric and the guardrails. */
async function fixedEvidence(
  db: PrismaClient,
  e: ExperimentWithVariants,
  settings: AutoApplySettings,
  now: Date,
): Promise<AutoApplyInput> {
  const ordered = byControlFirst(e);
  const rows = await aggregateExperiment(db, e.shop, e.id, now, e.grossMarginBps);
  const { total } = sumsByVariant(
    rows as unknown as Row[],
    ordered.map((v) => qualifiedKey(e.key, v.key)),
  );
  const guardrails = autoApplyGuardrails(
    e.guardrails as { metric: MetricKey; threshold: number }[],
    e.primaryMetric,
  );
  const analysis = analyseExperiment(
    {
      variants: ordered.map((v) => v.key),
      weights: ordered.map((v) => v.weight),
      exposed: total.map((s) => s.n ?? 0),
      metrics: metricInputs({ primary: e.primaryMetric as MetricKey, secondary: [], guardrails }, total),
      reachedPlannedEnd: false,
    },
    { method: "sequential" },
  );
  const primary = analysis.metrics.find((m) => m.role === "primary")!;
  const guarded = analysis.metrics.filter((m) => m.role === "guardrail");
  return {
    settings,
    now,
    launchedAt: e.launchedAt!,
    arms: ordered.map((v, i) => ({
      key: v.key,
      name: v.name,
      control: v.control,
      members: total[i]?.n ?? 0,
    })),
    srm: analysis.srm,
    guardrails: primary.variants.map((v, i) => ({
      variant: v.variant,
      guardrails: guarded.map((m): Guardrail => ({
        metric: m.name,
        comparison: m.variants[i]!.frequentist,
        higherIsBetter: METRICS[m.key as MetricKey].higherIsBetter,
        threshold: guardrails.find((g) => g.metric === m.key)!.threshold,
      })),
    })),
    primary: {
      kind: "fixed",
      metric: primary.name,
      higherIsBetter: METRICS[e.primaryMetric as MetricKey].higherIsBetter,
      comparisons: primary.variants.map((v) => ({ variant: v.variant, comparison: v.frequentist })),
    },
  };
}

/** A bandit's evidence: its stored updates' P(best), period-weighted guardrails, SRM against its allocations. */
async function banditEvidence(
  db: PrismaClient,
  e: ExperimentWithVariants,
  settings: AutoApplySettings,
  now: Date,
): Promise<AutoApplyInput> {
  const bandit = storedBandit(e.bandit);
  const keys = e.variants.map((v) => v.key);
  const controlIndex = Math.max(
    0,
    e.variants.findIndex((v) => v.control),
  );
  const [allocations, report, exposures] = await Promise.all([
    banditAllocations(db, e.shop, e.id),
    banditReport(db, e.shop, e, keys, now),
    db.experimentExposure.groupBy({
      by: ["variantKey"],
      where: { shop: e.shop, experimentId: e.id, exposedAt: { lte: now } },
      _count: { _all: true },
    }),
  ]);
  const starts = allocations.filter((a) => a.period > 0).map((a) => a.effectiveFrom);
  const guardrails = autoApplyGuardrails(
    e.guardrails as { metric: MetricKey; threshold: number }[],
    e.primaryMetric,
  );
  const metrics = [];
  for (const g of guardrails) {
    const m = METRICS[g.metric];
    if (m.kind !== "mean") continue;
    metrics.push({
      metric: m.name,
      higherIsBetter: m.higherIsBetter,
      threshold: g.threshold,
      periods: await periodStatistics(db, e.shop, e, keys, m, starts, now),
    });
  }
  const members = keys.map(
    (k) => exposures.find((x) => x.variantKey === qualifiedKey(e.key, k))?._count._all ?? 0,
  );
  const expected = keys.map((k) => report?.expectedShares[k] ?? 1 / keys.length);
  // The allocation in force: an arm at the floor is one the bandit is already starving.
  const inForce = allocations.at(-1)?.weights as { key: string; bps: number }[] | undefined;
  const floorBps = Math.round(bandit.minShare * 10_000);
  const atFloor = (key: string) =>
    !!inForce && (inForce.find((w) => w.key === key)?.bps ?? 0) <= floorBps + 1;
  return {
    settings,
    now,
    launchedAt: e.launchedAt!,
    arms: e.variants.map((v, i) => ({
      key: v.key,
      name: v.name,
      control: v.control,
      members: members[i]!,
      atFloor: atFloor(v.key),
    })),
    srm: sampleRatioMismatch(members, expected),
    guardrails: banditGuardrails(metrics, keys, controlIndex, {
      minStratumMembers: bandit.minStratumMembers,
      weighting: bandit.periodWeighting,
    }),
    primary: {
      kind: "bandit",
      metric: METRICS[e.primaryMetric as MetricKey].name,
      cadenceMinutes: bandit.cadenceMinutes,
      updates: allocations.map((a) => ({
        period: a.period,
        at: a.effectiveFrom,
        phase: a.phase,
        probabilityBest:
          (a.posterior as { arms?: { probabilityBest: number }[] } | null)?.arms?.map(
            (x) => x.probabilityBest,
          ) ?? null,
      })),
    },
  };
}

export type AutoApplyOutcome =
  | { status: "off" | "not-running" }
  | { status: "evaluated"; decision: AutoApplyDecision; shippedVersion?: number | null; paused?: boolean };

/**
 * Evaluates one experiment's auto-apply at `now` (the caller's clock: the worker's, or the
 * simulator's) and acts on it: ships the winner, or pauses on a breach. Idempotent.
 */
export async function evaluateAutoApply(
  db: PrismaClient,
  shop: string,
  experimentId: string,
  now: Date,
): Promise<AutoApplyOutcome> {
  const e = await getExperiment(db, shop, experimentId);
  const settings = storedAutoApply(e?.autoApply);
  if (!e || !settings) return { status: "off" };
  if (e.status !== "running" || e.kind !== "test" || !e.launchedAt || !e.primaryMetric)
    return { status: "not-running" };
  const isBandit = e.bandit !== null && e.bandit !== undefined;
  const input = await (isBandit ? banditEvidence : fixedEvidence)(db, e, settings, now);
  const decision = autoApplyDecision(input);
  const details = {
    by: OPTIMIZER_STAFF_ID,
    rule: decision.action === "ship" ? decision.rule : "guardrail",
    reasons: decision.reasons,
    snapshot: decision.snapshot,
  } as unknown as Record<string, unknown>;
  const outcome: AutoApplyOutcome = { status: "evaluated", decision };
  if (decision.action === "ship") {
    const shipped = await shipExperiment(db, shop, e.id, decision.variant, {
      staffId: OPTIMIZER_STAFF_ID,
      now,
      details: { ...details, variant: decision.variant },
    });
    if (shipped.ok) outcome.shippedVersion = shipped.value.shippedVersion;
  } else if (decision.action === "block") {
    const paused = await pauseExperiment(db, shop, e.id, { staffId: OPTIMIZER_STAFF_ID, now, details });
    outcome.paused = paused.ok;
  }
  await db.experiment.updateMany({
    where: { shop, id: e.id },
    data: {
      autoApplyCheck: {
        at: now.toISOString(),
        action: decision.action,
        reasons: decision.reasons,
        ...(decision.action === "ship" ? { variant: decision.variant } : {}),
      },
    },
  });
  return outcome;
}

/**
 * Every running experiment with auto-apply on (the hourly job), or after a bandit update only
 * the bandits with an allocation newer than their last evaluation. One that fails is logged
 * and retried at the next run; nothing it did is half-done (each step is one conditional write).
 */
export async function evaluateAutoApplies(
  db: PrismaClient,
  now: Date,
  options: { afterBanditUpdate?: boolean } = {},
) {
  const candidates = await db.experiment.findMany({
    where: {
      status: "running",
      kind: "test",
      autoApply: { not: Prisma.DbNull },
      ...(options.afterBanditUpdate ? { bandit: { not: Prisma.DbNull } } : {}),
    },
    select: { id: true, shop: true, autoApplyCheck: true },
  });
  const result = { evaluated: 0, shipped: 0, paused: 0, failed: 0 };
  for (const c of candidates) {
    try {
      if (options.afterBanditUpdate) {
        const checked = (c.autoApplyCheck as { at?: string } | null)?.at;
        const latest = await db.experimentAllocation.findFirst({
          where: { shop: c.shop, experimentId: c.id },
          orderBy: { period: "desc" },
          select: { effectiveFrom: true },
        });
        if (!latest || (checked && new Date(checked) >= latest.effectiveFrom)) continue;
      }
      const outcome = await evaluateAutoApply(db, c.shop, c.id, now);
      if (outcome.status !== "evaluated") continue;
      result.evaluated++;
      if (outcome.shippedVersion) result.shipped++;
      if (outcome.paused) result.paused++;
    } catch (error) {
      result.failed++;
      logger().warn(
        { shop: c.shop, experimentId: c.id, err: error },
        "Auto-apply not evaluated; the next run retries",
      );
    }
  }
  return result;
}
