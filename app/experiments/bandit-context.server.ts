import type pg from "pg";
import type { PrismaClient } from "~/db.server";
import { currentProgram } from "~/loyalty/services/program.server";
import type { BanditContext } from "./contexts";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "./metrics";
import { MEMBER_JOINED_AT_SQL } from "./running.server";

// Where a contextual bandit reads a member's context (ADR 0044): one SQL expression
// per context over the member row `m`, evaluated for the not-yet-assigned members when the
// running set loads (the same query that already reads their join times), so the crediting
// path only looks the context up in a map. `instant` is the SQL of the member's exposure
// instant: "returning" means a counted order placed before it.

export function contextSql(context: BanditContext, instant: string): string {
  switch (context) {
    case "tier":
      return `CASE WHEN m."tierId" IS NULL THEN NULL ELSE 'tier:' || m."tierId" END`;
    case "newVsReturning":
      return `CASE WHEN EXISTS (SELECT 1 FROM "Order" o WHERE o."shop" = m."shop" AND o."customerId" = m."customerId"
                AND ${COUNTED_ORDER_SQL} AND ${PLACED_AT_SQL} < ${instant}) THEN 'returning' ELSE 'new' END`;
    case "rfm":
      return `(SELECT 'rfm:' || s."segment" FROM "MemberSegment" s WHERE s."shop" = m."shop" AND s."customerId" = m."customerId")`;
    case "persona":
      return `(SELECT 'persona:' || s."cluster" FROM "MemberSegment" s
               WHERE s."shop" = m."shop" AND s."customerId" = m."customerId" AND s."cluster" IS NOT NULL)`;
  }
}

/**
 * The context of a member who joins after the experiment started, read at their join, which
 * is before anything the arm did: a new member has no order before joining, starts in the
 * entry tier (a level whose threshold is 0, if any), and has no RFM score or persona until the
 * segments are next computed (null: the pooled allocation). Reading their tier or segment
 * later would let the arm choose the segment (a better reward climbs members faster).
 */
export function newcomerContext(context: BanditContext, entryTierId: string | null): string | null {
  if (context === "newVsReturning") return "new";
  if (context === "tier") return entryTierId ? `tier:${entryTierId}` : null;
  return null;
}

/** The merchant's names of a shop's tier and persona context keys (for the report). */
export async function contextNames(db: PrismaClient, shop: string): Promise<Record<string, string>> {
  const [program, run] = await Promise.all([
    currentProgram(db, shop),
    db.segmentRun.findFirst({
      where: { shop, status: "completed" },
      orderBy: { startedAt: "desc" },
      select: { summary: true },
    }),
  ]);
  const names: Record<string, string> = {};
  for (const tier of program.tiers?.levels ?? []) names[`tier:${tier.id}`] = tier.name;
  const clusters = (
    run?.summary as {
      clusters?: { ok: boolean; clusters?: { index: number; title: string; written?: { name: string } }[] };
    } | null
  )?.clusters;
  if (clusters?.ok)
    for (const c of clusters.clusters ?? []) names[`persona:${c.index}`] = c.written?.name ?? c.title;
  return names;
}

/**
 * The SQL of the context a contextual bandit assigns member `m` in: members who joined by the
 * experiment's start (`start`, SQL) in their context as it stands (the sweep at launch records
 * them within seconds), later joiners in the newcomers' (`newcomer`, SQL of a text value).
 */
export function memberContextSql(context: BanditContext, start: string, newcomer: string): string {
  return `CASE WHEN ${MEMBER_JOINED_AT_SQL} > ${start} THEN ${newcomer} ELSE ${contextSql(context, start)} END`;
}

/** The live program's entry tier (threshold 0), or null. */
export async function entryTier(pool: pg.Pool, shop: string): Promise<string | null> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT l->>'id' AS "id" FROM "ProgramVersion" v, jsonb_array_elements(v."config"->'tiers'->'levels') l
     WHERE v."shop" = $1 AND (l->>'threshold')::numeric = 0
       AND v."version" = (SELECT max("version") FROM "ProgramVersion" WHERE "shop" = $1)
     LIMIT 1`,
    [shop],
  );
  return rows[0]?.id ?? null;
}

export type SegmentAllocationRow = {
  period: number;
  segment: string;
  weights: { key: string; bps: number }[];
};

/** A contextual bandit's segment allocations, for the running set. */
export async function segmentAllocations(pool: pg.Pool, shop: string, experimentId: string) {
  const { rows } = await pool.query<SegmentAllocationRow>(
    `SELECT "period", "segment", "weights" FROM "ExperimentSegmentAllocation"
     WHERE "shop" = $1 AND "experimentId" = $2::uuid`,
    [shop, experimentId],
  );
  return rows;
}

/** The segments' weights of one period, in variant order. */
export function segmentWeightsOf(
  rows: readonly SegmentAllocationRow[],
  period: number,
  variants: readonly { key: string }[],
): Map<string, number[]> {
  return new Map(
    rows
      .filter((r) => r.period === period)
      .map((r) => [r.segment, variants.map((v) => r.weights.find((w) => w.key === v.key)?.bps ?? 0)]),
  );
}

/**
 * Records the contexts members were assigned in beside their exposures (just inserted by the
 * sweep): the per-segment statistics group by what assignment used, not by a later reading.
 */
export async function recordContexts(
  exec: (sql: string, params: unknown[]) => Promise<unknown>,
  shop: string,
  experimentId: string,
  rows: readonly { customerId: bigint; context: string | null }[],
): Promise<void> {
  const known = rows.filter((r) => r.context !== null);
  if (!known.length) return;
  await exec(
    `UPDATE "ExperimentExposure" x SET "context" = u.ctx
     FROM unnest($3::bigint[], $4::text[]) AS u(c, ctx)
     WHERE x."shop" = $1 AND x."experimentId" = $2::uuid AND x."customerId" = u.c AND x."context" IS NULL`,
    [shop, experimentId, known.map((r) => String(r.customerId)), known.map((r) => r.context)],
  );
}
