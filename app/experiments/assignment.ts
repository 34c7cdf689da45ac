import type { VariantOverride } from "~/loyalty/member-program";
import type { ExposureTrigger } from "./levers";

// Who gets what: a pure function of the shop's running experiments and the customer id
// (DESIGN.md: "deterministic, the same on every surface"). The program holdout comes
// first and is outside every layer: a held-out customer is in no experiment. Then one
// layer per lever: a customer lands in one bucket of the layer, and the running
// experiments on that lever own disjoint ranges of those buckets, so they are mutually
// exclusive; experiments on different levers overlap independently.

export const BUCKETS = 10_000;

export type Audience =
  | { kind: "all" }
  | { kind: "newMembers" }
  | { kind: "tier"; tierId: string }
  | { kind: "tags"; tags: string[] }
  | { kind: "segment"; segmentId: string };

export interface AssignableVariant {
  key: string;
  weight: number;
  control: boolean;
  override: Record<string, unknown>;
}

/**
 * What a bandit's assignment reads besides the hash (ADR 0038-bandits): the allocations in
 * force over time, and what sticks a member to an arm once assigned.
 */
export interface BanditAssignment {
  /**
   * Allocations after launch, ascending: from `from` (epoch ms) on, `weights` in variant order;
   * a contextual bandit's also carry the segments' own weights of the same period.
   */
  allocations: readonly {
    from: number;
    weights: readonly number[];
    segments?: ReadonlyMap<string, readonly number[]>;
  }[];
  /** Members already assigned (their exposure is recorded): the variant key they got. */
  recorded: ReadonlyMap<bigint, string>;
  /** Members not yet recorded, with when they joined (epoch ms). */
  joined: ReadonlyMap<bigint, number>;
  /** Present for a contextual bandit (ADR 0044). */
  context?: BanditContextLookup | null;
}

/** A contextual bandit's member contexts, read when the running set loads (bandit-context.server.ts). */
export interface BanditContextLookup {
  /** The context of each member in `joined` (null: unknown, the pooled allocation). */
  of: ReadonlyMap<bigint, string | null>;
  /** The context of a member newer than the loaded set. */
  newcomer: string | null;
}

export interface AssignableExperiment {
  id: string;
  key: string;
  kind: "holdout" | "test" | "campaign";
  lever: string | null;
  salt: string;
  audience: Audience;
  /** The experiment's range of its layer's buckets (tests); the holdout covers all customers. */
  layerStart: number;
  layerEnd: number;
  /** The schedule: not in force before `startsAt` nor from `endsAt` on. */
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** When it started: no member is exposed before. */
  launchedAt?: Date | null;
  /** What exposes a member (levers.ts); "assignment" when absent. */
  exposureTrigger?: ExposureTrigger;
  /** The exposure sweep's watermark: every audience member who existed then is exposed. */
  exposedThrough?: Date | null;
  variants: readonly AssignableVariant[];
  /** Present when the experiment runs as a bandit. */
  bandit?: BanditAssignment | null;
}

export interface Arm {
  experimentId: string;
  experimentKey: string;
  /** The variant's key qualified by its experiment ("<experiment>:<variant>"), as entries record it. */
  variantKey: string;
  control: boolean;
  /** A contextual bandit's context of the member at assignment (what the exposure records). */
  context?: string | null;
}

export interface MemberAssignment {
  /** In the holdout's no-program arm. */
  heldOut: boolean;
  /** Every experiment the customer is in, the holdout first (either arm). */
  arms: Arm[];
  /** The overrides of the test variants, in the order they apply (by lever name). */
  overrides: VariantOverride[];
}

/** FNV-1a, 32 bits, over the UTF-16 code units (ids and salts are ASCII). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The customer's bucket in [0, BUCKETS) under `salt`, hashed twice as GrowthBook does so
 * that salts differing in their last character still give independent buckets.
 */
export function bucketOf(shop: string, salt: string, customerId: bigint | string): number {
  return fnv1a(String(fnv1a(`${shop}\u0000${salt}\u0000${customerId}`))) % BUCKETS;
}

export const layerSalt = (lever: string) => `layer:${lever}`;

export const qualifiedKey = (experimentKey: string, variantKey: string) => `${experimentKey}:${variantKey}`;

/** The variant a bucket falls in, walking the weights in order. */
export function variantAt<V extends { weight: number }>(variants: readonly V[], bucket: number): V {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  const point = (bucket / BUCKETS) * total;
  let edge = 0;
  for (const v of variants) {
    edge += v.weight;
    if (point < edge) return v;
  }
  return variants[variants.length - 1]!;
}

/** The allocation in force at `at` (epoch ms), or null before the first update (equal shares). */
export function allocationAt(
  allocations: BanditAssignment["allocations"],
  at: number,
): readonly number[] | null {
  let found: readonly number[] | null = null;
  for (const a of allocations) {
    if (a.from > at) break;
    found = a.weights;
  }
  return found;
}

