import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Link, Page } from "@shopify/polaris";
import { ComparisonCard } from "~/admin/dashboard/ComparisonCard";
import { CostCard } from "~/admin/dashboard/CostCard";
import { IncrementalValueCard } from "~/admin/dashboard/IncrementalValueCard";
import { OnboardingCard } from "~/admin/dashboard/OnboardingCard";
import { dashboardAction, loadDashboardPage } from "~/admin/dashboard/page.server";
import { PeriodBar } from "~/admin/dashboard/PeriodBar";
import { ProgramValueCard } from "~/admin/dashboard/ProgramValueCard";
import { RecommendationsCard } from "~/admin/dashboard/RecommendationsCard";
import { prisma } from "../db.server";
import { env } from "../env.server";
import { readForm } from "../request-body.server";
import { authenticate, recordShopInstall } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const db = prisma();
  // The first admin load can overtake the install being recorded: the request that
  // exchanged the token stores the session before its afterAuth has read the shop.
  // Recording it here (an idempotent upsert) gives the page the shop's zone and currency.
  if (!(await db.shop.findUnique({ where: { domain: session.shop }, select: { domain: true } })))
    await recordShopInstall(db, session, admin.graphql);
  return loadDashboardPage(db, session.shop, {
    url: new URL(request.url),
    now: new Date(),
    apiKey: env().SHOPIFY_API_KEY,
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await dashboardAction(prisma(), session.shop, await readForm(request), new Date());
  return data(result.body, { status: result.status });
};

export default function DashboardPage() {
  const { incremental, recommendations, onboarding, business, importing } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard">
      <BlockStack gap="400">
        <IncrementalValueCard card={incremental} />
        <RecommendationsCard recommendations={recommendations} />
        {importing && (
          <Banner tone="info" title={`Importing your store's history: ${importing.progress}%`}>
            <p>
              {`${importing.step}. The figures below fill in as the import finishes. `}
              <Link url="/app/status">See its progress</Link>
            </p>
          </Banner>
        )}
        <OnboardingCard onboarding={onboarding} />
        <PeriodBar view={business} />
        <ProgramValueCard view={business} />
        <ComparisonCard view={business} />
        <CostCard view={business} />
      </BlockStack>
    </Page>
  );
}
