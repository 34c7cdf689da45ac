import {
  assigner,
  overrideCombinations,
  runningExperiments,
  type RunningSet,
} from "~/experiments/running.server";
import type { VariantOverride } from "../member-program";

// Which experiment variants each member of a shop is in, and whether they are in the
// program holdout: the one input of the program resolution (member-program.server.ts)
// that the experiments room owns (app/experiments/README.md). Its own module so tests can
// stand in for running experiments.

export interface Assignment {
  /** The overrides of the variants `customerId` is assigned to, in the order they apply. */
  overridesFor: (customerId: bigint) => readonly VariantOverride[];
  /** In the program holdout's no-program arm: the member gets no program at all. */
  heldOut: (customerId: bigint) => boolean;
  /** When the running holdout began (orders placed before it earn as usual). */
  heldOutSince?: Date;
  /**
   * Every override list `overridesFor` can return other than none. The surfaces that act on
   * all members at once (the scheduled run's candidate query, the tier-perk discount's
   * config) must cover each program a member may get, not only the live one.
   */
  combinations: readonly (readonly VariantOverride[])[];
}

/**
 * The assignment of `shop`'s members at `at`: a pure function of the shop's running
 * experiments (cached a few seconds per shop) and the customer id, so one load serves a
 * whole batch.
 */
export async function loadAssignment(shop: string, at: Date): Promise<Assignment> {
  return assignmentOf(shop, await runningExperiments(shop), at);
}

/** The assignment under a given set of experiments in force (the running set, or one of the past's). */
export function assignmentOf(shop: string, set: RunningSet, at: Date): Assignment {
  if (!set.experiments.length) return { overridesFor: () => [], heldOut: () => false, combinations: [] };
  const of = assigner(shop, set, at);
  const since = set.experiments.find((e) => e.kind === "holdout")?.launchedAt;
  return {
    overridesFor: (customerId) => of(customerId).overrides,
    heldOut: (customerId) => of(customerId).heldOut,
    ...(since ? { heldOutSince: since } : {}),
    combinations: overrideCombinations(set),
  };
}
