import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { loadBackfillCard, startBackfillFromForm } from "~/admin/status/backfill-card.server";
import { BackfillCard } from "~/admin/status/BackfillCard";
import { HeldOrdersCard } from "~/admin/status/HeldOrdersCard";
import { InstallCard } from "~/admin/status/InstallCard";
import { loadStatus } from "~/admin/status/status.server";
import { SyncCard } from "~/admin/status/SyncCard";
import { WorkersCard } from "~/admin/status/WorkersCard";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Status · Loyalty Optimizer" }];

// The app's machinery for whoever keeps it running: the history import, webhook sync and
// its failed events, orders held for review, background workers and queues.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const status = await loadStatus(session.shop);
  const backfill = await loadBackfillCard(prisma(), session.shop, status.timeZone);
  return { ...status, backfill };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await startBackfillFromForm(prisma(), session.shop, await readForm(request));
  return data(result.body, { status: result.status });
};

export default function StatusPage() {
  const { install, sync, jobs, held, backfill, timeZone } = useLoaderData<typeof loader>();
  return (
    <Page title="Status" subtitle={`Times in the shop's time zone (${timeZone}).`}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <BackfillCard backfill={backfill} />
            <SyncCard sync={sync} />
            <HeldOrdersCard held={held} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <InstallCard install={install} />
            <Text as="p" tone="subdued" variant="bodySm">
              Business figures are on the dashboard.
            </Text>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <WorkersCard jobs={jobs} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
