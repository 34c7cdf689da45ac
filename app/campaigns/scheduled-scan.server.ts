import { Prisma, type PrismaClient } from "~/db.server";
import { memberPrograms, shopPrograms } from "~/loyalty/services/member-program.server";
import { qualifyingHistory } from "~/loyalty/services/tiers.server";
import { migratedFloor } from "~/loyalty/tiers";
import {
  almostThere,
  birthdayOccurrence,
  birthdaysOn,
  downgradeWarning,
  localDate,
  predictedDowngradeWarning,
  readTriggerSettings,
  winBackOccurrence,
} from "./scheduled-triggers";
import { SCHEDULED_TRIGGERS, type TriggerKind } from "./triggers";

// The scan of the triggers that read the members' state rather than events: birthday,
// tier downgrade warning, win-back, almost there. Per shop and per enabled campaign, one
// keyset-paged query narrows the members in SQL (the birthday's date, members in a
// downgrade grace period, members the latest churn run flags and who have not heard from
// the campaign within its cool-down, members near a reward or the next tier; for a rolling
// tier window, also members with an order leaving it soon, whose history is then read to
// predict the fall: scheduled-triggers.ts predictedDowngradeWarning); the pure
// rules in scheduled-triggers.ts decide and give the occurrence; one insert per page
// creates the sends, skipping those that exist, so a repeated scan creates nothing.

const PAGE = 1_000;
const DAY_MS = 86_400_000;

type GraceRow = {
  customerId: bigint;
  tierId: string;
  tierBelowSince: Date | null;
  migratedTierId: string | null;
  migratedTierUntil: Date | null;
};

type Campaign = {
  id: string;
  trigger: string | null;
  channel: string;
  transactional: boolean;
  triggerSettings: Prisma.JsonValue;
  enabledAt: Date | null;
};

type Fire = { customerId: bigint; occurrence: string };

/** Installed shops with a scheduled trigger campaign switched on. */
export async function shopsWithScheduledTriggers(db: PrismaClient): Promise<string[]> {
  const rows = await db.$queryRaw<{ shop: string }[]>`
    SELECT DISTINCT c."shop" FROM "Campaign" c JOIN "Shop" s ON s."domain" = c."shop"
    WHERE c."kind" = 'trigger' AND c."enabled" AND c."trigger" IN (${Prisma.join(SCHEDULED_TRIGGERS)})
      AND s."status" = 'installed'`;
  return rows.map((r) => r.shop);
}

/** Ids of the sends created. */
export async function scanScheduledTriggers(
  db: PrismaClient,
  shop: string,
  now = new Date(),
): Promise<string[]> {
  const campaigns = await db.campaign.findMany({
    where: {
      shop,
      kind: "trigger",
      enabled: true,
      enabledAt: { not: null },
      trigger: { in: SCHEDULED_TRIGGERS },
    },
    select: {
      id: true,
      trigger: true,
      channel: true,
      transactional: true,
      triggerSettings: true,
      enabledAt: true,
    },
  });
  if (!campaigns.length) return [];
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } });
  const timeZone = shopRow?.ianaTimezone ?? "UTC";
  const programOf = await memberPrograms(db, shop, now);
  let cheapest: Promise<number | null> | null = null;
  const cheapestReward = () => (cheapest ??= cheapestRewardCost(db, shop, now));
  const created: string[] = [];
  for (const campaign of campaigns) {
    const scan = scanners[campaign.trigger as ScheduledKind];
    if (!scan) continue;
    let after = -1n;
    for (;;) {
      const { rows, last } = await scan({
        db,
        shop,
        campaign,
        after,
        now,
        timeZone,
        programOf,
        cheapestReward,
      });
      const fires = rows.filter((f) => !programOf(f.customerId).heldOut);
      if (fires.length) {
        const inserted = await db.campaignSend.createManyAndReturn({
          data: fires.map((f) => ({
            shop,
            campaignId: campaign.id,
            customerId: f.customerId,
            occurrence: f.occurrence,
            channel: campaign.channel,
            transactional: campaign.transactional,
            queuedAt: now,
          })),
          skipDuplicates: true,
          select: { id: true },
        });
        created.push(...inserted.map((r) => r.id));
      }
      if (last === null) break;
      after = last;
    }
  }
  return created;
}

