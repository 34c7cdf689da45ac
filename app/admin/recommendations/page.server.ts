import type { PrismaClient } from "~/db.server";
import { recomputeFromForm, type Recomputed } from "~/admin/components/recompute.server";
import { customerMatches } from "~/admin/members/customer-search.server";
import { parseShopifyId } from "~/ingest/payload-common";
import { productRecommendationsFor } from "~/intelligence/recommendations/member.server";
import { rewardRecommendationsFor } from "~/intelligence/rewards/read.server";
import type { StoredEvaluation } from "~/intelligence/recommendations/run.server";
import { requestRecommendationRun } from "~/intelligence/recommendations/start.server";

// Insights › Recommendations (/app/insights/recommendations): the latest run (progress or
// why it stopped), the evaluation in use, a member search (email or name) and the chosen
// member's recommendations with their reasons: products, and the reward they are most likely
// to redeem (app/intelligence/rewards). Reads prepared tables only.

const SEARCH_ROWS = 10;

export type MemberOption = { customerId: string; name: string; email: string | null };

export async function loadRecommendationsPage(db: PrismaClient, shop: string, url: URL) {
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const chosen = parseShopifyId(url.searchParams.get("customerId") ?? "");
  const [shopRow, run, computed, matches] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    db.recommendationRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } }),
    db.recommendationRun.findFirst({ where: { shop, status: "computed" }, orderBy: { createdAt: "desc" } }),
    q ? searchMembers(db, shop, q) : Promise.resolve([]),
  ]);
  const member = chosen === null ? null : await chosenMember(db, shop, chosen);
  return {
    timeZone: shopRow?.ianaTimezone ?? null,
    q,
    matches,
    run: run && {
      id: run.id,
      status: run.status,
      stage: run.stage,
      progress: run.progress,
      reason: run.reason,
      createdAt: run.createdAt.toISOString(),
    },
    result: computed && {
      computedAt: (computed.computedAt ?? computed.createdAt).toISOString(),
      source: computed.source,
      products: computed.products ?? 0,
      embedded: computed.embedded ?? 0,
      evaluation: computed.evaluation as StoredEvaluation | null,
    },
    member,
  };
}

export type RecommendationsPage = Awaited<ReturnType<typeof loadRecommendationsPage>>;

async function chosenMember(db: PrismaClient, shop: string, customerId: bigint) {
  const customer = await db.customer.findUnique({
    where: { shop_id: { shop, id: customerId } },
    select: { id: true, firstName: true, lastName: true, email: true },
  });
  if (!customer) return { found: false as const, customerId: customerId.toString() };
  const [products, reward] = await Promise.all([
    productRecommendationsFor(db, shop, customerId, { limit: 10 }),
    rewardRecommendationsFor(shop, customerId, db),
  ]);
  return { found: true as const, ...option(customer), products, reward };
}

function option(c: {
  id: bigint;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}): MemberOption {
  return {
    customerId: c.id.toString(),
    name: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || `Customer ${c.id}`,
    email: c.email,
  };
}

export async function searchMembers(db: PrismaClient, shop: string, q: string): Promise<MemberOption[]> {
  const rows = await db.$queryRaw<
    { id: bigint; firstName: string | null; lastName: string | null; email: string | null }[]
  >`
    SELECT c."id", c."firstName", c."lastName", c."email"
    FROM "Customer" c
    WHERE c."shop" = ${shop} AND c."redactedAt" IS NULL
      AND ${customerMatches("c", q)}
    ORDER BY c."email" NULLS LAST, c."id" LIMIT ${SEARCH_ROWS}`;
  return rows.map(option);
}

export type RecomputeAnswer = Recomputed<{ runId: string; created: boolean }>;

/** The Recompute button (../components/recompute.server.ts). */
export function recomputeRecommendationsFromForm(db: PrismaClient, shop: string, form: FormData) {
  return recomputeFromForm(form, shop, "a recommendation run", async () => {
    const { run, created } = await requestRecommendationRun(db, shop, "merchant");
    return { runId: run.id, created };
  });
}
