import type { PrismaClient } from "~/db.server";
import { memberExperiments } from "~/experiments/holdout.server";

// A member's holdout status, experiments and variants for their detail page, from the
// experiments domain (the same pure assignment every surface uses), with dates as ISO text.

export type MemberExperimentsView = {
  heldOut: boolean;
  shadowPoints: number;
  arms: {
    experimentId: string;
    experimentName: string;
    kind: "holdout" | "test" | "campaign";
    variantName: string;
    control: boolean;
    exposedAt: string | null;
  }[];
};

export async function loadMemberExperiments(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  at: Date,
): Promise<MemberExperimentsView> {
  const found = await memberExperiments(db, shop, customerId, at);
  return {
    heldOut: found.heldOut,
    shadowPoints: found.shadowPoints,
    arms: found.arms.map((a) => ({
      experimentId: a.experimentId,
      experimentName: a.experimentName,
      kind: a.kind,
      variantName: a.variantName,
      control: a.control,
      exposedAt: a.exposedAt?.toISOString() ?? null,
    })),
  };
}
