import { Prisma, type PrismaClient } from "~/db.server";
import type { BanditSettings, BanditUpdate } from "./stats/bandit-allocation";
import { contextualUpdate, type ContextualUpdate } from "./stats/bandit-contextual";
import type { MeanStats } from "./stats/estimates";
import type { BanditContext } from "./contexts";
import { NO_SURROGATE, requireSurrogateChanges } from "./long-term.server";
import { needsSurrogate, type MetricDefinition } from "./metrics";
import { MEMBER_FACTS_SQL } from "./metrics.server";

// A contextual bandit's part of the allocation update (ADR 0044): the primary
// metric's sufficient statistics per context recorded with the exposures and per allocation
// period (one aggregation, the pooled one's grouped by context too), the pure per-segment
// update (stats/bandit-contextual.ts), and the rows to write with the pooled allocation.

export interface ContextSettings {
  context?: BanditContext | null;
  /** Members a segment needs for an allocation of its own (default: minMembersPerArm × arms). */
  minSegmentMembers?: number;
}

/** `segments.get(context)[p][a]`: the periods with members of each context. */
export async function segmentStatistics(
  db: PrismaClient,
  shop: string,
  experiment: { id: string; key: string; grossMarginBps: number },
  variantKeys: readonly string[],
  metric: MetricDefinition & { kind: "mean" },
  starts: readonly Date[],
  asOf: Date,
): Promise<Map<string, MeanStats[][]>> {
  // The long-term value's surrogate, as the pooled statistics load it (ADR 0043).
  const lt = needsSurrogate([metric])
    ? await requireSurrogateChanges(db, shop, experiment.id, asOf)
    : NO_SURROGATE;
  const rows = await db.$queryRawUnsafe<
    { context: string; variant: string; period: number; n: number; s: number; ss: number }[]
  >(
    `${MEMBER_FACTS_SQL}
     SELECT context, variant, width_bucket(extract(epoch FROM at)::float8, $7::float8[])::int AS period,
            count(*)::float8 AS n, sum(${metric.value})::float8 AS s,
            sum((${metric.value})::float8 * (${metric.value}))::float8 AS ss
     FROM m WHERE context IS NOT NULL GROUP BY 1, 2, 3`,
    shop,
    experiment.id,
    asOf,
    experiment.grossMarginBps / 10_000,
    lt.customerIds,
    lt.changes,
    starts.map((d) => d.getTime() / 1000),
  );
  const segments = new Map<string, MeanStats[][]>();
  for (const r of rows) {
    const a = variantKeys.findIndex((k) => `${experiment.key}:${k}` === r.variant);
    if (a < 0) continue;
    let periods = segments.get(r.context);
    if (!periods) {
      periods = Array.from({ length: starts.length + 1 }, () =>
        variantKeys.map((): MeanStats => ({ n: 0, sum: 0, sumSquares: 0 })),
      );
      segments.set(r.context, periods);
    }
    periods[r.period]![a] = { n: r.n, sum: r.s, sumSquares: r.ss };
  }
  for (const [key, periods] of segments)
    segments.set(
      key,
      periods.filter((p) => p.some((a) => a.n > 0)),
    );
  return segments;
}

export interface SegmentAllocationInput {
  experiment: { id: string; key: string; grossMarginBps: number };
  variantKeys: readonly string[];
  metric: MetricDefinition & { kind: "mean" };
  starts: readonly Date[];
  /** The period of the allocation in force before this update (its segments' allocations are the current ones). */
  previousPeriod: number | null;
  pooled: BanditUpdate;
  pooledCurrent: readonly number[];
  settings: BanditSettings & ContextSettings;
  period: number;
  effectiveFrom: Date;
  now: Date;
  /** The statistics loader (tests give their own). */
  statistics?: typeof segmentStatistics;
}

