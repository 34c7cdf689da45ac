import { prisma } from "~/db.server";
import type { VariantOverride } from "~/loyalty/member-program";
import {
  assignCustomer,
  byLayer,
  type AssignableExperiment,
  type Audience,
  type MemberAssignment,
} from "./assignment";

// The running experiments of a shop, as the assignment reads them on every crediting
// path: loaded once per shop and kept for a few seconds (TTL), dropped at once in this
// process when an experiment changes (`forgetRunning`); another process sees a change
// within the TTL. Audiences other than "all" are loaded as sets of customer ids (members
// in the tier, with a tag, joined after launch), plus everyone already exposed, so that a
// member who leaves the audience stays in the experiment they were measured in.

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

async function loadRunning(shop: string): Promise<RunningSet> {
  const db = prisma();
  const rows = await db.experiment.findMany({
    where: { shop, status: "running" },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  const experiments: AssignableExperiment[] = rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    lever: r.lever,
    salt: r.salt,
    audience: r.audience as Audience,
    layerStart: r.layerStart ?? 0,
    layerEnd: r.layerEnd ?? 0,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    launchedAt: r.launchedAt,
    variants: r.variants.map((v) => ({
      key: v.key,
      weight: v.weight,
      control: v.control,
      override: v.override as Record<string, unknown>,
    })),
  }));
  experiments.sort(byLayer);
  const audiences = new Map<string, Set<bigint>>();
  for (const r of rows) {
    const audience = r.audience as Audience;
    if (audience.kind === "all") continue;
    const ids = await audienceMembers(shop, r.id, audience, r.launchedAt ?? new Date(0));
    audiences.set(r.id, new Set(ids));
  }
  return { experiments, audiences };
}

async function audienceMembers(shop: string, experimentId: string, audience: Audience, launchedAt: Date) {
  const db = prisma();
  const exposed = `SELECT "customerId" FROM "ExperimentExposure" WHERE "shop" = $1 AND "experimentId" = $2::uuid`;
  const query =
    audience.kind === "newMembers"
      ? `SELECT "customerId" FROM "Member" WHERE "shop" = $1 AND "createdAt" >= $3 UNION ${exposed}`
      : audience.kind === "tier"
        ? `SELECT "customerId" FROM "Member" WHERE "shop" = $1 AND "tierId" = $3 UNION ${exposed}`
        : `SELECT "id" AS "customerId" FROM "Customer" WHERE "shop" = $1 AND "tags" && $3::text[] UNION ${exposed}`;
  const param =
    audience.kind === "newMembers"
      ? launchedAt
      : audience.kind === "tier"
        ? audience.tierId
        : audience.kind === "tags"
          ? audience.tags
          : null;
  const rows = await db.$queryRawUnsafe<{ customerId: bigint }[]>(query, shop, experimentId, param);
  return rows.map((r) => r.customerId);
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
      last = { id: customerId, assignment: assignCustomer(shop, set.experiments, customerId, inForce) };
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
