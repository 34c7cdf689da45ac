import { Prisma } from "~/db.server";
import { sharedPgPool } from "~/db/pg-pools.server";
import { readConditions, type Audience as SegmentConditions } from "~/intelligence/segments/audience";
import { audienceMembersSql } from "~/intelligence/segments/audience.server";
import { env } from "~/env.server";
import type { VariantOverride } from "~/loyalty/member-program";
import {
  entryTier,
  memberContextSql,
  newcomerContext,
  segmentAllocations,
  segmentWeightsOf,
} from "./bandit-context.server";
import { isBanditContext, type BanditContext } from "./contexts";
import { inForceIntervals, type PastExperiment } from "./history";
import type { ExposureTrigger } from "./levers";
import {
  assignCustomer,
  byLayer,
  type AssignableExperiment,
  type Audience,
  type BanditAssignment,
  type MemberAssignment,
} from "./assignment";

// The running experiments of a shop, as the assignment reads them on every crediting
// path: loaded once per shop and kept for a few seconds (TTL), dropped at once in this
// process when an experiment changes (`forgetRunning`); another process sees a change
// within the TTL. Audiences other than "all" are loaded as sets of customer ids, plus
// everyone already exposed, so that a member who leaves the audience stays in the
// experiment they were measured in. A tier or tag audience is judged when a member's
// exposure is due (ADR 0020, amended): at launch for the members who exist then (the first
// exposure sweep records them), at joining for later members. A member who climbs into the
// tier or gains the tag afterwards is not admitted: climbing depends on the arm. Until the
// first sweep has run (a few seconds after launch), the criterion as it stands decides.
// A campaign's experiment (kind `campaign`) is not here: it changes no program, and the
// campaigns room assigns its arms with the same hash when a message is due
// (app/campaigns/measure/arms.ts).

export const RUNNING_TTL_MS = 5_000;

export interface RunningSet {
  experiments: AssignableExperiment[];
  audiences: Map<string, Set<bigint>>;
}

const cache = new Map<string, { loadedAt: number; set: Promise<RunningSet> }>();

export function forgetRunning(shop: string): void {
  cache.delete(shop);
}

export function runningExperiments(shop: string, clock = Date.now): Promise<RunningSet> {
  const hit = cache.get(shop);
  if (hit && clock() - hit.loadedAt < RUNNING_TTL_MS) return hit.set;
  const set = loadRunning(shop);
  cache.set(shop, { loadedAt: clock(), set });
  set.catch(() => cache.delete(shop));
  return set;
}

/**
 * Its own small pool: the crediting paths ask for the assignment inside their transactions,
 * and a load that waited for a connection of their (full) pool would wait for itself.
 */
const pool = () => sharedPgPool("experiments", env().DATABASE_URL, { max: 2 });

type RunningRow = {
  id: string;
  key: string;
  kind: "holdout" | "test";
  lever: string | null;
  salt: string;
  audience: Audience;
  layerStart: number | null;
  layerEnd: number | null;
  startsAt: number | null;
  endsAt: number | null;
  launchedAt: number | null;
  exposedThrough: number | null;
  exposureTrigger: ExposureTrigger;
  bandit: Record<string, unknown> | null;
  variants: { key: string; weight: number; control: boolean; override: Record<string, unknown> }[];
};

const epochMs = (column: string) => `(extract(epoch FROM e."${column}") * 1000)::float8 AS "${column}"`;
const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));

const RUNNING_COLUMNS = `e."id", e."key", e."kind"::text AS "kind", e."lever", e."salt", e."audience", e."layerStart",
  e."layerEnd", ${epochMs("startsAt")}, ${epochMs("endsAt")}, ${epochMs("launchedAt")},
  ${epochMs("exposedThrough")}, e."exposureTrigger", e."bandit",
  (SELECT json_agg(json_build_object('key', v."key", 'weight', v."weight", 'control', v."control",
                                     'override', v."override") ORDER BY v."position")
   FROM "ExperimentVariant" v WHERE v."experimentId" = e."id") AS "variants"`;

/** A running experiment as loaded: a contextual bandit also names its context. */
type LoadedExperiment = AssignableExperiment & { banditContext?: BanditContext };

