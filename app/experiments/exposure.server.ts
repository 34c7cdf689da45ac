import type { ExposureTrigger } from "./levers";
import { assigner, runningExperiments, type RunningSet } from "./running.server";
import { ORDER_NET_REVENUE_SQL } from "./metrics";

// Exposure: the moment a member enters an experiment's analysis, recorded once per member
// and experiment by an event that cannot differ between arms (ADR 0020, amended). For every
// program lever that event is assignment itself: each member of the audience is exposed at
// launch, or when they join if later (exposure-sweep.server.ts), whatever they do next, so a
// lever that makes members buy more cannot also make more of them counted. A lever a member
// can only perceive on one surface may instead expose on that surface's first event, which
// comes before anything the arm shows: the first logged-in storefront view ("storefront",
// the proxy status, which the holdout calls too) or the first message a campaign would send
// ("message", recorded for the holdout though it is sent nothing). The member's net revenue
// in the 90 days before exposure is stored beside it as the CUPED covariate.

export type { ExposureTrigger } from "./levers";

/** Runs one statement: Prisma's `$executeRawUnsafe` or node-postgres' `query`, whichever the caller holds. */
export type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

export interface ExposureRow {
  experimentId: string;
  customerId: bigint;
  /** The qualified variant key ("<experiment>:<variant>"). */
  variantKey: string;
  at: Date;
}

const INSERT = `
  INSERT INTO "ExperimentExposure" ("shop", "experimentId", "customerId", "variantKey", "exposedAt", "trigger", "covariate")
  SELECT $1, x.e::uuid, x.c, x.v, x.at, $2,
         COALESCE((SELECT sum(o.net) FROM (${ORDER_NET_REVENUE_SQL}) o
                   WHERE o."customerId" = x.c AND o."placedAt" >= x.at - interval '90 days' AND o."placedAt" < x.at), 0)
  FROM unnest($3::text[], $4::bigint[], $5::text[], $6::timestamp(3)[]) AS x(e, c, v, at)
  WHERE NOT EXISTS (SELECT 1 FROM "ExperimentExposure" x2 WHERE x2."experimentId" = x.e::uuid AND x2."customerId" = x.c)
  ON CONFLICT DO NOTHING`;

/** Inserts exposures (one statement; a member already exposed to an experiment is left alone). */
export async function insertExposures(
  exec: Exec,
  shop: string,
  rows: readonly ExposureRow[],
  trigger: ExposureTrigger,
): Promise<void> {
  if (!rows.length) return;
  await exec(INSERT, [
    shop,
    trigger,
    rows.map((r) => r.experimentId),
    rows.map((r) => String(r.customerId)),
    rows.map((r) => r.variantKey),
    rows.map((r) => r.at.toISOString()),
  ]);
}

/** The exposures `events` of one surface cause, in the running experiments that expose on it. */
export function surfaceExposures(
  shop: string,
  set: RunningSet,
  events: readonly { customerId: bigint; at: Date }[],
  trigger: Exclude<ExposureTrigger, "assignment">,
): ExposureRow[] {
  const launched = new Map(
    set.experiments.filter((e) => e.exposureTrigger === trigger).map((e) => [e.id, e.launchedAt ?? null]),
  );
  if (!launched.size) return [];
  const rows: ExposureRow[] = [];
  for (const { customerId, at } of events)
    for (const arm of assigner(shop, set, at)(customerId).arms) {
      const since = launched.get(arm.experimentId);
      if (since && at >= since)
        rows.push({ experimentId: arm.experimentId, customerId, variantKey: arm.variantKey, at });
    }
  return rows;
}

/**
 * Records the exposures a surface's events cause: for each customer, every running
 * experiment that exposes on `trigger`, that they are in (either arm) and that was launched
 * by the event's instant. Experiments exposed at assignment are the sweep's.
 */
export async function recordExposures(
  exec: Exec,
  shop: string,
  events: readonly { customerId: bigint; at: Date }[],
  trigger: Exclude<ExposureTrigger, "assignment">,
): Promise<number> {
  if (!events.length) return 0;
  const set = await runningExperiments(shop);
  const rows = surfaceExposures(shop, set, events, trigger);
  await insertExposures(exec, shop, rows, trigger);
  return rows.length;
}
