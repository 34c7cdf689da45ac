import type { PrismaClient } from "~/db.server";
import type { Program } from "~/loyalty/program";
import { pointValueMinor } from "~/loyalty/program-cost";
import { programVersionsUpTo } from "~/loyalty/services/program.server";
import { MAX_WEEKS, type CatalogProduct, type PastCampaign, type SoldLine } from "./pipeline";
import { DEFAULT_MARGIN_RATE, DEFAULT_REDEMPTION_RATE } from "./picks";

// What the weekly picks read from the mirror, in SQL: units and net sales per product and
// day (counted orders in the shop's currency, refunds not subtracted — a returned unit was
// still demand), each active product's price, unit cost and stock from its variants (price
// and cost averaged over variants, stock summed over tracked ones; without variants, the
// median price it sold at in the last 90 days), every bonus campaign the program ever had,
// and the shop's redemption rate and margin.

const DAY_MS = 86_400_000;
/** Points earned below this: too few to read a redemption rate from; the default stands. */
const MIN_POINTS_FOR_RATE = 10_000;

export interface ShopFigures {
  /** Share of earned points that were redeemed, and whether it came from the shop. */
  redemptionRate: number;
  redemptionSource: "shop" | "default";
  /** Mean gross margin of the products with a unit cost, else the default. */
  marginRate: number;
  marginSource: "costs" | "default";
}

export async function loadSoldLines(
  db: PrismaClient,
  shop: string,
  currency: string,
  asOf: Date,
): Promise<SoldLine[]> {
  const from = new Date(asOf.getTime() - (MAX_WEEKS + 1) * 7 * DAY_MS);
  const rows = await db.$queryRaw<{ productId: string; day: Date; units: bigint; netMinor: number }[]>`
    SELECT li->>'productId' AS "productId",
      date_trunc('day', COALESCE(o."processedAt", o."shopifyCreatedAt")) AS day,
      sum((li->>'quantity')::int) AS units,
      sum((li->>'priceMinor')::float8 * (li->>'quantity')::int - COALESCE((li->>'discountMinor')::float8, 0))::float8
        AS "netMinor"
    FROM "Order" o, jsonb_array_elements(o."lineItems") li
    WHERE o."shop" = ${shop} AND NOT o."test" AND o."cancelledAt" IS NULL AND o."currencyCode" = ${currency}
      AND COALESCE(o."processedAt", o."shopifyCreatedAt") >= ${from}
      AND COALESCE(o."processedAt", o."shopifyCreatedAt") < ${asOf}
      AND li->>'productId' IS NOT NULL AND COALESCE((li->>'giftCard')::boolean, false) = false
    GROUP BY 1, 2`;
  return rows.map((r) => ({
    productId: r.productId,
    at: r.day,
    quantity: Number(r.units),
    netMinor: r.netMinor,
  }));
}

export async function loadCatalog(
  db: PrismaClient,
  shop: string,
  asOf: Date,
  lines: readonly SoldLine[],
): Promise<CatalogProduct[]> {
  const rows = await db.$queryRaw<
    {
      id: bigint;
      title: string;
      price: number | null;
      cost: number | null;
      stock: bigint | null;
      tracked: bigint;
    }[]
  >`
    SELECT p."id", p."title",
      avg(v."priceMinor")::float8 AS price,
      avg(v."unitCostMinor")::float8 AS cost,
      sum(v."inventoryQuantity") AS stock,
      count(v."inventoryQuantity") AS tracked
    FROM "Product" p LEFT JOIN "ProductVariant" v ON v."shop" = p."shop" AND v."productId" = p."id"
    WHERE p."shop" = ${shop} AND COALESCE(p."status", 'active') = 'active'
    GROUP BY p."id", p."title"`;
  const recent = asOf.getTime() - 90 * DAY_MS;
  const soldAt = new Map<string, number[]>();
  for (const l of lines)
    if (l.at.getTime() >= recent && l.quantity > 0) {
      const list = soldAt.get(l.productId) ?? [];
      list.push(l.netMinor / l.quantity);
      soldAt.set(l.productId, list);
    }
  return rows.flatMap((r) => {
    const id = String(r.id);
    const price = r.price ?? median(soldAt.get(id) ?? []);
    if (price === null || price <= 0) return [];
    return [
      {
        id,
        title: r.title,
        priceMinor: Math.round(price),
        costMinor: r.cost === null ? null : Math.round(r.cost),
        inventory: Number(r.tracked) > 0 ? Number(r.stock ?? 0) : null,
      },
    ];
  });
}

/** Every bonus campaign in any version of the program (a campaign edited later counts as its last form). */
export async function loadPastCampaigns(
  db: PrismaClient,
  shop: string,
  live: Program,
): Promise<PastCampaign[]> {
  const versions = await programVersionsUpTo(db, shop, live.version);
  const byId = new Map<string, PastCampaign>();
  for (const v of versions)
    for (const c of v.program.earning.campaigns)
      byId.set(c.id, {
        startsAt: new Date(c.startsAt),
        endsAt: new Date(c.endsAt),
        productIds: c.productIds ?? null,
      });
  return [...byId.values()];
}

export async function loadShopFigures(
  db: PrismaClient,
  shop: string,
  catalog: readonly CatalogProduct[],
): Promise<ShopFigures> {
  const totals = await db.member.aggregate({
    where: { shop },
    _sum: { lifetimePoints: true, redeemedPoints: true },
  });
  const earned = totals._sum.lifetimePoints ?? 0;
  const redeemed = totals._sum.redeemedPoints ?? 0;
  const costed = catalog.filter((p) => p.costMinor !== null && p.priceMinor > 0);
  const fromShop = earned >= MIN_POINTS_FOR_RATE;
  return {
    redemptionRate: fromShop ? Math.min(1, redeemed / earned) : DEFAULT_REDEMPTION_RATE,
    redemptionSource: fromShop ? "shop" : "default",
    marginRate: costed.length
      ? costed.reduce((s, p) => s + (1 - p.costMinor! / p.priceMinor), 0) / costed.length
      : DEFAULT_MARGIN_RATE,
    marginSource: costed.length ? "costs" : "default",
  };
}

/**
 * Minor units a point is worth (program-cost's weighting of the active rewards by last year's
 * redemptions), from the few shop figures it reads; null when no reward has a value.
 */
export async function loadPointValue(db: PrismaClient, shop: string, program: Program, now: Date) {
  const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
  const [orders, redemptions] = await Promise.all([
    db.$queryRaw<{ p50: number | null; ship: number | null }[]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "subtotalMinor") AS p50,
        avg("totalShippingMinor")::float8 AS ship
      FROM "Order"
      WHERE "shop" = ${shop} AND NOT "test" AND "cancelledAt" IS NULL
        AND COALESCE("processedAt", "shopifyCreatedAt") >= ${yearAgo}`,
    db.redemption.groupBy({
      by: ["rewardId"],
      where: { shop, status: { in: ["issued", "used", "expired"] }, createdAt: { gte: yearAgo } },
      _count: { _all: true },
    }),
  ]);
  const p50 = orders[0]?.p50;
  return pointValueMinor(program, {
    orderValues: p50 == null ? null : { p25: p50, p50, p75: p50, p90: p50 },
    averageShippingMinor: Math.round(orders[0]?.ship ?? 0),
    memberSales30dMinor: 0,
    tierMix: {},
    outstandingPoints: 0,
    redemptionsByReward: Object.fromEntries(redemptions.map((r) => [r.rewardId, r._count._all])),
  });
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