/** The allocation in force at `at` for a member in `context`: the segment's own that period, else the pooled one. */
export function contextualAllocationAt(
  allocations: BanditAssignment["allocations"],
  at: number,
  context: string | null,
): readonly number[] | null {
  let found: BanditAssignment["allocations"][number] | null = null;
  for (const a of allocations) {
    if (a.from > at) break;
    found = a;
  }
  if (!found) return null;
  return (context !== null && found.segments?.get(context)) || found.weights;
}

/** The context a contextual bandit assigns a not-yet-recorded member in. */
const contextOf = (lookup: BanditContextLookup, bandit: BanditAssignment, customerId: bigint) =>
  bandit.joined.has(customerId) ? (lookup.of.get(customerId) ?? null) : lookup.newcomer;

/**
 * A bandit's variant for a customer: the one recorded at their assignment, else the bucket
 * walked over the allocation in force when they were assigned: their exposure instant,
 * max(launch, schedule start, join), which every surface computes alike. A member who joined
 * after the running set was loaded is not in `joined` and is being assigned now (`at`).
 */
function banditVariant(
  e: AssignableExperiment,
  bandit: BanditAssignment,
  customerId: bigint,
  bucket: number,
  at: number,
) {
  const recorded = bandit.recorded.get(customerId);
  const kept = recorded === undefined ? undefined : e.variants.find((v) => v.key === recorded);
  if (kept) return { variant: kept };
  const instant = Math.max(
    bandit.joined.get(customerId) ?? at,
    e.launchedAt?.getTime() ?? -Infinity,
    e.startsAt?.getTime() ?? -Infinity,
  );
  const context = bandit.context ? contextOf(bandit.context, bandit, customerId) : undefined;
  const weights = bandit.context
    ? contextualAllocationAt(bandit.allocations, instant, context ?? null)
    : allocationAt(bandit.allocations, instant);
  const variant = variantAt(
    e.variants.map((v, i) => ({ v, weight: weights ? (weights[i] ?? 0) : 1 })),
    bucket,
  ).v;
  return { variant, context };
}

const arm = (shop: string, e: AssignableExperiment, customerId: bigint, at: number) => {
  const bucket = bucketOf(shop, e.salt, customerId);
  const { variant, context } = e.bandit
    ? banditVariant(e, e.bandit, customerId, bucket, at)
    : { variant: variantAt(e.variants, bucket), context: undefined };
  return {
    variant,
    arm: {
      experimentId: e.id,
      experimentKey: e.key,
      variantKey: qualifiedKey(e.key, variant.key),
      control: variant.control,
      ...(context !== undefined ? { context } : {}),
    },
  };
};

/**
 * The assignment of one customer. `inAudience` says whether the customer is in an
 * experiment's audience (the caller knows members' tiers, tags and join dates).
 */
export function assignCustomer(
  shop: string,
  experiments: readonly AssignableExperiment[],
  customerId: bigint,
  inAudience: (experiment: AssignableExperiment, customerId: bigint) => boolean,
  /** The instant of the question (epoch ms): a bandit's unrecorded newcomer is assigned under the allocation then. */
  at: number = Infinity,
): MemberAssignment {
  const arms: Arm[] = [];
  const holdout = experiments.find((e) => e.kind === "holdout");
  if (holdout && inAudience(holdout, customerId)) {
    const held = arm(shop, holdout, customerId, at);
    arms.push(held.arm);
    if (held.variant.control) return { heldOut: true, arms, overrides: [] };
  }
  const overrides: VariantOverride[] = [];
  const layerBuckets = new Map<string, number>();
  for (const e of experiments) {
    if (e.kind !== "test" || e.lever === null) continue;
    let bucket = layerBuckets.get(e.lever);
    if (bucket === undefined) {
      bucket = bucketOf(shop, layerSalt(e.lever), customerId);
      layerBuckets.set(e.lever, bucket);
    }
    if (bucket < e.layerStart || bucket >= e.layerEnd || !inAudience(e, customerId)) continue;
    const assigned = arm(shop, e, customerId, at);
    arms.push(assigned.arm);
    if (Object.keys(assigned.variant.override).length)
      overrides.push({ variantKey: assigned.arm.variantKey, patch: assigned.variant.override });
  }
  return { heldOut: false, arms, overrides };
}

/** Orders experiments so that overrides apply in a stable order: the holdout, then by lever. */
export function byLayer(a: AssignableExperiment, b: AssignableExperiment): number {
  if (a.kind !== b.kind) return a.kind === "holdout" ? -1 : 1;
  return (a.lever ?? "").localeCompare(b.lever ?? "") || a.layerStart - b.layerStart;
}

/** The first free range of `width` buckets in a layer whose taken ranges are given, or null. */
export function freeRange(
  taken: readonly { start: number; end: number }[],
  width: number,
): { start: number; end: number } | null {
  const sorted = [...taken].sort((a, b) => a.start - b.start);
  let cursor = 0;
  for (const r of sorted) {
    if (r.start - cursor >= width) return { start: cursor, end: cursor + width };
    cursor = Math.max(cursor, r.end);
  }
  return BUCKETS - cursor >= width ? { start: cursor, end: cursor + width } : null;
}
