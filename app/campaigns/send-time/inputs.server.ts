import { z } from "zod";
import { Prisma, type PrismaClient } from "~/db.server";
import { emptyCounts, HOURS, type HourCounts } from "./best-hour";
import { CHANNELS, type Channel, type ChannelStats, type Reachability } from "./channel";

// Set-based loaders for the send-time and channel choice, each one query per shop (every
// query scoped by shop). Opens and clicks are not in this room: the caller passes them in as
// counts per shop-local hour (`engagement`) and as the ids of sends that got one (`answered`),
// so the tracking of message events can feed the same model when it lands.

/** Opens or clicks of one member at one shop-local hour. */
export type HourActivityRow = { customerId: bigint; kind: "open" | "click"; hour: number; count: number };

/** Hours after a send in which an order counts as a response to it. */
export const RESPONSE_WINDOW_HOURS = 72;

const validEmail = z.email();

/**
 * The shop's pooled activity per local hour (every customer's orders, and every passed-in
 * open and click) and each member's own, for the active members (or only `customerIds`).
 * Orders count at `processedAt` in the shop's time zone; cancelled and test orders do not count.
 */
export async function loadHourCounts(
  db: PrismaClient,
  shop: string,
  timeZone: string,
  options: { customerIds?: bigint[]; engagement?: HourActivityRow[] } = {},
): Promise<{ shop: HourCounts; members: Map<bigint, HourCounts> }> {
  const only = options.customerIds
    ? Prisma.sql`AND o."customerId" = ANY(${options.customerIds})`
    : Prisma.empty;
  const localHour = Prisma.sql`extract(hour FROM (o."processedAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::int`;
  const [pooled, own] = await Promise.all([
    db.$queryRaw<{ hour: number; n: number }[]>`
      SELECT ${localHour} AS hour, count(*)::int AS n
      FROM "Order" o
      WHERE o.shop = ${shop} AND o."processedAt" IS NOT NULL AND o."cancelledAt" IS NULL AND NOT o.test
      GROUP BY 1`,
    db.$queryRaw<{ customerId: bigint; hour: number; n: number }[]>`
      SELECT o."customerId", ${localHour} AS hour, count(*)::int AS n
      FROM "Order" o
      JOIN "Member" m ON m.shop = o.shop AND m."customerId" = o."customerId" AND m.status = 'active'
      WHERE o.shop = ${shop} AND o."processedAt" IS NOT NULL AND o."cancelledAt" IS NULL AND NOT o.test ${only}
      GROUP BY 1, 2`,
  ]);
  const shopCounts = emptyCounts();
  for (const r of pooled) shopCounts.order[r.hour] = r.n;
  const members = new Map<bigint, HourCounts>();
  const of = (id: bigint) => members.get(id) ?? members.set(id, emptyCounts()).get(id)!;
  for (const r of own) of(r.customerId).order[r.hour] = r.n;
  const wanted = options.customerIds ? new Set(options.customerIds) : null;
  for (const e of options.engagement ?? []) {
    if (!Number.isInteger(e.hour) || e.hour < 0 || e.hour >= HOURS)
      throw new RangeError(`Hour ${e.hour} is not 0–23.`);
    shopCounts[e.kind][e.hour]! += e.count;
    if (!wanted || wanted.has(e.customerId)) of(e.customerId)[e.kind][e.hour]! += e.count;
  }
  return { shop: shopCounts, members };
}

/**
 * Marketing sends per channel and the responses to them: an order within
 * RESPONSE_WINDOW_HOURS of the send, or a send whose id is in `answered` (opened or clicked,
 * from the message events). For the shop and for each member (or only `customerIds`).
 */
export async function loadChannelStats(
  db: PrismaClient,
  shop: string,
  options: { customerIds?: bigint[]; answered?: string[] } = {},
): Promise<{
  shop: Partial<Record<Channel, ChannelStats>>;
  members: Map<bigint, Partial<Record<Channel, ChannelStats>>>;
}> {
  const answered = options.answered ?? [];
  const rows = await db.$queryRaw<
    { customerId: bigint; channel: string; sends: number; responses: number }[]
  >`
    SELECT s."customerId", s.channel, count(*)::int AS sends,
      count(*) FILTER (WHERE s.id::text = ANY(${answered}) OR EXISTS (
        SELECT 1 FROM "Order" o
        WHERE o.shop = s.shop AND o."customerId" = s."customerId" AND o."cancelledAt" IS NULL AND NOT o.test
          AND o."processedAt" > s."sentAt"
          AND o."processedAt" <= s."sentAt" + make_interval(hours => ${RESPONSE_WINDOW_HOURS})
      ))::int AS responses
    FROM "CampaignSend" s
    WHERE s.shop = ${shop} AND s.status = 'sent' AND NOT s.transactional AND s."sentAt" IS NOT NULL
    GROUP BY 1, 2`;
  const shopStats: Partial<Record<Channel, ChannelStats>> = {};
  const members = new Map<bigint, Partial<Record<Channel, ChannelStats>>>();
  const wanted = options.customerIds ? new Set(options.customerIds) : null;
  for (const r of rows) {
    if (!(CHANNELS as readonly string[]).includes(r.channel)) continue;
    const c = r.channel as Channel;
    const total = (shopStats[c] ??= { sends: 0, responses: 0 });
    total.sends += r.sends;
    total.responses += r.responses;
    if (wanted && !wanted.has(r.customerId)) continue;
    const own = members.get(r.customerId) ?? members.set(r.customerId, {}).get(r.customerId)!;
    own[c] = { sends: r.sends, responses: r.responses };
  }
  return { shop: shopStats, members };
}

/** What each active member (or only `customerIds`) can receive: consent, address or phone, suppression. */
export async function loadReachability(
  db: PrismaClient,
  shop: string,
  options: { customerIds?: bigint[] } = {},
): Promise<Map<bigint, Reachability>> {
  const only = options.customerIds
    ? Prisma.sql`AND m."customerId" = ANY(${options.customerIds})`
    : Prisma.empty;
  const rows = await db.$queryRaw<
    {
      customerId: bigint;
      email: string | null;
      emailConsent: boolean;
      phone: string | null;
      smsConsent: boolean;
      emailSuppressed: boolean;
      smsSuppressed: boolean;
    }[]
  >`
    SELECT m."customerId", c.email, c."emailConsent", c.phone, c."smsConsent",
      EXISTS (SELECT 1 FROM "CampaignSuppression" x
              WHERE x.shop = m.shop AND x.channel = 'email' AND x.address = lower(trim(c.email))) AS "emailSuppressed",
      EXISTS (SELECT 1 FROM "CampaignSuppression" x
              WHERE x.shop = m.shop AND x.channel = 'sms' AND x.address = c.phone) AS "smsSuppressed"
    FROM "Member" m
    JOIN "Customer" c ON c.shop = m.shop AND c.id = m."customerId"
    WHERE m.shop = ${shop} AND m.status = 'active' AND c."deletedAt" IS NULL AND c."redactedAt" IS NULL ${only}`;
  return new Map(
    rows.map((r) => [
      r.customerId,
      {
        email: {
          consent: r.emailConsent,
          address: !!r.email && validEmail.safeParse(r.email.trim().toLowerCase()).success,
          suppressed: r.emailSuppressed,
        },
        sms: { consent: r.smsConsent, phone: !!r.phone?.trim(), suppressed: r.smsSuppressed },
        member: true,
      },
    ]),
  );
}
