import type { PrismaClient } from "~/db.server";
import { ledgerEvent, recordEvents } from "~/loyalty/services/events.server";
import { appendEntries, lockMember } from "~/loyalty/services/ledger.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { assigner, runningExperiments } from "./running.server";
import { audit, conflict, getExperiment, notFound, type Outcome } from "./experiments.server";

// The program holdout beyond the crediting paths: whether a customer is held out (for
// campaigns, which must skip them), what a member's assignment is (the member detail),
// and the one-click grant of the shadow points when the merchant ends the holdout.

/**
 * A predicate over customer ids: true for customers in the running holdout's no-program
 * arm. Campaigns call it once per send and skip whom it names (the holdout exposed them at
 * assignment; a message-variant experiment exposes on `recordExposures(…, "message")`).
 */
export async function heldOutCustomers(shop: string, at: Date): Promise<(customerId: bigint) => boolean> {
  const set = await runningExperiments(shop);
  if (!set.experiments.some((e) => e.kind === "holdout")) return () => false;
  const of = assigner(shop, set, at);
  return (customerId) => of(customerId).heldOut;
}

export interface MemberExperiments {
  heldOut: boolean;
  /** Each running experiment the member is in (the holdout first), with their variant and exposure. */
  arms: {
    experimentId: string;
    experimentName: string;
    kind: "holdout" | "test" | "campaign";
    variantKey: string;
    variantName: string;
    control: boolean;
    exposedAt: Date | null;
  }[];
  /** Points the shadow ledger holds for them (what they would have earned), when held out. */
  shadowPoints: number;
}

/** The member detail's experiments card: holdout status, experiments and variants. */
export async function memberExperiments(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  at: Date,
): Promise<MemberExperiments> {
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
    arms: assignment.arms.flatMap((a) => {
      const e = experiments.find((x) => x.id === a.experimentId);
      const variant = e?.variants.find((v) => `${e.key}:${v.key}` === a.variantKey);
      if (!e || !variant) return [];
      return [
        {
          experimentId: e.id,
          experimentName: e.name,
          kind: e.kind,
          variantKey: variant.key,
          variantName: variant.name,
          control: variant.control,
          exposedAt: exposures.find((x) => x.experimentId === e.id)?.exposedAt ?? null,
        },
      ];
    }),
    shadowPoints: shadow._sum.points ?? 0,
  };
}

export const holdoutGrantKey = (shop: string, experimentKey: string, customerId: bigint) =>
  `${shop}:customer:${customerId}:bonus:holdout:${experimentKey}`;

/**
 * Grants each customer of an ended holdout the points its shadow ledger holds, as one bonus
 * entry per customer keyed by the holdout, so a second click (or a retry after a crash
 * half-way) grants nobody twice. Audited with the totals. 409 while the holdout runs.
 */
export async function grantHoldoutPoints(
  db: PrismaClient,
  shop: string,
  experimentId: string,
  options: { staffId?: string | null; now?: Date } = {},
): Promise<Outcome<{ members: number; points: number }>> {
  const holdout = await getExperiment(db, shop, experimentId);
  if (!holdout || holdout.kind !== "holdout") return notFound();
  if (holdout.status !== "stopped") return conflict("End the holdout before granting its points.");
  const now = options.now ?? new Date();
  const owed = await db.holdoutShadowEntry.groupBy({
    by: ["customerId"],
    where: { shop, experimentId },
    _sum: { points: true },
    orderBy: { customerId: "asc" },
  });
  const { version } = await currentProgramVersion(db, shop);
  let members = 0;
  let points = 0;
  for (const row of owed) {
    const amount = row._sum.points ?? 0;
    if (amount <= 0) continue;
    const granted = await db.$transaction(async (tx) => {
      const member = await lockMember(tx, shop, row.customerId);
      if (!member || member.status === "deleted") return 0;
      const entry = {
        key: holdoutGrantKey(shop, holdout.key, row.customerId),
        kind: "bonus" as const,
        points: amount,
        bucket: "available" as const,
        occurredAt: now,
        programVersion: version,
        staffId: options.staffId ?? null,
        reason: "Points earned during the program holdout",
      };
      const result = await appendEntries(tx, member, [entry]);
      if (!result.inserted.length) return 0;
      await recordEvents(tx, shop, [ledgerEvent(row.customerId, "pointsEarned", result.inserted[0]!)]);
      return amount;
    });
    if (granted) {
      members++;
      points += granted;
    }
  }
  await db.experiment.updateMany({
    where: { id: experimentId, shop, grantedAt: null },
    data: { grantedAt: now },
  });
  if (members) await audit(db, shop, experimentId, "grant", options.staffId ?? null, { members, points });
  return { ok: true, value: { members, points } };
}