const toAssignable = (r: RunningRow): LoadedExperiment => ({
  id: r.id,
  key: r.key,
  kind: r.kind,
  lever: r.lever,
  salt: r.salt,
  audience: r.audience,
  layerStart: r.layerStart ?? 0,
  layerEnd: r.layerEnd ?? 0,
  startsAt: toDate(r.startsAt),
  endsAt: toDate(r.endsAt),
  launchedAt: toDate(r.launchedAt),
  exposureTrigger: r.exposureTrigger,
  exposedThrough: toDate(r.exposedThrough),
  variants: r.variants ?? [],
  // Filled in by `withBandits`.
  ...(r.bandit ? { bandit: { allocations: [], recorded: new Map(), joined: new Map() } } : {}),
  ...(r.bandit && isBanditContext(r.bandit.context) ? { banditContext: r.bandit.context } : {}),
});

/**
 * What a bandit's assignment reads (ADR 0038-bandits): its allocations after launch, the
 * variant of every member already assigned (their exposure), and when the others joined.
 * Loaded with the running set, so a process sees allocations and assignments as one snapshot.
 */
async function banditAssignment(shop: string, e: LoadedExperiment): Promise<BanditAssignment> {
  const context = e.banditContext;
  const start = Math.max(e.launchedAt?.getTime() ?? 0, e.startsAt?.getTime() ?? 0);
  const newcomer = context ? newcomerContext(context, await entryTier(pool(), shop)) : null;
  const [allocations, recorded, joined, contextual] = await Promise.all([
    pool().query<{ from: number; period: number; weights: { key: string; bps: number }[] }>(
      `SELECT (extract(epoch FROM "effectiveFrom") * 1000)::float8 AS "from", "period", "weights"
       FROM "ExperimentAllocation" WHERE "shop" = $1 AND "experimentId" = $2::uuid AND "period" > 0
       ORDER BY "effectiveFrom", "period"`,
      [shop, e.id],
    ),
    pool().query<{ customerId: string; variantKey: string }>(
      `SELECT "customerId"::text AS "customerId", "variantKey" FROM "ExperimentExposure"
       WHERE "shop" = $1 AND "experimentId" = $2::uuid`,
      [shop, e.id],
    ),
    pool().query<{ customerId: string; joinedAt: number; context?: string | null }>(
      `SELECT m."customerId"::text AS "customerId", (extract(epoch FROM ${MEMBER_JOINED_AT_SQL}) * 1000)::float8 AS "joinedAt"
              ${context ? `, ${memberContextSql(context, "$3::timestamp(3)", "$4::text")} AS "context"` : ""}
       FROM "Member" m WHERE m."shop" = $1 AND NOT EXISTS (SELECT 1 FROM "ExperimentExposure" x
         WHERE x."experimentId" = $2::uuid AND x."customerId" = m."customerId")`,
      context ? [shop, e.id, new Date(start).toISOString(), newcomer] : [shop, e.id],
    ),
    context ? segmentAllocations(pool(), shop, e.id) : null,
  ]);
  const prefix = `${e.key}:`;
  return {
    allocations: allocations.rows.map((a) => ({
      from: a.from,
      weights: e.variants.map((v) => a.weights.find((w) => w.key === v.key)?.bps ?? 0),
      ...(contextual ? { segments: segmentWeightsOf(contextual, a.period, e.variants) } : {}),
    })),
    recorded: new Map(
      recorded.rows.map((r) => [
        BigInt(r.customerId),
        r.variantKey.startsWith(prefix) ? r.variantKey.slice(prefix.length) : r.variantKey,
      ]),
    ),
    joined: new Map(joined.rows.map((r) => [BigInt(r.customerId), r.joinedAt])),
    ...(contextual
      ? {
          context: {
            of: new Map(joined.rows.map((r) => [BigInt(r.customerId), r.context ?? null])),
            newcomer,
          },
        }
      : {}),
  };
}

async function withBandits<E extends LoadedExperiment>(shop: string, experiments: E[]) {
  await Promise.all(
    experiments.map(async (e) => {
      if (e.bandit) e.bandit = await banditAssignment(shop, e);
    }),
  );
  return experiments;
}