/** The segment allocation rows of one period (none when no shrinkage could be fitted), and the update behind them. */
export async function segmentAllocationRows(
  db: PrismaClient,
  shop: string,
  input: SegmentAllocationInput,
): Promise<{ update: ContextualUpdate; rows: Prisma.ExperimentSegmentAllocationCreateManyInput[] }> {
  const { variantKeys, settings } = input;
  const [segments, previous] = await Promise.all([
    (input.statistics ?? segmentStatistics)(
      db,
      shop,
      input.experiment,
      variantKeys,
      input.metric,
      input.starts,
      input.now,
    ),
    input.previousPeriod === null
      ? []
      : db.experimentSegmentAllocation.findMany({
          where: { shop, experimentId: input.experiment.id, period: input.previousPeriod },
          select: { segment: true, weights: true },
        }),
  ]);
  const shares = (weights: unknown) =>
    variantKeys.map(
      (k) => ((weights as { key: string; bps: number }[]).find((w) => w.key === k)?.bps ?? 0) / 10_000,
    );
  const update = contextualUpdate({
    segments: [...segments]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, periods]) => ({ key, periods })),
    kind: input.metric.unit === "share" ? "binary" : "mean",
    pooled: input.pooled,
    current: new Map(previous.map((p) => [p.segment, shares(p.weights)])),
    pooledCurrent: input.pooledCurrent,
    settings,
    minSegmentMembers: settings.minSegmentMembers ?? settings.minMembersPerArm * variantKeys.length,
    higherIsBetter: input.metric.higherIsBetter,
    seed: input.period + 1,
  });
  const rows = update.segments.flatMap((s) => {
    if (!s.arms) return [];
    const bps = s.allocated ? s.weightsBps : input.pooled.weightsBps;
    return [
      {
        shop,
        experimentId: input.experiment.id,
        period: input.period,
        segment: s.key,
        effectiveFrom: input.effectiveFrom,
        weights: variantKeys.map((key, i) => ({ key, bps: bps[i]! })),
        members: s.members,
        posterior: {
          allocated: s.allocated,
          reason: s.allocated ? update.reason : s.reason,
          tau2: update.tau2,
          arms: s.arms,
        } as unknown as Prisma.InputJsonObject,
      },
    ];
  });
  return { update, rows };
}

/** A contextual bandit's latest segment allocations (the period of its last update that wrote any), for the report. */
export async function latestSegmentAllocations(db: PrismaClient, shop: string, experimentId: string) {
  const last = await db.experimentSegmentAllocation.findFirst({
    where: { shop, experimentId },
    orderBy: { period: "desc" },
    select: { period: true },
  });
  if (!last) return [];
  return db.experimentSegmentAllocation.findMany({
    where: { shop, experimentId, period: last.period },
    orderBy: { members: "desc" },
    select: {
      segment: true,
      period: true,
      effectiveFrom: true,
      weights: true,
      members: true,
      posterior: true,
    },
  });
}

/**
 * Each arm's expected share of a contextual bandit's members, for the sample-ratio check: a
 * member was assigned under their segment's allocation of the period in force at their
 * exposure when it had one, else the pooled one (equal shares before the first update).
 */
export async function contextualExpectedShares(
  db: PrismaClient,
  shop: string,
  experimentId: string,
  variantKeys: readonly string[],
  inForce: readonly { period: number; effectiveFrom: Date; weights: unknown }[],
  asOf: Date,
): Promise<Record<string, number>> {
  const [counts, segmentRows] = await Promise.all([
    db.$queryRawUnsafe<{ context: string | null; p: number; n: number }[]>(
      `SELECT "context", width_bucket(extract(epoch FROM "exposedAt")::float8, $3::float8[])::int AS p, count(*)::float8 AS n
       FROM "ExperimentExposure" WHERE "shop" = $1 AND "experimentId" = $2::uuid AND "exposedAt" < $4
       GROUP BY 1, 2`,
      shop,
      experimentId,
      inForce.map((a) => a.effectiveFrom.getTime() / 1000),
      asOf,
    ),
    db.experimentSegmentAllocation.findMany({
      where: { shop, experimentId },
      select: { period: true, segment: true, weights: true },
    }),
  ]);
  const share = (weights: unknown, key: string) =>
    ((weights as { key: string; bps: number }[]).find((w) => w.key === key)?.bps ?? 0) / 10_000;
  const bySegment = new Map(segmentRows.map((r) => [`${r.period}\u0000${r.segment}`, r.weights]));
  const expected = variantKeys.map(() => 0);
  let total = 0;
  for (const c of counts) {
    total += c.n;
    const allocation = c.p > 0 ? inForce[c.p - 1] : undefined;
    const weights = allocation
      ? (c.context !== null && bySegment.get(`${allocation.period}\u0000${c.context}`)) || allocation.weights
      : null;
    variantKeys.forEach((key, a) => {
      expected[a]! += c.n * (weights ? share(weights, key) : 1 / variantKeys.length);
    });
  }
  return Object.fromEntries(
    variantKeys.map((k, a) => [k, total > 0 ? expected[a]! / total : 1 / variantKeys.length]),
  );
}
