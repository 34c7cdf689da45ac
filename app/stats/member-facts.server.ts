import type { PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";

// The member facts behind the dashboard's recommendations (ADR 0052):
// how many members are active, the points the median member earns in 90 days, and how many
// can afford each reward. At a million members that is a sort and three counts over every
// member (about a second), so the stats refresh stores them beside LoyaltyStatsSnapshot every
// MEMBER_FACTS_EVERY_MS and the dashboard reads them, dated; a reward cost the stored facts do
// not cover (the program just changed) is counted live.

export const MEMBER_FACTS_EVERY_MS = 15 * 60_000;
/** Facts older than this (the refresh is behind) are computed live instead. */
const MEMBER_FACTS_MAX_AGE_MS = 2 * MEMBER_FACTS_EVERY_MS;

export interface MemberFacts {
  active: number;
  /** Points the median active member earns in 90 days (null without active members). */
  medianEarned90: number | null;
  /** Active members with at least each reward cost's points available, by cost. */
  canAfford: Map<number, number>;
  /** The instant the facts are as of. */
  at: Date;
}

type Stored = { active: number; medianEarned90: number | null; canAfford: [number, number][] };

// Points a member earns in 90 days: lifetime points over their time in the program (at least
// 90 days, so a new member's first order is not read as a quarter's pace).
async function countFacts(db: PrismaClient, shop: string, now: Date, costs: readonly number[]) {
  const [members, reach] = await Promise.all([
    db.$queryRaw<{ active: bigint; median_earned: number | null }[]>`
      SELECT count(*) AS active,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "lifetimePoints" * 90.0 /
               GREATEST(90, EXTRACT(EPOCH FROM (${now}::timestamp - COALESCE("enrolledAt", "createdAt"))) / 86400))
               AS median_earned
      FROM "Member" WHERE shop = ${shop} AND status = 'active'`,
    costs.length
      ? db.$queryRaw<{ cost: number; members: bigint }[]>`
          SELECT c.cost, (SELECT count(*) FROM "Member" m
                          WHERE m.shop = ${shop} AND m.status = 'active' AND m."availablePoints" >= c.cost) AS members
          FROM unnest(${[...costs]}::int[]) AS c(cost)`
      : Promise.resolve([]),
  ]);
  return {
    active: Number(members[0]?.active ?? 0),
    medianEarned90: members[0]?.median_earned ?? null,
    canAfford: new Map(reach.map((r) => [r.cost, Number(r.members)])),
  };
}

/** Recomputes and stores the shop's member facts for the live program's rewards when they are due (or `force`). */
export async function refreshMemberFacts(
  db: PrismaClient,
  shop: string,
  now: Date,
  options: { force?: boolean } = {},
): Promise<boolean> {
  if (!options.force) {
    const row = await db.loyaltyStatsSnapshot.findUnique({
      where: { shop },
      select: { memberFactsAt: true },
    });
    if (row?.memberFactsAt && now.getTime() - row.memberFactsAt.getTime() < MEMBER_FACTS_EVERY_MS)
      return false;
  }
  const { program } = await currentProgramVersion(db, shop);
  const costs = [...new Set(program.rewards.filter((r) => r.active).map((r) => r.pointsCost))];
  const facts = await countFacts(db, shop, now, costs);
  const stored: Stored = { ...facts, canAfford: [...facts.canAfford] };
  await db.loyaltyStatsSnapshot.upsert({
    where: { shop },
    create: { shop, memberFacts: stored, memberFactsAt: now, refreshedAt: now },
    update: { memberFacts: stored, memberFactsAt: now },
  });
  return true;
}

/** The dashboard's member facts: stored when recent enough, a cost they lack counted live; else all live. */
export async function memberFacts(
  db: PrismaClient,
  shop: string,
  now: Date,
  costs: readonly number[],
): Promise<MemberFacts> {
  const row = await db.loyaltyStatsSnapshot.findUnique({
    where: { shop },
    select: { memberFacts: true, memberFactsAt: true },
  });
  const fresh =
    row?.memberFacts &&
    row.memberFactsAt &&
    now.getTime() - row.memberFactsAt.getTime() <= MEMBER_FACTS_MAX_AGE_MS;
  if (!fresh) return { ...(await countFacts(db, shop, now, costs)), at: now };
  const stored = row.memberFacts as unknown as Stored;
  const canAfford = new Map(stored.canAfford);
  const missing = costs.filter((c) => !canAfford.has(c));
  if (missing.length)
    for (const [cost, n] of (await countFacts(db, shop, now, missing)).canAfford) canAfford.set(cost, n);
  return { active: stored.active, medianEarned90: stored.medianEarned90, canAfford, at: row.memberFactsAt! };
}
