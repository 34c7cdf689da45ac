import type { Prisma, PrismaClient } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS } from "~/jobs/schedules.server";
import { enqueue } from "~/jobs/producers.server";
import { logger } from "~/logger.server";
import type { ExperimentWithVariants } from "./experiments.server";
import { loadSurrogateModel, NO_MODEL_REASON, surrogateChanges } from "./long-term.server";
import { METRICS } from "./metrics";
import { aggregateExperiment, DIRECT_METRICS, type StatsRow } from "./metrics.server";

// An experiment's report aggregate (ADR 0052): the rows of
// aggregateExperiment — sufficient statistics per variant and exposure day — computed by a
// job and stored, so the report pages and the dashboard analyse a few hundred rows instead
// of reading every exposed member's orders, redemptions and ledger entries on each view
// (seconds at a million members). The statistics are the same pure functions over the same
// rows; only the instant they are as of is the refresh's, and the pages say which.

export { REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS };
/** A page that finds an aggregate older than this asks for a refresh (and shows it, dated, meanwhile). */
export const AGGREGATE_STALE_AFTER_MS = REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS;

export interface ExperimentRows {
  rows: StatsRow[];
  /** Whether the rows hold the long-term value (the experiment names it and the shop's model could supply it). */
  longTerm: boolean;
  /** Why the long-term value is missing, when the experiment names it and the model could not supply it. */
  longTermReason: string | null;
}

export interface ExperimentAggregate extends ExperimentRows {
  /** The instant the figures are as of. */
  asOf: Date;
  computedAt: Date;
  /** Older than AGGREGATE_STALE_AFTER_MS: a refresh was asked for, these figures show meanwhile. */
  stale: boolean;
}

const namesLongTerm = (e: ExperimentWithVariants) =>
  e.primaryMetric === "longTermValue" ||
  e.secondaryMetrics.includes("longTermValue") ||
  ((e.guardrails as { metric: string }[] | null) ?? []).some((g) => g.metric === "longTermValue");

/**
 * The experiment's rows as of `asOf`, straight from the order tables: every metric read from
 * them, and the long-term value when the experiment names it and the shop has a usable
 * lifetime-value model (otherwise the reason it is missing).
 */
export async function experimentRows(
  db: PrismaClient,
  shop: string,
  experiment: ExperimentWithVariants,
  asOf: Date,
): Promise<ExperimentRows> {
  const named = namesLongTerm(experiment);
  const model = named ? await loadSurrogateModel(db, shop) : ({ ok: false, reason: "" } as const);
  const rows = await aggregateExperiment(
    db,
    shop,
    experiment.id,
    asOf,
    experiment.grossMarginBps,
    model.ok ? [...DIRECT_METRICS, METRICS.longTermValue] : DIRECT_METRICS,
    model.ok ? await surrogateChanges(db, shop, experiment.id, asOf, model.model) : undefined,
  );
  return { rows, longTerm: model.ok, longTermReason: named && !model.ok ? model.reason : null };
}

/** Computes the experiment's aggregate as of `now` and stores it. */
export async function refreshExperimentAggregate(
  db: PrismaClient,
  shop: string,
  experiment: ExperimentWithVariants,
  now: Date,
): Promise<ExperimentAggregate> {
  const started = performance.now();
  const computed = await experimentRows(db, shop, experiment, now);
  const durationMs = Math.round(performance.now() - started);
  const exposed = computed.rows.reduce((n, r) => n + (r.n ?? 0), 0);
  const fields = {
    shop,
    asOf: now,
    rows: computed.rows as unknown as Prisma.InputJsonValue,
    longTerm: computed.longTerm,
    longTermReason: computed.longTermReason,
    exposed,
    durationMs,
    // By the caller's clock: when the computation that began at `now` finished.
    computedAt: new Date(now.getTime() + durationMs),
  };
  await db.experimentAggregate.upsert({
    where: { experimentId: experiment.id },
    create: { experimentId: experiment.id, ...fields },
    update: fields,
  });
  return { ...computed, asOf: now, computedAt: fields.computedAt, stale: false };
}

