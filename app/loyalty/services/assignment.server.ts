import { changeInstants, inForceAt } from "~/experiments/history";
import {
  assigner,
  experimentHistory,
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

/** The assignment over the past: what `loadAssignment` would have answered at any instant. */
export interface AssignmentHistory {
  /** The instants at which the experiments in force (or their schedules) change, ascending. */
  changes: readonly number[];
  /** The assignment at `at`: the same for every instant between two changes. */
  at: (at: Date) => Assignment;
  /** The program holdout in force at `at`, if any (its id: what shadow entries belong to). */
  holdoutAt: (at: Date) => string | null;
}

/**
 * Every experiment `shop` ever launched, with when each was in force (launch to stop, less
 * audited pauses), as assignments at any instant: for replaying history (the backfill).
 */
export async function loadAssignmentHistory(shop: string): Promise<AssignmentHistory> {
  const past = await experimentHistory(shop);
  const holdouts = past.experiments.filter((e) => e.kind === "holdout");
  return {
    changes: changeInstants(past.experiments),
    at: (at) =>
      assignmentOf(
        shop,
        { experiments: inForceAt(past.experiments, at.getTime()), audiences: past.audiences },
        at,
      ),
    holdoutAt: (at) => inForceAt(holdouts, at.getTime())[0]?.id ?? null,
  };
}
