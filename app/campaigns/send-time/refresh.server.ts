import type { PrismaClient } from "~/db.server";
import type { MemberSendTime } from "~/generated/prisma/client";
import { bestHour, shopPrior } from "./best-hour";
import { bestChannel } from "./channel";
import { loadChannelStats, loadHourCounts, loadReachability, type HourActivityRow } from "./inputs.server";

// Applies the pure choices (best-hour.ts, channel.ts) to a shop's members and keeps them in
// MemberSendTime: the nightly job refreshes the whole shop; a send for a member without a row
// computes that member alone and stores it.

/** Opens and clicks from the message events, when the caller has them. */
export type EngagementInputs = { engagement?: HourActivityRow[]; answered?: string[] };

export type SendTimeChoiceRow = Omit<MemberSendTime, "shop" | "customerId" | "computedAt">;
type Row = SendTimeChoiceRow;

async function choose(
  db: PrismaClient,
  shop: string,
  inputs: EngagementInputs & { customerIds?: bigint[] },
): Promise<Map<bigint, Row>> {
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } });
  const timeZone = shopRow?.ianaTimezone ?? "UTC";
  const [hours, channels, reach] = await Promise.all([
    loadHourCounts(db, shop, timeZone, inputs),
    loadChannelStats(db, shop, inputs),
    loadReachability(db, shop, inputs),
  ]);
  const alpha = shopPrior(hours.shop);
  const none = { order: [], open: [], click: [] };
  const out = new Map<bigint, Row>();
  for (const [customerId, r] of reach) {
    const hour = bestHour(hours.members.get(customerId) ?? none, alpha);
    const channel = bestChannel(r, channels.shop, channels.members.get(customerId) ?? {});
    out.set(customerId, {
      hour: hour.hour,
      hourSource: hour.source,
      hourReason: hour.reason,
      channel: channel.channel,
      channels: channel.ranking,
      channelSource: channel.source,
      channelReason: channel.reason,
    });
  }
  return out;
}

const CHUNK = 5_000;

/**
 * Recomputes every active member's row of the shop. Rows are upserted in chunks (a reader
 * sees the old or the new choice, never none), then rows not touched by this run (former
 * members) go.
 */
export async function refreshSendTimes(
  db: PrismaClient,
  shop: string,
  now: Date,
  inputs: EngagementInputs = {},
): Promise<{ members: number }> {
  const rows = [...(await choose(db, shop, inputs))];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const col = <K extends keyof Row>(k: K) => chunk.map(([, r]) => r[k]);
    await db.$executeRaw`
      INSERT INTO "MemberSendTime" ("shop", "customerId", "hour", "hourSource", "hourReason", "channel",
        "channels", "channelSource", "channelReason", "computedAt")
      SELECT ${shop}, t.c, t.h, t.hs, t.hr, t.ch, string_to_array(t.chs, ','), t.cs, t.cr, ${now}::timestamp
      FROM unnest(
        ${chunk.map(([id]) => id)}::bigint[], ${col("hour")}::int[], ${col("hourSource")}::text[],
        ${col("hourReason")}::text[], ${col("channel")}::text[],
        ${chunk.map(([, r]) => r.channels.join(","))}::text[], ${col("channelSource")}::text[],
        ${col("channelReason")}::text[]) AS t(c, h, hs, hr, ch, chs, cs, cr)
      ON CONFLICT ("shop", "customerId") DO UPDATE SET "hour" = EXCLUDED."hour",
        "hourSource" = EXCLUDED."hourSource", "hourReason" = EXCLUDED."hourReason",
        "channel" = EXCLUDED."channel", "channels" = EXCLUDED."channels", "channelSource" = EXCLUDED."channelSource",
        "channelReason" = EXCLUDED."channelReason", "computedAt" = EXCLUDED."computedAt"`;
  }
  await db.memberSendTime.deleteMany({ where: { shop, computedAt: { lt: now } } });
  return { members: rows.length };
}

/** The member's choice computed now from the database, without storing it; null for a non-member. */
export async function computeMemberSendTime(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
): Promise<SendTimeChoiceRow | null> {
  return (await choose(db, shop, { customerIds: [customerId] })).get(customerId) ?? null;
}

/** The member's stored row, or (not stored yet) computed now and stored; null for a non-member. */
export async function memberSendTime(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  now: Date,
): Promise<MemberSendTime | null> {
  const stored = await db.memberSendTime.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (stored) return stored;
  const row = await computeMemberSendTime(db, shop, customerId);
  if (!row) return null;
  return db.memberSendTime.upsert({
    where: { shop_customerId: { shop, customerId } },
    create: { shop, customerId, computedAt: now, ...row },
    update: {},
  });
}

/** Installed shops with at least one campaign switched on: the nightly refresh's shops. */
export async function shopsWithCampaignsOn(db: PrismaClient): Promise<string[]> {
  const rows = await db.$queryRaw<{ shop: string }[]>`
    SELECT DISTINCT c."shop" FROM "Campaign" c JOIN "Shop" s ON s."domain" = c."shop"
    WHERE c."enabled" AND s."status" = 'installed'`;
  return rows.map((r) => r.shop);
}

/** What the member page shows: the stored row, or null (none yet: working it out is a scan of the shop's orders, too slow for a page at 1M members). */
export async function memberSendTimeView(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
): Promise<(SendTimeChoiceRow & { computedAt: string }) | null> {
  const stored = await db.memberSendTime.findUnique({ where: { shop_customerId: { shop, customerId } } });
  if (!stored) return null;
  const { shop: _shop, customerId: _id, computedAt, ...row } = stored;
  return { ...row, computedAt: computedAt.toISOString() };
}

/** The stored best hours of a shop at a glance: members, how many from their own history, the top hours. */
export async function bestHourSummary(
  db: PrismaClient,
  shop: string,
): Promise<{ members: number; fromHistory: number; top: { hour: number; members: number }[] }> {
  const rows = await db.memberSendTime.groupBy({
    by: ["hour", "hourSource"],
    where: { shop },
    _count: { _all: true },
  });
  const perHour = new Map<number, number>();
  let members = 0;
  let fromHistory = 0;
  for (const r of rows) {
    members += r._count._all;
    if (r.hourSource === "member") fromHistory += r._count._all;
    perHour.set(r.hour, (perHour.get(r.hour) ?? 0) + r._count._all);
  }
  const top = [...perHour]
    .map(([hour, n]) => ({ hour, members: n }))
    .sort((a, b) => b.members - a.members || a.hour - b.hour)
    .slice(0, 3);
  return { members, fromHistory, top };
}
