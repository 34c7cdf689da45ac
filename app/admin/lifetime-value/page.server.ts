import type { PrismaClient } from "~/db.server";
import { recomputeFromForm, type Recomputed } from "~/admin/components/recompute.server";
import type { BgNbdParams } from "~/intelligence/clv/bgnbd";
import { FIT_OPTIONS } from "~/intelligence/clv/fit.server";
import type { GammaGammaParams } from "~/intelligence/clv/gamma-gamma";
import type { HoldoutEvaluation } from "~/intelligence/clv/holdout";
import { requestLifetimeValueFit } from "~/intelligence/clv/start.server";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { histogramBins, labelBins, roundBinWidth, type HistogramBin } from "./present";

// The lifetime-value page's loader and action parts (/app/insights/lifetime-value): the
// model in use (the latest fitted run), the latest run (progress or why it failed), the
// distribution of members' 12-month value, the top members, and the recompute form.

const TOP_MEMBERS = 20;

export type TopMember = {
  customerId: string;
  name: string;
  clvMinor: number;
  pAlive: number;
  expected12m: number;
  repeatPurchases: number;
};

export async function loadLifetimeValuePage(db: PrismaClient, shop: string) {
  const [shopRow, run, fitted] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true, ianaTimezone: true } }),
    db.lifetimeValueFit.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } }),
    db.lifetimeValueFit.findFirst({ where: { shop, status: "fitted" }, orderBy: { createdAt: "desc" } }),
  ]);
  const currency = fitted?.currencyCode ?? shopRow?.currencyCode ?? "USD";
  const model = fitted && {
    id: fitted.id,
    computedAt: (fitted.finishedAt ?? fitted.createdAt).toISOString(),
    asOf: fitted.asOf?.toISOString() ?? null,
    customers: fitted.customers ?? 0,
    repeatBuyers: fitted.repeatBuyers ?? 0,
    purchase: fitted.purchaseParams as BgNbdParams,
    purchaseErrors: fitted.purchaseErrors as BgNbdParams | null,
    purchaseLogLik: fitted.purchaseLogLik,
    spend: fitted.spendParams as GammaGammaParams | null,
    spendErrors: fitted.spendErrors as GammaGammaParams | null,
    spendReason: fitted.spendReason,
    evaluation: fitted.evaluation as HoldoutEvaluation | null,
  };
  const [histogram, top, totals] = model
    ? await Promise.all([distribution(db, shop, currency), topMembers(db, shop), memberTotals(db, shop)])
    : [[], [], null];
  return {
    currency,
    timeZone: shopRow?.ianaTimezone ?? null,
    run: run && {
      id: run.id,
      status: run.status,
      stage: run.stage,
      progress: run.progress,
      reason: run.reason,
      customers: run.customers,
      repeatBuyers: run.repeatBuyers,
      createdAt: run.createdAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
    },
    model,
    histogram,
    top,
    totals,
    needed: {
      customers: FIT_OPTIONS.minCustomers!,
      repeatBuyers: FIT_OPTIONS.minRepeatBuyers!,
      historyDays: FIT_OPTIONS.minHistory!,
    },
  };
}

export type LifetimeValuePage = Awaited<ReturnType<typeof loadLifetimeValuePage>>;

async function memberTotals(db: PrismaClient, shop: string) {
  const [row] = await db.$queryRaw<
    { members: number; value: number | null; alive: number | null; e90: number | null }[]
  >`
    SELECT count(*)::int AS members, sum("clv12mMinor")::float8 AS value, avg("pAlive")::float8 AS alive,
           sum("expectedPurchases90d")::float8 AS e90
    FROM "MemberLifetimeValue" WHERE "shop" = ${shop}`;
  return {
    members: row?.members ?? 0,
    valueMinor: row?.value ?? 0,
    meanPAlive: row?.alive ?? 0,
    expectedPurchases90d: row?.e90 ?? 0,
  };
}

/** Members by 12-month value in round equal bins up to the 99th percentile, the rest in the last. */
async function distribution(db: PrismaClient, shop: string, currency: string): Promise<HistogramBin[]> {
  const [range] = await db.$queryRaw<{ p99: number | null }[]>`
    SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY "clv12mMinor")::float8 AS p99
    FROM "MemberLifetimeValue" WHERE "shop" = ${shop} AND "clv12mMinor" IS NOT NULL`;
  if (range?.p99 == null) return [];
  const width = roundBinWidth(Math.max(range.p99, 1), minorUnitsPerMajor(currency));
  const last = Math.ceil(Math.max(range.p99, 1) / width);
  const values = await db.$queryRaw<{ bucket: number; count: number }[]>`
    SELECT floor("clv12mMinor" / ${width}::float8)::int AS bucket, count(*)::int AS count
    FROM "MemberLifetimeValue" WHERE "shop" = ${shop} AND "clv12mMinor" IS NOT NULL
    GROUP BY 1 ORDER BY 1`;
  return labelBins(histogramBins(values, width, last), currency);
}

async function topMembers(db: PrismaClient, shop: string): Promise<TopMember[]> {
  const rows = await db.$queryRaw<
    {
      customerId: bigint;
      firstName: string | null;
      lastName: string | null;
      email: string | null;
      clv: number;
      pAlive: number;
      e12: number;
      x: number;
    }[]
  >`
    SELECT v."customerId", c."firstName", c."lastName", c."email", v."clv12mMinor" AS clv, v."pAlive",
           v."expectedPurchases12m" AS e12, v."repeatPurchases" AS x
    FROM "MemberLifetimeValue" v
    LEFT JOIN "Customer" c ON c."shop" = v."shop" AND c."id" = v."customerId"
    WHERE v."shop" = ${shop} AND v."clv12mMinor" IS NOT NULL
    ORDER BY v."clv12mMinor" DESC, v."customerId" LIMIT ${TOP_MEMBERS}`;
  return rows.map((r) => ({
    customerId: r.customerId.toString(),
    name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email || `Customer ${r.customerId}`,
    clvMinor: r.clv,
    pAlive: r.pAlive,
    expected12m: r.e12,
    repeatPurchases: r.x,
  }));
}

export type RecomputeAnswer = Recomputed<{ fitId: string; created: boolean }>;

/** The Recompute button (../components/recompute.server.ts). */
export function recomputeLifetimeValueFromForm(db: PrismaClient, shop: string, form: FormData) {
  return recomputeFromForm(form, shop, "a lifetime-value fit", async () => {
    const { fit, created } = await requestLifetimeValueFit(db, shop, "merchant");
    return { fitId: fit.id, created };
  });
}
