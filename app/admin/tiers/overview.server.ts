import type { PrismaClient } from "~/db.server";
import type { TiersConfig } from "~/loyalty/program-tiers";

// The tiers overview: members per tier with their spend over the last 12 months, and the
// tier moves per month (from the tierChanged events), in the shop's time zone.

const DAY_MS = 86_400_000;
export const MOVE_MONTHS = 12;

export interface TierRow {
  /** "" for members below the lowest tier. */
  tierId: string;
  name: string;
  members: number;
  /** Members' merchandise sales in the last 12 months (minor units). */
  spendMinor: number;
  /** spendMinor per member. */
  spendPerMemberMinor: number;
}

export interface TierMonth {
  /** YYYY-MM in the shop's time zone. */
  month: string;
  upgrades: number;
  downgrades: number;
}

export interface TiersOverview {
  rows: TierRow[];
  months: TierMonth[];
}

export async function tiersOverview(
  db: PrismaClient,
  shop: string,
  tiers: TiersConfig,
  timeZone: string,
  now: Date,
): Promise<TiersOverview> {
  const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
  const [members, spend, moves] = await Promise.all([
    db.member.groupBy({ by: ["tierId"], where: { shop, status: "active" }, _count: { _all: true } }),
    db.$queryRaw<{ tierId: string | null; spend: bigint | null }[]>`
      SELECT m."tierId", sum(o."subtotalMinor") AS spend
      FROM "Order" o JOIN "Member" m ON m."shop" = o."shop" AND m."customerId" = o."customerId"
      WHERE o."shop" = ${shop} AND m."status" = 'active' AND NOT o."test" AND o."cancelledAt" IS NULL
        AND COALESCE(o."processedAt", o."shopifyCreatedAt") >= ${yearAgo}
      GROUP BY m."tierId"`,
    db.$queryRaw<{ month: string; upgrades: bigint; downgrades: bigint }[]>`
      SELECT to_char(("occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}, 'YYYY-MM') AS month,
        count(*) FILTER (WHERE "payload"->>'change' = 'upgrade') AS upgrades,
        count(*) FILTER (WHERE "payload"->>'change' = 'downgrade') AS downgrades
      FROM "LoyaltyEvent"
      WHERE "shop" = ${shop} AND "type" = 'tierChanged' AND "occurredAt" >= ${monthsBack(now, timeZone)}
      GROUP BY 1`,
  ]);
  const count = new Map(members.map((m) => [m.tierId ?? "", m._count._all]));
  const sales = new Map(spend.map((s) => [s.tierId ?? "", Number(s.spend ?? 0n)]));
  const row = (tierId: string, name: string): TierRow => {
    const n = count.get(tierId) ?? 0;
    const spendMinor = sales.get(tierId) ?? 0;
    return { tierId, name, members: n, spendMinor, spendPerMemberMinor: n ? Math.round(spendMinor / n) : 0 };
  };
  // Members whose stored tier is no longer in the program count with "no tier" until re-evaluated.
  const known = new Set(tiers.levels.map((l) => l.id));
  for (const [id, n] of count)
    if (id && !known.has(id)) {
      count.set("", (count.get("") ?? 0) + n);
      sales.set("", (sales.get("") ?? 0) + (sales.get(id) ?? 0));
    }
  const byMonth = new Map(moves.map((m) => [m.month, m]));
  return {
    rows: [row("", "No tier yet"), ...tiers.levels.map((l) => row(l.id, l.name))],
    months: lastMonths(now, timeZone).map((month) => ({
      month,
      upgrades: Number(byMonth.get(month)?.upgrades ?? 0n),
      downgrades: Number(byMonth.get(month)?.downgrades ?? 0n),
    })),
  };
}

/** The last MOVE_MONTHS months (YYYY-MM) in `timeZone`, oldest first, this month last. */
export function lastMonths(now: Date, timeZone: string): string[] {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(now);
  const year = Number(parts.find((p) => p.type === "year")!.value);
  const month = Number(parts.find((p) => p.type === "month")!.value);
  return Array.from({ length: MOVE_MONTHS }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - (MOVE_MONTHS - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/** A little before the first of the oldest month shown (the query groups in the shop's zone). */
function monthsBack(now: Date, timeZone: string): Date {
  const first = lastMonths(now, timeZone)[0]!;
  return new Date(Date.parse(`${first}-01T00:00:00Z`) - DAY_MS);
}
