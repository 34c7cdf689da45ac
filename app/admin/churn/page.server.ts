import type { PrismaClient } from "~/db.server";
import { recomputeFromForm, type Recomputed } from "~/admin/components/recompute.server";
import type { Intervention } from "~/intelligence/churn/intervention";
import type { StoredEvaluation } from "~/intelligence/churn/run.server";
import { requestChurnRun } from "~/intelligence/churn/start.server";
import { requestRewardRecommendationRun } from "~/intelligence/rewards/start.server";

// The churn-risk page's loader and action parts (/app/insights/churn): the results in use
// (the latest computed run), the latest run (progress or why it stopped), the at-risk list
// by value at stake, and the Recompute form.

const AT_RISK_ROWS = 50;

export type StoredDriver = { feature: string; label: string; value: number; contribution: number };

export type AtRiskMember = {
  customerId: string;
  name: string;
  risk: number;
  drivers: StoredDriver[];
  valueAtStakeMinor: number | null;
  valueSource: string;
  intervention: Intervention;
};

export async function loadChurnPage(db: PrismaClient, shop: string) {
  const [shopRow, run, computed] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true, ianaTimezone: true } }),
    db.churnRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } }),
    db.churnRun.findFirst({ where: { shop, status: "computed" }, orderBy: { createdAt: "desc" } }),
  ]);
  const result = computed && {
    id: computed.id,
    computedAt: (computed.computedAt ?? computed.createdAt).toISOString(),
    horizonDays: computed.horizonDays,
    customers: computed.customers ?? 0,
    atRisk: computed.atRisk ?? 0,
    evaluation: computed.evaluation as StoredEvaluation,
  };
  return {
    currency: computed?.currencyCode ?? shopRow?.currencyCode ?? "USD",
    timeZone: shopRow?.ianaTimezone ?? null,
    run: run && {
      id: run.id,
      status: run.status,
      stage: run.stage,
      progress: run.progress,
      reason: run.reason,
      customers: run.customers,
      createdAt: run.createdAt.toISOString(),
    },
    result,
    atRisk: result ? await atRiskMembers(db, shop) : [],
  };
}

export type ChurnPage = Awaited<ReturnType<typeof loadChurnPage>>;

/** The at-risk members with the most at stake first (then the riskiest). */
async function atRiskMembers(db: PrismaClient, shop: string): Promise<AtRiskMember[]> {
  const rows = await db.$queryRaw<
    {
      customerId: bigint;
      firstName: string | null;
      lastName: string | null;
      email: string | null;
      risk: number;
      drivers: StoredDriver[];
      value: number | null;
      source: string;
      intervention: Intervention;
    }[]
  >`
    SELECT r."customerId", c."firstName", c."lastName", c."email", r."risk", r."drivers",
           r."valueAtStakeMinor" AS value, r."valueSource" AS source, r."intervention"
    FROM "MemberChurnRisk" r
    LEFT JOIN "Customer" c ON c."shop" = r."shop" AND c."id" = r."customerId"
    WHERE r."shop" = ${shop} AND r."atRisk"
    ORDER BY r."valueAtStakeMinor" DESC NULLS LAST, r."risk" DESC, r."customerId" LIMIT ${AT_RISK_ROWS}`;
  return rows.map((r) => ({
    customerId: r.customerId.toString(),
    name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email || `Customer ${r.customerId}`,
    risk: r.risk,
    drivers: r.drivers,
    valueAtStakeMinor: r.value,
    valueSource: r.source,
    intervention: r.intervention,
  }));
}

export type RecomputeAnswer = Recomputed<{ runId: string; created: boolean }>;

/** The Recompute button (../components/recompute.server.ts). */
export function recomputeChurnFromForm(db: PrismaClient, shop: string, form: FormData) {
  return recomputeFromForm(form, shop, "a churn run", async () => {
    // The reward recommendations first: the churn run's interventions name their picks.
    await requestRewardRecommendationRun(db, shop, "merchant");
    const { run, created } = await requestChurnRun(db, shop, "merchant");
    return { runId: run.id, created };
  });
}