async function audiencesOf(shop: string, experiments: readonly AssignableExperiment[]) {
  const audiences = new Map<string, Set<bigint>>();
  for (const e of experiments) {
    if (e.audience.kind === "all") continue;
    audiences.set(e.id, new Set(await audienceMembers(shop, e)));
  }
  return audiences;
}

/** The running set as it is now, past the cache (the exposure sweep must see a launch at once). */
export async function loadRunning(shop: string): Promise<RunningSet> {
  const { rows } = await pool().query<RunningRow>(
    `SELECT ${RUNNING_COLUMNS} FROM "Experiment" e WHERE e."shop" = $1 AND e."status" = 'running' AND e."kind" <> 'campaign'`,
    [shop],
  );
  const experiments = await withBandits(shop, rows.map(toAssignable).sort(byLayer));
  return { experiments, audiences: await audiencesOf(shop, experiments) };
}

/** Every experiment the shop ever launched, with when it was in force, for replaying the past. */
export interface ExperimentHistory {
  experiments: PastExperiment[];
  audiences: Map<string, Set<bigint>>;
}

/**
 * Every experiment of `shop` that was ever launched (the holdout included), with the
 * intervals it was in force (launch to stop, less the pauses its audit records), and
 * their audiences as they are now. Not cached: a long run (the backfill) loads it once.
 */
export async function experimentHistory(shop: string): Promise<ExperimentHistory> {
  const [{ rows }, marks] = await Promise.all([
    pool().query<RunningRow & { stoppedAt: number | null }>(
      `SELECT ${RUNNING_COLUMNS}, ${epochMs("stoppedAt")}
       FROM "Experiment" e WHERE e."shop" = $1 AND e."launchedAt" IS NOT NULL AND e."kind" <> 'campaign'`,
      [shop],
    ),
    pool().query<{ experimentId: string; action: string; at: number }>(
      `SELECT "experimentId"::text AS "experimentId", "action", (extract(epoch FROM "at") * 1000)::float8 AS "at"
       FROM "ExperimentAudit" WHERE "shop" = $1 AND "action" IN ('paused', 'launched')`,
      [shop],
    ),
  ]);
  const experiments = rows
    .map((r) => ({
      ...toAssignable(r),
      inForce: inForceIntervals(
        { launchedAt: toDate(r.launchedAt), stoppedAt: toDate(r.stoppedAt) },
        marks.rows
          .filter((m) => m.experimentId === r.id)
          .map((m) => ({ action: m.action, at: new Date(m.at) })),
      ),
    }))
    .sort(byLayer);
  await withBandits(shop, experiments);
  return { experiments, audiences: await audiencesOf(shop, experiments) };
}

/**
 * When a member joined, for audiences and exposure: when they became the shop's customer
 * (Shopify's creation time), or when the app first saw them if that is earlier or unknown.
 * A customer imported after launch who was the shop's customer before it joined before it.
 */
export const MEMBER_JOINED_AT_SQL = `LEAST(m."createdAt", COALESCE((SELECT c."shopifyCreatedAt" FROM "Customer" c
  WHERE c."shop" = m."shop" AND c."id" = m."customerId"), m."createdAt"))`;

/** Whether only members who joined after launch may still enter the audience (see the top). */
const frozenAtLaunch = (e: AssignableExperiment) =>
  (e.exposureTrigger ?? "assignment") === "assignment" && e.exposedThrough != null;

