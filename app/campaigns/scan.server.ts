import { Prisma, type PrismaClient } from "~/db.server";
import { memberPrograms } from "~/loyalty/services/member-program.server";
import { firesOn, isScheduledTrigger, isTriggerKind, TRIGGERS, type TriggerKind } from "./triggers";

// The trigger scan: reads the loyalty events recorded since each enabled trigger
// campaign was switched on (within the lookback) and creates one queued CampaignSend per
// (campaign, member, event key). The unique key makes the scan safe to repeat and to run
// concurrently; the caller enqueues a delivery job per created send, and the schedule
// re-enqueues any queued send whose job was lost.

/** Events older than this never trigger a message (a late scan after an outage, a replayed import). */
export const TRIGGER_LOOKBACK_MS = 6 * 60 * 60_000;
const PAGE = 1_000;

type Candidate = {
  id: bigint;
  campaignId: string;
  trigger: string;
  transactional: boolean;
  channel: string;
  customerId: bigint;
  key: string;
  type: string;
  payload: unknown;
  occurredAt: Date;
  availablePoints: number | null;
};

/** Ids of the sends created, oldest event first. */
export async function scanTriggers(db: PrismaClient, shop: string, now = new Date()): Promise<string[]> {
  const campaigns = await db.campaign.findMany({
    where: { shop, kind: "trigger", enabled: true, enabledAt: { not: null } },
    select: { trigger: true },
  });
  const triggers = [
    ...new Set(
      campaigns
        .map((c) => c.trigger)
        .filter(isTriggerKind)
        .filter((t) => !isScheduledTrigger(t)),
    ),
  ];
  if (!triggers.length) return [];
  const eventTypes = [...new Set(triggers.flatMap((t) => [...TRIGGERS[t].eventTypes]))];
  const since = new Date(now.getTime() - TRIGGER_LOOKBACK_MS);
  const programOf = await memberPrograms(db, shop, now);
  const created: string[] = [];
  let after = 0n;
  for (;;) {
    // Events of the campaigns' types recorded after the campaign was switched on, for
    // which the campaign has no send yet; the member's balance for the reward check.
    const page = await db.$queryRaw<Candidate[]>`
      SELECT e."id", c."id"::text AS "campaignId", c."trigger", c."transactional", c."channel",
             e."customerId", e."key", e."type", e."payload", e."occurredAt", m."availablePoints"
      FROM "LoyaltyEvent" e
      JOIN "Campaign" c ON c."shop" = e."shop" AND c."kind" = 'trigger' AND c."enabled"
        AND c."enabledAt" <= e."createdAt" AND c."trigger" IN (${Prisma.join(triggers)})
      LEFT JOIN "Member" m ON m."shop" = e."shop" AND m."customerId" = e."customerId"
      WHERE e."shop" = ${shop} AND e."type" IN (${Prisma.join(eventTypes)})
        AND e."customerId" IS NOT NULL AND e."id" > ${after}
        AND e."createdAt" >= ${since} AND e."occurredAt" >= ${since}
        AND NOT EXISTS (
          SELECT 1 FROM "CampaignSend" s
          WHERE s."campaignId" = c."id" AND s."customerId" = e."customerId" AND s."occurrence" = e."key")
      ORDER BY e."id", c."id"
      LIMIT ${PAGE}`;
    if (!page.length) break;
    after = page.at(-1)!.id;
    const firing = page.filter((row) => {
      if (!isTriggerKind(row.trigger) || row.availablePoints === null) return false;
      const resolved = programOf(row.customerId);
      // The program holdout gets no program, so no program messages either.
      if (resolved.heldOut) return false;
      const rewardCosts = resolved.program.rewards.map((r) => r.pointsCost);
      const entryTierIds = resolved.program.tiers.levels.filter((l) => l.threshold <= 0).map((l) => l.id);
      return firesOn(row.trigger as TriggerKind, row, {
        availablePoints: row.availablePoints,
        rewardCosts,
        entryTierIds,
      });
    });
    if (firing.length) {
      const rows = await db.campaignSend.createManyAndReturn({
        data: firing.map((row) => ({
          shop,
          campaignId: row.campaignId,
          customerId: row.customerId,
          occurrence: row.key,
          channel: row.channel,
          transactional: row.transactional,
          queuedAt: now,
        })),
        skipDuplicates: true,
        select: { id: true },
      });
      created.push(...rows.map((r) => r.id));
    }
    // A page cut inside one event's campaigns is re-read from that event on the next turn.
    if (page.length < PAGE) break;
    after = page.at(-1)!.id - 1n;
    if (page[0]!.id === page.at(-1)!.id) after = page[0]!.id;
  }
  return created;
}
