import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { loadBackfillCard, startBackfillFromForm } from "~/admin/dashboard/backfill-card.server";
import { BackfillCard } from "~/admin/dashboard/BackfillCard";
import { IncrementalValueCard } from "~/admin/dashboard/IncrementalValueCard";
import { loadIncrementalCard } from "~/admin/dashboard/incremental.server";
import { InstallCard } from "~/admin/dashboard/InstallCard";
import { LoyaltyCard } from "~/admin/dashboard/LoyaltyCard";
import { SyncCard } from "~/admin/dashboard/SyncCard";
import { WorkersCard } from "~/admin/dashboard/WorkersCard";
import { loadDashboard } from "~/admin/dashboard/dashboard.server";
import { prisma } from "../db.server";
import { readForm } from "../request-body.server";
import { loadLoyaltyKpis } from "../stats/kpis.server";
import { authenticate, recordShopInstall } from "../shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const meta: MetaFunction = () => [{ title: "Dashboard · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const load = () =>
    Promise.all([
      loadDashboard(session.shop),
      loadLoyaltyKpis(prisma(), session.shop, new Date()),
      loadBackfillCard(prisma(), session.shop),
      loadIncrementalCard(prisma(), session.shop, new Date()),
    ]);
  let [dashboard, loyalty, backfill, incremental] = await load();
  if (!dashboard.install) {
    // The first admin load can overtake the install being recorded: the request that
    // exchanged the token stores the session before its afterAuth has read the shop.
    // Recording it here (an idempotent upsert) keeps the store card from coming up empty.
    await recordShopInstall(prisma(), session, admin.graphql);
    [dashboard, loyalty, backfill, incremental] = await load();
  }
  return { ...dashboard, loyalty, backfill, incremental };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await startBackfillFromForm(prisma(), session.shop, await readForm(request));
  return data(result.body, { status: result.status });
};

export default function DashboardPage() {
  const { install, sync, jobs, loyalty, backfill, incremental } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <IncrementalValueCard card={incremental} />
            <LoyaltyCard kpis={loyalty} />
            <SyncCard sync={sync} />
            <WorkersCard jobs={jobs} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <BackfillCard backfill={backfill} />
            <InstallCard install={install} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
