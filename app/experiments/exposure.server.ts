import { assigner, runningExperiments } from "./running.server";
import { ORDER_NET_REVENUE_SQL } from "./metrics";

// Exposure: the moment a member enters an experiment's analysis, recorded once per member
// and experiment, by an event that happens the same way in every arm — holdout and control
// included — so that being exposed cannot depend on the arm: the first paid order placed
// after launch (every crediting path), the first logged-in storefront view (the proxy
// status, which the holdout calls too, though it is shown nothing), and, for the campaigns
// to come, the first message a campaign would send. The member's net revenue in the 90 days
// before exposure is stored beside it as the CUPED covariate.

export type ExposureTrigger = "order" | "storefront" | "message";

/** Runs one statement: Prisma's `$executeRawUnsafe` or node-postgres' `query`, whichever the caller holds. */
export type Exec = (sql: string, params: unknown[]) => Promise<unknown>;

const INSERT = `
  INSERT INTO "ExperimentExposure" ("shop", "experimentId", "customerId", "variantKey", "exposedAt", "trigger", "covariate")
  SELECT $1, x.e::uuid, x.c, x.v, x.at, $2,
         COALESCE((SELECT sum(o.net) FROM (${ORDER_NET_REVENUE_SQL}) o
                   WHERE o."customerId" = x.c AND o."placedAt" >= x.at - interval '90 days' AND o."placedAt" < x.at), 0)
  FROM unnest($3::text[], $4::bigint[], $5::text[], $6::timestamp(3)[]) AS x(e, c, v, at)
  WHERE NOT EXISTS (SELECT 1 FROM "ExperimentExposure" x2 WHERE x2."experimentId" = x.e::uuid AND x2."customerId" = x.c)
  ON CONFLICT DO NOTHING`;

/**
 * Records the exposures `events` cause: for each customer, every running experiment they
 * are in (either arm) that was launched by the event's instant and has not exposed them.
 */
export async function recordExposures(
  exec: Exec,
  shop: string,
  events: readonly { customerId: bigint; at: Date }[],
  trigger: ExposureTrigger,
): Promise<number> {
  if (!events.length) return 0;
  const set = await runningExperiments(shop);
  if (!set.experiments.length) return 0;
  const launched = new Map(set.experiments.map((e) => [e.id, e.launchedAt ?? null]));
  const rows: { e: string; c: string; v: string; at: string }[] = [];
  for (const { customerId, at } of events) {
    for (const arm of assigner(shop, set, at)(customerId).arms) {
      const since = launched.get(arm.experimentId);
      if (!since || at < since) continue;
      rows.push({ e: arm.experimentId, c: String(customerId), v: arm.variantKey, at: at.toISOString() });
    }
  }
  if (!rows.length) return 0;
  await exec(INSERT, [
    shop,
    trigger,
    rows.map((r) => r.e),
    rows.map((r) => r.c),
    rows.map((r) => r.v),
    rows.map((r) => r.at),
  ]);
  return rows.length;
}
