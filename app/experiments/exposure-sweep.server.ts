import type { PrismaClient } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { enqueue, enqueueMetafieldSync } from "~/jobs/producers.server";
import { logger } from "~/logger.server";
import type { AssignableExperiment } from "./assignment";
import { recordContexts } from "./bandit-context.server";
import { insertExposures, type ExposureRow } from "./exposure.server";
import { assigner, loadRunning, MEMBER_JOINED_AT_SQL } from "./running.server";

// Exposure at assignment (ADR 0020, amended): every member in a running experiment's
// audience is exposed at max(launch, schedule start, the member's join), whoever they are
// and whatever they do next, so the exposed population of each arm is the assigned one and
// cannot depend on the lever. A set-based sweep records it: members not yet exposed, in
// pages by customer id, assigned with the app's own assigner in TS and inserted with one
// unnest per page. It is idempotent and its times come from the data (a member who joined
// yesterday is exposed at yesterday's join, however late the sweep runs), so it runs
// wherever convenient: at launch and resume (synchronously for small shops, else as a
// job), hourly with the scheduled loyalty work, and from the simulator.

export const SWEEP_PAGE = 5_000;
/** Shops up to this many members are swept in the launch request itself; larger ones by a job. */
export const SYNC_SWEEP_MEMBERS = 20_000;

export interface SweepResult {
  /** Exposures recorded, over every running experiment. */
  exposed: number;
  /** Members whose metafields this marked for a re-sync (their tier perk depends on the arm). */
  resync: number;
}

// Every member not yet exposed, whenever their row was written (a backfill may bring
// customers who joined long before): no watermark to miss a late commit. Deleted and
// redacted members are left out (redaction removes their exposures; this must not restore them).
const CANDIDATES = `
  SELECT m."customerId", ${MEMBER_JOINED_AT_SQL} AS "joinedAt" FROM "Member" m
  WHERE m."shop" = $1 AND m."customerId" > $3 AND m."status" <> 'deleted'
    AND NOT EXISTS (SELECT 1 FROM "ExperimentExposure" x WHERE x."experimentId" = $2::uuid AND x."customerId" = m."customerId")
  ORDER BY m."customerId" LIMIT ${SWEEP_PAGE}`;

/**
 * The qualified variant keys whose members' metafields differ from the live program's: the
 * holdout's no-program arm, and a tiers experiment's variants that override the tiers.
 */
export function metafieldArms(
  e: Pick<AssignableExperiment, "kind" | "lever" | "key" | "variants">,
): Set<string> {
  const arms = e.variants.filter((v) =>
    e.kind === "holdout" ? v.control : e.lever === "tiers" && Object.keys(v.override).length > 0,
  );
  return new Set(arms.map((v) => `${e.key}:${v.key}`));
}

/** Records every exposure due by `now` in the shop's running experiments that expose at assignment. */
export async function sweepExposures(db: PrismaClient, shop: string, now: Date): Promise<SweepResult> {
  const set = await loadRunning(shop);
  const exec = (sql: string, params: unknown[]) => db.$executeRawUnsafe(sql, ...params);
  const result: SweepResult = { exposed: 0, resync: 0 };
  for (const e of set.experiments) {
    if ((e.exposureTrigger ?? "assignment") !== "assignment" || !e.launchedAt) continue;
    const start = e.startsAt && e.startsAt > e.launchedAt ? e.startsAt : e.launchedAt;
    if (start > now) continue;
    const resyncArms = metafieldArms(e);
    let after = -1n;
    for (;;) {
      const page = await db.$queryRawUnsafe<{ customerId: bigint; joinedAt: Date }[]>(
        CANDIDATES,
        shop,
        e.id,
        after,
      );
      const last = page.at(-1)?.customerId;
      const rows: ExposureRow[] = [];
      const contexts: { customerId: bigint; context: string | null }[] = [];
      for (const m of page) {
        if (m.joinedAt > now) continue;
        const at = m.joinedAt > start ? m.joinedAt : start;
        const arm = assigner(shop, set, at)(m.customerId).arms.find((a) => a.experimentId === e.id);
        if (arm) rows.push({ experimentId: e.id, customerId: m.customerId, variantKey: arm.variantKey, at });
        if (arm?.context !== undefined) contexts.push({ customerId: m.customerId, context: arm.context });
      }
      await insertExposures(exec, shop, rows, "assignment");
      await recordContexts(exec, shop, e.id, contexts);
      result.exposed += rows.length;
      const resync = rows.filter((r) => resyncArms.has(r.variantKey)).map((r) => r.customerId);
      if (resync.length)
        result.resync += await db.member
          .updateMany({ where: { shop, customerId: { in: resync } }, data: { metafieldsDirty: true } })
          .then((r) => r.count);
      if (last === undefined) break;
      after = last;
    }
    await db.experiment.updateMany({
      where: { id: e.id, shop, status: "running" },
      data: { exposedThrough: now },
    });
  }
  // A launch in a large shop writes its exposures at once: until autovacuum analyzes the
  // table, the report aggregation that follows would plan with the statistics of the table
  // as it was (row estimates off by the whole launch). A sampled ANALYZE takes about a second.
  if (result.exposed >= ANALYZE_AFTER_EXPOSURES) await db.$executeRawUnsafe(`ANALYZE "ExperimentExposure"`);
  return result;
}

const ANALYZE_AFTER_EXPOSURES = 50_000;

/** The sweep job of one shop; repeated requests while one waits add nothing. */
export function exposureSweepJob(shop: string) {
  return {
    name: "sweep-exposures" as const,
    data: { shop },
    opts: { deduplication: { id: `sweep-exposures_${shop}`, keepLastIfActive: true } },
  };
}

/**
 * After a launch or resume: sweeps now when the shop is small enough to answer at once,
 * else leaves it to a job; either way members whose tier perk changed get their metafields
 * re-synced by the sync job. Redis being down delays the job, never the launch: the hourly
 * sweep and the minutely metafield schedule (which finds the dirty members) catch up.
 */
export async function sweepAfterLaunch(db: PrismaClient, shop: string, now: Date): Promise<void> {
  const large = (await db.member.count({ where: { shop } })) > SYNC_SWEEP_MEMBERS;
  const swept = large ? null : await sweepExposures(db, shop, now);
  await tolerateRedis(shop, async () => {
    const job = exposureSweepJob(shop);
    if (large) await enqueue(QUEUE.loyalty, job.name, job.data, job.opts);
    else if (swept!.resync) await enqueueMetafieldSync(shop);
  });
}

/** Runs an enqueue whose loss the schedules make good, logging instead of failing the caller. */
export async function tolerateRedis(shop: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger().warn({ shop, err: error }, "Job not enqueued (Redis unavailable?); the schedules catch up");
  }
}
