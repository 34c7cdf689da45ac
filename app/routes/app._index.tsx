import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { InstallCard } from "../components/dashboard/InstallCard";
import { SyncCard } from "../components/dashboard/SyncCard";
import { WorkersCard } from "../components/dashboard/WorkersCard";
import { loadDashboard } from "../dashboard/dashboard.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadDashboard(session.shop);
};

export default function DashboardPage() {
  const { install, sync, jobs } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <SyncCard sync={sync} />
            <WorkersCard jobs={jobs} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <InstallCard install={install} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
