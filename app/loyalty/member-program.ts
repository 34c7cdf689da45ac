import { programSchema, type Program } from "./program";

/**
 * What one experiment variant changes in the program a member experiences: a partial
 * program (objects merge key by key, arrays such as the reward set or the tiers are
 * replaced whole). `variantKey` names the variant on every ledger entry it produces.
 */
export interface VariantOverride {
  variantKey: string;
  patch: Record<string, unknown>;
}

/** The program a member gets: a live program version plus the overrides of their variants. */
export interface MemberProgram {
  program: Program;
  version: number;
  /** Keys of the experiment variants whose overrides shaped `program`, in the order applied. */
  variants: string[];
  /**
   * In the program holdout: the member gets no program (earns nothing, sees nothing).
   * `program` is then the live one, what they would have got, for the shadow ledger.
   */
  heldOut?: boolean;
  /** When the holdout began: orders placed before it earn as they always did. */
  heldOutSince?: Date;
}

/** Every program a shop's members get, for the surfaces that act on all of them at once. */
export interface ShopPrograms {
  /** The program of one member. */
  of: (customerId: bigint) => MemberProgram;
  /** Every program a member may get: the live one first, then one per combination of variants in play. */
  all: readonly MemberProgram[];
}

export class InvalidOverride extends Error {
  constructor(
    readonly variantKey: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `Variant ${variantKey} makes an invalid program: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    );
    this.name = "InvalidOverride";
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function merge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(base[key], value);
  return out;
}

/**
 * The live program with `overrides` applied in order. The version never changes (entries
 * record it next to the variants), and the result is validated as a program: an override
 * that breaks the schema throws `InvalidOverride` rather than crediting under nonsense.
 */
export function applyOverrides(live: Program, overrides: readonly VariantOverride[]): Program {
  let merged: unknown = live;
  for (const { patch } of overrides) merged = merge(merged, patch);
  const parsed = programSchema.safeParse({ ...(merged as object), version: live.version });
  if (!parsed.success) {
    const key = overrides.map((o) => o.variantKey).join("+");
    throw new InvalidOverride(
      key,
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    );
  }
  return parsed.data;
}

/**
 * Resolves members' programs against one live version and one assignment rule. Members of
 * the same variants share one merged program object, so a batch of thousands of members
 * merges and validates once per distinct variant set.
 */
export function programResolver(
  live: { version: number; program: Program },
  assign: (customerId: bigint) => readonly VariantOverride[],
  heldOut: (customerId: bigint) => boolean = () => false,
  heldOutSince?: Date,
): (customerId: bigint) => MemberProgram {
  const plain: MemberProgram = { program: live.program, version: live.version, variants: [] };
  const held: MemberProgram = { ...plain, heldOut: true, ...(heldOutSince ? { heldOutSince } : {}) };
  const merged = new Map<string, MemberProgram>();
  return (customerId) => {
    if (heldOut(customerId)) return held;
    const overrides = assign(customerId);
    if (!overrides.length) return plain;
    const key = overrides.map((o) => o.variantKey).join("\u0000");
    let resolved = merged.get(key);
    if (!resolved) {
      resolved = {
        program: applyOverrides(live.program, overrides),
        version: live.version,
        variants: overrides.map((o) => o.variantKey),
      };
      merged.set(key, resolved);
    }
    return resolved;
  };
}

/**
 * Resolves members' programs at any instant from resolvers per span of time: `instants`
 * (ascending) are where the program version or the experiments in force change, and
 * `resolverFor(start)` resolves members for the span that starts at `start` (-Infinity
 * before the first instant). Each span's resolver is made once, on first use.
 */
export function timelineResolver(
  instants: readonly number[],
  resolverFor: (start: number) => (customerId: bigint) => MemberProgram,
): (customerId: bigint, at: Date) => MemberProgram {
  const spans = new Map<number, (customerId: bigint) => MemberProgram>();
  return (customerId, at) => {
    const t = at.getTime();
    let lo = 0;
    let hi = instants.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (instants[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === 0 ? -Infinity : instants[lo - 1]!;
    let resolve = spans.get(start);
    if (!resolve) {
      resolve = resolverFor(start);
      spans.set(start, resolve);
    }
    return resolve(customerId);
  };
}
