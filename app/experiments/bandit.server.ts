import { Prisma, type PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import {
  banditUpdate,
  DEFAULT_BANDIT_SETTINGS,
  equalShares,
  type BanditSettings,
  type BanditUpdate,
} from "./stats/bandit-allocation";
import { gpScorer } from "./stats/bandit-gp";
import type { MeanStats } from "./stats/estimates";
import type { EarnRateOptimizer } from "./earn-rate-optimizer";
import {
  contextualExpectedShares,
  segmentAllocationRows,
  segmentStatistics,
  type ContextSettings,
} from "./contextual-bandit.server";
import { sweepExposures } from "./exposure-sweep.server";
import { NO_SURROGATE, requireSurrogateChanges, type SurrogateChanges } from "./long-term.server";
import { METRICS, needsSurrogate, type MetricDefinition } from "./metrics";
import { MEMBER_FACTS_SQL } from "./metrics.server";
import { forgetRunning, RUNNING_TTL_MS } from "./running.server";

// A bandit's allocation update (ADR 0038-bandits): the job loads, the pure code decides
// (stats/bandit-allocation.ts), this writes. Periods are counted from launch in the
// experiment's cadence (hourly by default); one allocation row per period, written with ON
// CONFLICT DO NOTHING, so any number of runs, retries and workers write it once. An update
// that fails writes nothing: the allocation before stays in force and the next run retries.
// A new allocation takes effect a little after it is written (ALLOCATION_GRACE_MS, longer
// than the running set's cache), so every process holds it before the instant it applies.

export const ALLOCATION_GRACE_MS = 2 * RUNNING_TTL_MS;

export interface StoredBandit extends BanditSettings, ContextSettings {
  cadenceMinutes: number;
  /** A one-dimensional optimizer's candidates (earn-rate-optimizer.ts); absent for a plain bandit. */
  optimizer?: EarnRateOptimizer | { kind: string };
}

/** How an optimizer's arms are scored: a GP over the earn rates; undefined (independent arms) otherwise. */
export function optimizerScorer(settings: StoredBandit) {
  const o = settings.optimizer;
  if (o?.kind !== "earnRate") return undefined;
  const { candidates } = o as EarnRateOptimizer;
  return gpScorer(candidates, { min: Math.min(...candidates), max: Math.max(...candidates) });
}

export function storedBandit(json: unknown): StoredBandit {
  return { ...DEFAULT_BANDIT_SETTINGS, cadenceMinutes: 60, ...(json as Partial<StoredBandit>) };
}

/** The period `now` falls in: 0 from launch, 1 after one cadence, … */
export const periodAt = (launchedAt: Date, cadenceMinutes: number, now: Date) =>
  Math.floor((now.getTime() - launchedAt.getTime()) / (cadenceMinutes * 60_000));

/**
 * The primary metric's sufficient statistics per allocation period (`periods[p][a]`, variants
 * in order; period 0 is launch, p ≥ 1 the p-th stored allocation): members grouped by the
 * allocation in force at their exposure. The long-term value's surrogate is loaded unless
 * given (`surrogate`; the report, which reads only the counts, passes none).
 */
async function periodBuckets(
  db: PrismaClient,
  shop: string,
  experiment: { id: string; key: string; grossMarginBps: number },
  variantKeys: readonly string[],
  metric: MetricDefinition & { kind: "mean" },
  starts: readonly Date[],
  asOf: Date,
  surrogate?: SurrogateChanges,
): Promise<MeanStats[][]> {
  const lt = needsSurrogate([metric])
    ? (surrogate ?? (await requireSurrogateChanges(db, shop, experiment.id, asOf)))
    : NO_SURROGATE;
  const rows = await db.$queryRawUnsafe<
    { variant: string; period: number; n: number; s: number; ss: number }[]
  >(
    `${MEMBER_FACTS_SQL}
     SELECT variant, width_bucket(extract(epoch FROM at)::float8, $7::float8[])::int AS period,
            count(*)::float8 AS n, sum(${metric.value})::float8 AS s,
            sum((${metric.value})::float8 * (${metric.value}))::float8 AS ss
     FROM m GROUP BY 1, 2`,
    shop,
    experiment.id,
    asOf,
    experiment.grossMarginBps / 10_000,
    lt.customerIds,
    lt.changes,
    starts.map((d) => d.getTime() / 1000),
  );
  const periods = Array.from({ length: starts.length + 1 }, () =>
    variantKeys.map((): MeanStats => ({ n: 0, sum: 0, sumSquares: 0 })),
  );
  for (const r of rows) {
    const a = variantKeys.findIndex((k) => `${experiment.key}:${k}` === r.variant);
    if (a < 0) continue;
    periods[r.period]![a] = { n: r.n, sum: r.s, sumSquares: r.ss };
  }
  return periods;
}

/** The periods with members (what the posterior reads). */
export async function periodStatistics(...args: Parameters<typeof periodBuckets>): Promise<MeanStats[][]> {
  return (await periodBuckets(...args)).filter((p) => p.some((a) => a.n > 0));
}

export type BanditOutcome =
  | { status: "written"; period: number; update: BanditUpdate }
  | { status: "exists" | "not-due"; period: number }
  | { status: "not-a-running-bandit" };

export interface BanditDeps {
  /** The statistics loader (tests make it fail). */
  statistics?: typeof periodStatistics;
  /** A contextual bandit's per-segment loader (contextual-bandit.server.ts). */
  segmentStatistics?: typeof segmentStatistics;
}

/** Writes the allocation of the period `now` falls in, once (see the top of the file). */
export async function updateBandit(
  db: PrismaClient,
  shop: string,
  experimentId: string,
  now: Date,
  deps: BanditDeps = {},
): Promise<BanditOutcome> {
  const e = await db.experiment.findFirst({
    where: { shop, id: experimentId, status: "running", bandit: { not: Prisma.DbNull } },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  if (!e?.launchedAt || !e.primaryMetric) return { status: "not-a-running-bandit" };
  const settings = storedBandit(e.bandit);
  const period = periodAt(e.launchedAt, settings.cadenceMinutes, now);
  if (period < 1) return { status: "not-due", period };
  const existing = await db.experimentAllocation.findMany({
    where: { shop, experimentId },
    orderBy: { period: "asc" },
    select: { period: true, effectiveFrom: true, weights: true },
  });
  if (existing.some((a) => a.period === period)) return { status: "exists", period };
  const metric = METRICS[e.primaryMetric as keyof typeof METRICS];
  if (metric.kind !== "mean") return { status: "not-a-running-bandit" };
  await sweepExposures(db, shop, now);
  const keys = e.variants.map((v) => v.key);
  const last = existing.at(-1);
  const current = last
    ? keys.map(
        (k) => ((last.weights as { key: string; bps: number }[]).find((w) => w.key === k)?.bps ?? 0) / 10_000,
      )
    : equalShares(keys.length);
  const periods = await (deps.statistics ?? periodStatistics)(
    db,
    shop,
    e,
    keys,
    metric,
    existing.filter((a) => a.period > 0).map((a) => a.effectiveFrom),
    now,
  );
  const update = banditUpdate({
    periods,
    kind: metric.unit === "share" ? "binary" : "mean",
    current,
    periodIndex: period,
    settings,
    higherIsBetter: metric.higherIsBetter,
    seed: period + 1,
    scorer: optimizerScorer(settings),
  });
  const effectiveFrom = new Date(now.getTime() + ALLOCATION_GRACE_MS);
  // A contextual bandit's segment allocations are written with the pooled one, in one transaction.
  const segmentRows = settings.context
    ? (
        await segmentAllocationRows(db, shop, {
          experiment: e,
          variantKeys: keys,
          metric,
          starts: existing.filter((a) => a.period > 0).map((a) => a.effectiveFrom),
          previousPeriod: last?.period ?? null,
          pooled: update,
          pooledCurrent: current,
          settings,
          period,
          effectiveFrom,
          now,
          statistics: deps.segmentStatistics,
        })
      ).rows
    : [];
  const pooledRow = db.experimentAllocation.createMany({
    data: [
      {
        shop,
        experimentId,
        period,
        effectiveFrom,
        weights: keys.map((key, i) => ({ key, bps: update.weightsBps[i]! })),
        phase: update.phase,
        reason: update.reason,
        posterior: (update.posterior as unknown as Prisma.InputJsonObject) ?? Prisma.DbNull,
      },
    ],
    skipDuplicates: true,
  });
  const written = segmentRows.length
    ? (
        await db.$transaction([
          pooledRow,
          db.experimentSegmentAllocation.createMany({ data: segmentRows, skipDuplicates: true }),
        ])
      )[0]
    : await pooledRow;
  forgetRunning(shop);
  return written.count ? { status: "written", period, update } : { status: "exists", period };
}

/** Every running bandit's update; one that fails is logged and keeps its allocation. */
export async function updateBandits(db: PrismaClient, now: Date, deps: BanditDeps = {}) {
  const bandits = await db.experiment.findMany({
    where: { status: "running", bandit: { not: Prisma.DbNull } },
    select: { id: true, shop: true },
  });
  const result = { written: 0, failed: 0 };
  for (const b of bandits) {
    try {
      if ((await updateBandit(db, b.shop, b.id, now, deps)).status === "written") result.written++;
    } catch (error) {
      result.failed++;
      logger().warn(
        { shop: b.shop, experimentId: b.id, err: error },
        "Bandit allocation not updated; the previous one stays in force",
      );
    }
  }
  return result;
}

/** A bandit's allocations, oldest first, for the report. */
export function banditAllocations(db: PrismaClient, shop: string, experimentId: string) {
  return db.experimentAllocation.findMany({
    where: { shop, experimentId },
    orderBy: { period: "asc" },
    select: { period: true, effectiveFrom: true, weights: true, phase: true, reason: true, posterior: true },
  });
}

export interface BanditReport {
  /** Each allocation, oldest first, weights in variant order (shares). */
  allocations: {
    period: number;
    effectiveFrom: Date;
    weights: Record<string, number>;
    phase: string;
    reason: string;
    posterior: unknown;
  }[];
  /** The share of members each arm should have had under the allocations in force at their exposure (for SRM). */
  expectedShares: Record<string, number>;
}

/**
 * The bandit part of an experiment's report: its allocation history and, for the sample-ratio
 * check, each arm's expected share Σ_p N_p w_{p,a} / N (a fixed-split SRM would flag every
 * bandit, whose arms' shares move by design). Null for a fixed split.
 */
export async function banditReport(
  db: PrismaClient,
  shop: string,
  e: { id: string; key: string; grossMarginBps: number; bandit: unknown; primaryMetric: string | null },
  variantKeys: readonly string[],
  asOf: Date,
): Promise<BanditReport | null> {
  if (e.bandit === null || e.bandit === undefined || !e.primaryMetric) return null;
  const metric = METRICS[e.primaryMetric as keyof typeof METRICS];
  if (metric.kind !== "mean") return null;
  const rows = await banditAllocations(db, shop, e.id);
  const share = (weights: unknown, key: string) =>
    ((weights as { key: string; bps: number }[]).find((w) => w.key === key)?.bps ?? 0) / 10_000;
  const inForce = rows.filter((a) => a.period > 0);
  // Counts only: the metric's sums are not read, so no surrogate is needed.
  const counts = await periodBuckets(
    db,
    shop,
    e,
    variantKeys,
    metric,
    inForce.map((a) => a.effectiveFrom),
    asOf,
    NO_SURROGATE,
  );
  const expected = variantKeys.map(() => 0);
  let total = 0;
  counts.forEach((period, p) => {
    const n = period.reduce((s, a) => s + a.n, 0);
    total += n;
    variantKeys.forEach((key, a) => {
      expected[a]! += n * (p === 0 ? 1 / variantKeys.length : share(inForce[p - 1]!.weights, key));
    });
  });
  // A contextual bandit assigned by segment: its expected shares follow the segments' allocations.
  const contextual = storedBandit(e.bandit).context
    ? await contextualExpectedShares(db, shop, e.id, variantKeys, inForce, asOf)
    : null;
  return {
    allocations: rows.map((a) => ({
      period: a.period,
      effectiveFrom: a.effectiveFrom,
      weights: Object.fromEntries(variantKeys.map((k) => [k, share(a.weights, k)])),
      phase: a.phase,
      reason: a.reason,
      posterior: a.posterior,
    })),
    expectedShares:
      contextual ??
      Object.fromEntries(
        variantKeys.map((k, a) => [k, total > 0 ? expected[a]! / total : 1 / variantKeys.length]),
      ),
  };
}
