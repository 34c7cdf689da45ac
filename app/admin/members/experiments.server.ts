import type { PrismaClient } from "~/db.server";
import { assigner, runningExperiments } from "~/experiments/running.server";

// A member's holdout status, experiments and variants for their detail page: the same pure
// assignment every surface uses (the salted hash over the shop's running experiments), so
// the page shows what the member actually gets; with their exposure and, when held out,
// what the shadow ledger says they would have earned.

export type MemberExperimentsView = {
  heldOut: boolean;
  shadowPoints: number;
  arms: {
    experimentId: string;
    experimentName: string;
    kind: "holdout" | "test";
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
  const set = await runningExperiments(shop);
  const assignment = assigner(shop, set, at)(customerId);
  const ids = assignment.arms.map((a) => a.experimentId);
  const [experiments, exposures, shadow] = await Promise.all([
    db.experiment.findMany({ where: { shop, id: { in: ids } }, include: { variants: true } }),
    db.experimentExposure.findMany({ where: { shop, customerId, experimentId: { in: ids } } }),
    db.holdoutShadowEntry.aggregate({ where: { shop, customerId }, _sum: { points: true } }),
  ]);
  return {
    heldOut: assignment.heldOut,
    shadowPoints: shadow._sum.points ?? 0,
    arms: assignment.arms.flatMap((a) => {
      const e = experiments.find((x) => x.id === a.experimentId);
      const variant = e?.variants.find((v) => `${e.key}:${v.key}` === a.variantKey);
      if (!e || !variant) return [];
      const exposedAt = exposures.find((x) => x.experimentId === e.id)?.exposedAt ?? null;
      return [
        {
          experimentId: e.id,
          experimentName: e.name,
          kind: e.kind,
          variantName: variant.name,
          control: variant.control,
          exposedAt: exposedAt?.toISOString() ?? null,
        },
      ];
    }),
  };
}
