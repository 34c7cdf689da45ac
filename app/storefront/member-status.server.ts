import type { PrismaClient } from "~/db.server";
import { recordExposures } from "~/experiments/exposure.server";
import type { LedgerKind } from "~/loyalty/ledger";
import { memberProgramsOf } from "~/loyalty/services/member-program.server";
import { currentProgramVersion, latestVersionColumns, liveVersion } from "~/loyalty/services/program.server";
import { ACTIVITY_LIMIT, memberStatus, type MemberStatus, type StatusMemberRow } from "./member-status";
import { programSummary } from "./program-summary";

// GET /apps/loyalty/status for one customer: one statement reads what the answer needs (the
// live program's version, the member's cached balances and tier, the newest ledger entries
// with their order names, redemptions that count against limits), then the pure presenter.
// One round trip rather than five: the storefront is the app's busiest path, and on a
// machine shared with a backfill each round trip waits for a core (ADR 0063).

type StatusRow = {
  version: number | null;
  versionCreatedAt: Date | null;
  status: StatusMemberRow["status"] | null;
  availablePoints: number | null;
  pendingPoints: number | null;
  tierId: string | null;
  tierValue: bigint | null;
  birthdayMonth: number | null;
  birthdayDay: number | null;
  /** Newest first; `at` in epoch milliseconds (timestamp(3) holds whole milliseconds). */
  activity: Array<{
    key: string;
    kind: LedgerKind;
    points: number;
    bucket: "available" | "pending";
    at: number;
    orderName: string | null;
  }>;
  redemptions: Array<{ rewardId: string; n: number }>;
};

export async function loadMemberStatus(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  now: Date,
): Promise<MemberStatus> {
  const read = db.$queryRaw<StatusRow[]>`
      SELECT ${latestVersionColumns(shop)},
        m."status"::text AS "status", m."availablePoints", m."pendingPoints", m."tierId", m."tierValue",
        m."birthdayMonth", m."birthdayDay",
        (SELECT COALESCE(json_agg(a ORDER BY a."at" DESC, a."id" DESC), '[]'::json) FROM (
           SELECT e."id", e."key", e."kind"::text AS "kind", e."points", e."bucket"::text AS "bucket",
                  (extract(epoch FROM e."occurredAt") * 1000)::float8 AS "at", o."name" AS "orderName"
           FROM "LedgerEntry" e
           LEFT JOIN "Order" o ON o."shop" = e."shop" AND o."id" = e."orderId"
           WHERE e."shop" = ${shop} AND e."customerId" = ${customerId} AND e."kind" <> 'release'
           ORDER BY e."occurredAt" DESC, e."id" DESC
           LIMIT ${ACTIVITY_LIMIT}) a) AS "activity",
        (SELECT COALESCE(json_agg(r), '[]'::json) FROM (
           SELECT "rewardId", count(*)::int AS "n" FROM "Redemption"
           WHERE "shop" = ${shop} AND "customerId" = ${customerId} AND "status" <> 'failed' AND "returnedAt" IS NULL
           GROUP BY "rewardId") r) AS "redemptions"
      FROM (SELECT 1) AS one
      LEFT JOIN "Member" m ON m."shop" = ${shop} AND m."customerId" = ${customerId}`;
  const [[found], resolve] = await Promise.all([
    read,
    // The program resolution's other input (the running experiments) is loaded meanwhile.
    memberProgramsOf(
      read.then(([latest]) => liveVersion(db, shop, latest!)),
      shop,
      now,
    ),
    // Exposure: the first logged-in storefront view, the same in every arm (the holdout's too).
    recordExposures(
      (sql, params) => db.$executeRawUnsafe(sql, ...params),
      shop,
      [{ customerId, at: now }],
      "storefront",
    ),
  ]);
  // Always one row: the member's columns are null when there is no member.
  const row = found!;
  const { program, heldOut } = resolve(customerId);
  // The program holdout sees nothing of the program (its exposure is still recorded above).
  if (heldOut) return { member: false, reason: "noProgram", currency: program.currency };
  return memberStatus({
    currency: program.currency,
    program,
    member:
      row.status === null
        ? null
        : {
            status: row.status,
            availablePoints: row.availablePoints!,
            pendingPoints: row.pendingPoints!,
            tierId: row.tierId,
            tierValue: Number(row.tierValue),
            birthdayMonth: row.birthdayMonth,
            birthdayDay: row.birthdayDay,
          },
    activity: row.activity.map(({ key, kind, points, bucket, at, orderName }) => ({
      key,
      kind,
      points,
      bucket,
      occurredAt: new Date(at),
      orderName,
    })),
    redemptionsByReward: new Map(row.redemptions.map((r) => [r.rewardId, r.n])),
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
