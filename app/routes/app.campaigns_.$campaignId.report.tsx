import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { CampaignReport } from "~/admin/campaigns/CampaignReport";
import { loadCampaignReportPage } from "~/admin/campaigns/report.server";
import { prisma } from "~/db.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Campaign report · Loyalty Optimizer" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const page = await loadCampaignReportPage(prisma(), session.shop, params.campaignId ?? "", new Date());
  if (!page) throw new Response("No measured campaign here", { status: 404 });
  return page;
};

export default function CampaignReportRoute() {
  const page = useLoaderData<typeof loader>();
  return (
    <Page
      title={page.campaign.name}
      subtitle={`Measured against ${page.hasHoldout ? "a holdout" : page.controlName} · ${page.daysRunning} days`}
      backAction={{ content: "Campaigns", url: "/app/campaigns" }}
    >
      <Layout>
        <Layout.Section>
          <CampaignReport page={page} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
