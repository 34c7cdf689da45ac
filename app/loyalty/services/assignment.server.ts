import type { VariantOverride } from "../member-program";

// Which experiment variants each member of a shop is in: the one input of the program
// resolution (member-program.server.ts) that the experiments room owns. It sits in a module
// of its own so that room replaces this body without touching any surface (issue 13), and
// so tests can stand in for running experiments.

export interface Assignment {
  /** The overrides of the variants `customerId` is assigned to, in the order they apply. */
  overridesFor: (customerId: bigint) => readonly VariantOverride[];
  /**
   * Every override list `overridesFor` can return other than none. The surfaces that act on
   * all members at once (the scheduled run's candidate query, the tier-perk discount's
   * config) must cover each program a member may get, not only the live one.
   */
  combinations: readonly (readonly VariantOverride[])[];
}

const NONE: Assignment = { overridesFor: () => [], combinations: [] };

/**
 * The assignment of `shop`'s members at `at`: a pure function of the shop's running
 * experiments and the customer id, so one load serves a whole batch. No experiment exists
 * yet, so no member has overrides.
 */
export async function loadAssignment(_shop: string, _at: Date): Promise<Assignment> {
  return NONE;
}