type ScheduledKind = Extract<TriggerKind, "birthday" | "tierDowngradeWarning" | "winBack" | "almostThere">;

type ScanInput = {
  db: PrismaClient;
  shop: string;
  campaign: Campaign;
  after: bigint;
  now: Date;
  timeZone: string;
  programOf: Awaited<ReturnType<typeof memberPrograms>>;
  /** The cheapest reward's cost under any program in play (null: no rewards), read once per scan. */
  cheapestReward: () => Promise<number | null>;
};

/** A page of fires and the cursor for the next page (null: this was the last). */
type Page = { rows: Fire[]; last: bigint | null };

const pageOf = <T extends { customerId: bigint }>(rows: T[], fires: Fire[]): Page => ({
  rows: fires,
  last: rows.length === PAGE ? rows.at(-1)!.customerId : null,
});

const scanners: Record<ScheduledKind, (input: ScanInput) => Promise<Page>> = {
  async birthday({ db, shop, campaign, after, now, timeZone }) {
    const today = localDate(now, timeZone);
    const { month, days } = birthdaysOn(today);
    const occurrence = birthdayOccurrence(today);
    const rows = await db.$queryRaw<{ customerId: bigint }[]>`
      SELECT m."customerId" FROM "Member" m
      WHERE m."shop" = ${shop} AND m."status" = 'active' AND m."customerId" > ${after}
        AND m."birthdayMonth" = ${month} AND m."birthdayDay" = ANY(${days}::int[])
        AND NOT EXISTS (SELECT 1 FROM "CampaignSend" s WHERE s."campaignId" = ${campaign.id}::uuid
                          AND s."customerId" = m."customerId" AND s."occurrence" = ${occurrence})
      ORDER BY m."customerId" LIMIT ${PAGE}`;
    return pageOf(
      rows,
      rows.map((r) => ({ customerId: r.customerId, occurrence })),
    );
  },

  async tierDowngradeWarning({ db, shop, campaign, after, now, programOf }) {
    const { daysBefore } = readTriggerSettings("tierDowngradeWarning", campaign.triggerSettings);
    // Members in a grace period, and (for a rolling window) members with an order or points
    // leaving the window within daysBefore days, or in the last month (a fall a weekly or
    // monthly evaluation has not recorded yet).
    const yearAgo = new Date(now);
    yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
    const from = new Date(yearAgo.getTime() - 31 * DAY_MS).toISOString();
    const to = new Date(yearAgo.getTime() + daysBefore * DAY_MS).toISOString();
    const rows = await db.$queryRaw<GraceRow[]>`
      SELECT m."customerId", m."tierId", m."tierBelowSince", m."migratedTierId", m."migratedTierUntil"
      FROM "Member" m
      WHERE m."shop" = ${shop} AND m."status" = 'active' AND m."customerId" > ${after}
        AND m."tierId" IS NOT NULL
        AND (m."tierBelowSince" IS NOT NULL
          OR EXISTS (SELECT 1 FROM "Order" o WHERE o."shop" = m."shop" AND o."customerId" = m."customerId"
                       AND COALESCE(o."shopifyCreatedAt", o."processedAt") > ${from}::timestamp
                       AND COALESCE(o."shopifyCreatedAt", o."processedAt") <= ${to}::timestamp)
          OR EXISTS (SELECT 1 FROM "LedgerEntry" l WHERE l."shop" = m."shop" AND l."customerId" = m."customerId"
                       AND l."occurredAt" > ${from}::timestamp AND l."occurredAt" <= ${to}::timestamp))
      ORDER BY m."customerId" LIMIT ${PAGE}`;
    const fires: Fire[] = [];
    for (const r of rows) {
      const { program } = programOf(r.customerId);
      const warning = r.tierBelowSince
        ? downgradeWarning(r, program.tiers, daysBefore, now)
        : program.tiers.window === "rolling12m"
          ? predictedDowngradeWarning(
              { tierId: r.tierId, floor: migratedFloor(r) },
              await qualifyingHistory(db, { shop, customerId: r.customerId }, program),
              program.tiers,
              daysBefore,
              now,
            )
          : null;
      if (warning) fires.push({ customerId: r.customerId, occurrence: warning.occurrence });
    }
    return pageOf(rows, fires);
  },

  async winBack({ db, shop, campaign, after, now }) {
    const { cooldownDays } = readTriggerSettings("winBack", campaign.triggerSettings);
    const since = new Date(now.getTime() - cooldownDays * 86_400_000);
    // Flagged by a churn run computed after the campaign was switched on; not messaged by
    // this campaign within the cool-down.
    const rows = await db.$queryRaw<{ customerId: bigint; runId: string }[]>`
      SELECT r."customerId", r."runId"::text AS "runId" FROM "MemberChurnRisk" r
      JOIN "Member" m ON m."shop" = r."shop" AND m."customerId" = r."customerId"
      WHERE r."shop" = ${shop} AND r."atRisk" AND r."customerId" > ${after}
        AND m."status" = 'active' AND r."computedAt" >= ${campaign.enabledAt!.toISOString()}::timestamp
        AND NOT EXISTS (SELECT 1 FROM "CampaignSend" s WHERE s."campaignId" = ${campaign.id}::uuid
                          AND s."customerId" = r."customerId" AND s."queuedAt" > ${since.toISOString()}::timestamp)
      ORDER BY r."customerId" LIMIT ${PAGE}`;
    return pageOf(
      rows,
      rows.map((r) => ({ customerId: r.customerId, occurrence: winBackOccurrence(r.runId) })),
    );
  },

  async almostThere({ db, shop, campaign, after, now, programOf, cheapestReward }) {
    const settings = readTriggerSettings("almostThere", campaign.triggerSettings);
    const cost = await cheapestReward();
    // The smallest balance that can be "almost there" under any program in play.
    const reach = cost === null ? null : Math.ceil((cost * settings.rewardPercent) / 100);
    const conditions: Prisma.Sql[] = [];
    if (reach !== null) conditions.push(Prisma.sql`m."availablePoints" >= ${reach}`);
    if (settings.tierWithin !== null)
      conditions.push(
        Prisma.sql`(m."nextTierId" IS NOT NULL AND m."tierRemaining" > 0 AND m."tierRemaining" <= ${settings.tierWithin})`,
      );
    if (!conditions.length) return { rows: [], last: null };
    const rows = await db.$queryRaw<
      {
        customerId: bigint;
        availablePoints: number;
        redeemedPoints: number;
        nextTierId: string | null;
        tierRemaining: bigint;
      }[]
    >`
      SELECT m."customerId", m."availablePoints", m."redeemedPoints", m."nextTierId", m."tierRemaining"
      FROM "Member" m
      WHERE m."shop" = ${shop} AND m."status" = 'active' AND m."customerId" > ${after}
        AND (${Prisma.join(conditions, " OR ")})
      ORDER BY m."customerId" LIMIT ${PAGE}`;
    const fires = rows.flatMap((r) => {
      const { program } = programOf(r.customerId);
      const fire = almostThere(
        { ...r, tierRemaining: Number(r.tierRemaining) },
        program.rewards,
        program.tiers,
        settings,
        now,
      );
      return fire ? [{ customerId: r.customerId, occurrence: fire.occurrence }] : [];
    });
    return pageOf(rows, fires);
  },
};

async function cheapestRewardCost(db: PrismaClient, shop: string, now: Date): Promise<number | null> {
  const programs = await shopPrograms(db, shop, now);
  const costs = programs.all.flatMap((p) => p.program.rewards.map((r) => r.pointsCost));
  return costs.length ? Math.min(...costs) : null;
}