/** Stored rows come back from JSON: the exposure day as a string. */
const fromJson = (rows: unknown): StatsRow[] =>
  (rows as { day: string }[]).map((r) => ({ ...r, day: new Date(r.day) }) as unknown as StatsRow);

/**
 * What the pages read: the stored aggregate. None yet (just launched, or never viewed) is
 * computed now and stored; one older than AGGREGATE_STALE_AFTER_MS is shown, dated, while a
 * refresh is queued. One whose long-term value no longer matches the experiment's metrics is
 * recomputed.
 */
export async function experimentAggregate(
  db: PrismaClient,
  shop: string,
  experiment: ExperimentWithVariants,
  now: Date,
): Promise<ExperimentAggregate> {
  const row = await db.experimentAggregate.findFirst({ where: { shop, experimentId: experiment.id } });
  const named = namesLongTerm(experiment);
  if (
    !row ||
    (!named && row.longTerm) ||
    (named && !row.longTerm && row.longTermReason === null) ||
    // Stored before the shop had a lifetime-value model, and one has been fitted since.
    (named && !row.longTerm && row.longTermReason === NO_MODEL_REASON && (await hasFittedModel(db, shop)))
  )
    return refreshExperimentAggregate(db, shop, experiment, now);
  const stale = now.getTime() - row.computedAt.getTime() > AGGREGATE_STALE_AFTER_MS;
  if (stale) await requestAggregateRefresh(shop, experiment.id);
  return {
    rows: fromJson(row.rows),
    longTerm: row.longTerm,
    longTermReason: row.longTermReason,
    asOf: row.asOf,
    computedAt: row.computedAt,
    stale,
  };
}

const hasFittedModel = async (db: PrismaClient, shop: string) =>
  (await db.lifetimeValueFit.findFirst({ where: { shop, status: "fitted" }, select: { id: true } })) !== null;

/** The deduplication id of one experiment's refresh (one waiting at a time, one more while one runs). */
export const aggregateRefreshId = (experimentId: string) => `experiment-aggregate_${experimentId}`;

/**
 * Queues one experiment's refresh (the report page's "Refresh report", or a page that found it
 * stale). Deduplicated, not keyed by a job id: a finished job is kept for a day, and a job id
 * would make every later request of that day a no-op. A page still answers when Redis does not.
 */
export async function requestAggregateRefresh(shop: string, experimentId: string): Promise<boolean> {
  try {
    await enqueue(
      QUEUE.maintenance,
      "refresh-experiment-aggregates",
      { shop, experimentId },
      { deduplication: { id: aggregateRefreshId(experimentId), keepLastIfActive: true } },
    );
    return true;
  } catch (error) {
    logger().warn({ shop, experimentId, err: error }, "could not queue an experiment aggregate refresh");
    return false;
  }
}

/**
 * The scheduled refresh: the aggregates of every running or paused experiment (and holdout)
 * older than the schedule's interval, or one shop's, or one experiment's (on demand).
 * Sequential: each is one large statement, and the worker's other jobs share the database.
 */
export async function refreshExperimentAggregates(
  db: PrismaClient,
  options: { now: Date; shop?: string; experimentId?: string },
): Promise<{ refreshed: number }> {
  const { now, shop, experimentId } = options;
  const due = new Date(now.getTime() - REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS / 2);
  const experiments = await db.experiment.findMany({
    where: experimentId
      ? { id: experimentId, ...(shop ? { shop } : {}), status: { not: "draft" } }
      : {
          ...(shop ? { shop } : {}),
          status: { in: ["running", "paused"] },
          OR: [{ aggregate: null }, { aggregate: { computedAt: { lt: due } } }],
        },
    include: { variants: { orderBy: { position: "asc" } } },
    orderBy: { launchedAt: "desc" },
  });
  for (const e of experiments) await refreshExperimentAggregate(db, e.shop, e, now);
  return { refreshed: experiments.length };
}