async function audienceMembers(shop: string, e: AssignableExperiment) {
  const { audience } = e;
  if (audience.kind === "segment") return segmentAudienceMembers(shop, e, audience.segmentId);
  const params: unknown[] = [shop, e.id];
  const param = (value: unknown) => `$${params.push(value)}`;
  const joinedSince = () =>
    `${MEMBER_JOINED_AT_SQL} >= ${param((e.launchedAt ?? new Date(0)).toISOString())}::timestamp(3)`;
  const criterion =
    audience.kind === "newMembers"
      ? joinedSince()
      : audience.kind === "tier"
        ? `m."tierId" = ${param(audience.tierId)}`
        : `EXISTS (SELECT 1 FROM "Customer" c WHERE c."shop" = m."shop" AND c."id" = m."customerId"
                   AND c."tags" && ${param(audience.kind === "tags" ? audience.tags : [])}::text[])`;
  const where =
    audience.kind !== "newMembers" && frozenAtLaunch(e) ? `${criterion} AND ${joinedSince()}` : criterion;
  const { rows } = await pool().query<{ customerId: string }>(
    `SELECT "customerId"::text AS "customerId" FROM (
       SELECT m."customerId" FROM "Member" m WHERE m."shop" = $1 AND ${where}
       UNION SELECT "customerId" FROM "ExperimentExposure" WHERE "shop" = $1 AND "experimentId" = $2::uuid) a`,
    params,
  );
  return rows.map((r) => BigInt(r.customerId));
}

/** Whether an experiment is in force at `at` (its schedule) and the customer is in its audience. */
function applies(set: RunningSet, at: Date) {
  return (e: AssignableExperiment, customerId: bigint) => {
    if (e.startsAt && at < e.startsAt) return false;
    if (e.endsAt && at >= e.endsAt) return false;
    const members = set.audiences.get(e.id);
    return !members || members.has(customerId);
  };
}

/** One customer's assignment, remembered for the last customer asked (the resolver asks twice). */
export function assigner(shop: string, set: RunningSet, at: Date): (customerId: bigint) => MemberAssignment {
  const inForce = applies(set, at);
  let last: { id: bigint; assignment: MemberAssignment } | null = null;
  return (customerId) => {
    if (last?.id !== customerId)
      last = {
        id: customerId,
        assignment: assignCustomer(shop, set.experiments, customerId, inForce, at.getTime()),
      };
    return last.assignment;
  };
}

/** Every non-empty list of overrides a member may get: one option (or none) per lever. */
export function overrideCombinations(set: RunningSet): VariantOverride[][] {
  const byLever = new Map<string, VariantOverride[]>();
  for (const e of set.experiments) {
    if (e.kind !== "test" || !e.lever) continue;
    const options = byLever.get(e.lever) ?? [];
    for (const v of e.variants)
      if (Object.keys(v.override).length)
        options.push({ variantKey: `${e.key}:${v.key}`, patch: v.override });
    byLever.set(e.lever, options);
  }
  let combos: VariantOverride[][] = [[]];
  for (const options of byLever.values())
    combos = combos.flatMap((c) => [c, ...options.map((o) => [...c, o])]);
  return combos.filter((c) => c.length > 0);
}

/**
 * A saved segment's audience (ADR 0031): the segment's members as it stands until the first
 * exposure sweep (the launch cohort), then only those exposed; nobody enters later, because
 * entering a segment of scores and balances depends on what the arm did. A member who leaves
 * the segment stays (intent to treat). A surface trigger, which has no sweep, judges the
 * segment as it stands when the member is first seen, and keeps them once exposed.
 */
async function segmentAudienceMembers(shop: string, e: AssignableExperiment, segmentId: string) {
  const exposed = Prisma.sql`SELECT "customerId" FROM "ExperimentExposure" WHERE "shop" = ${shop} AND "experimentId" = ${e.id}::uuid`;
  let conditions: SegmentConditions | null = null;
  if (!frozenAtLaunch(e)) {
    const { rows } = await pool().query<{ conditions: unknown }>(
      `SELECT "conditions" FROM "SavedSegment" WHERE "shop" = $1 AND "id" = $2::uuid`,
      [shop, segmentId],
    );
    conditions = rows[0] ? readConditions(rows[0].conditions) : null;
  }
  const query = conditions
    ? Prisma.sql`SELECT "customerId"::text AS "customerId" FROM (${audienceMembersSql(shop, conditions)} UNION ${exposed}) a`
    : Prisma.sql`SELECT "customerId"::text AS "customerId" FROM (${exposed}) a`;
  const { rows } = await pool().query<{ customerId: string }>(query.text, query.values);
  return rows.map((r) => BigInt(r.customerId));
}
