import type { PrismaClient } from "~/db.server";
import { recordExposures } from "~/experiments/exposure.server";
import type { LedgerKind } from "~/loyalty/ledger";
import { memberProgram } from "~/loyalty/services/member-program.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { ACTIVITY_LIMIT, memberStatus, type MemberStatus, type StatusActivityRow } from "./member-status";
import { programSummary } from "./program-summary";

// GET /apps/loyalty/status for one customer: four indexed reads run side by side (the
// member's program, their cached balances and tier, the newest ledger entries with their
// order names, redemptions that count against limits), then the pure presenter.

export async function loadMemberStatus(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  now: Date,
): Promise<MemberStatus> {
  // Exposure: the first logged-in storefront view, the same in every arm (the holdout's too).
  await recordExposures(
    (sql, params) => db.$executeRawUnsafe(sql, ...params),
    shop,
    [{ customerId, at: now }],
    "storefront",
  );
  const [{ program, heldOut }, member, activity, limited] = await Promise.all([
    memberProgram(db, shop, customerId, now),
    db.member.findUnique({
      where: { shop_customerId: { shop, customerId } },
      select: {
        status: true,
        availablePoints: true,
        pendingPoints: true,
        tierId: true,
        tierValue: true,
        birthdayMonth: true,
        birthdayDay: true,
      },
    }),
    db.$queryRaw<Array<Omit<StatusActivityRow, "kind"> & { kind: LedgerKind }>>`
      SELECT e."key", e."kind"::text AS "kind", e."points", e."bucket"::text AS "bucket",
             e."occurredAt", o."name" AS "orderName"
      FROM "LedgerEntry" e
      LEFT JOIN "Order" o ON o."shop" = e."shop" AND o."id" = e."orderId"
      WHERE e."shop" = ${shop} AND e."customerId" = ${customerId} AND e."kind" <> 'release'
      ORDER BY e."occurredAt" DESC, e."id" DESC
      LIMIT ${ACTIVITY_LIMIT}`,
    db.redemption.groupBy({
      by: ["rewardId"],
      where: { shop, customerId, status: { not: "failed" }, returnedAt: null },
      _count: { _all: true },
    }),
  ]);
  // The program holdout sees nothing of the program (its exposure is still recorded by the route).
  if (heldOut) return { member: false, reason: "noProgram", currency: program.currency };
  return memberStatus({
    currency: program.currency,
    program,
    member: member && { ...member, tierValue: Number(member.tierValue) },
    activity,
    redemptionsByReward: new Map(limited.map((r) => [r.rewardId, r._count._all])),
    now,
  });
}

/**
 * What a signed-out visitor's join call to action can promise, and the program that sells it
 * (ways to earn, rewards with their conditions, tiers, the widget's copy): no customer, so
 * the live program.
 */
export async function loadJoinOffer(db: PrismaClient, shop: string, now: Date) {
  const { program } = await currentProgramVersion(db, shop);
  return {
    currency: program.currency,
    enrollment: program.membership.enrollment,
    pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
    signupBonus: program.earning.bonuses.signup,
    ...programSummary(program, now),
  };
}
