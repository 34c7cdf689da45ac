import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import { BroadcastFlow } from "~/admin/campaigns/BroadcastFlow";
import { BroadcastsCard } from "~/admin/campaigns/BroadcastsCard";
import { CampaignEditor } from "~/admin/campaigns/CampaignEditor";
import { CampaignTestCard } from "~/admin/campaigns/CampaignTestCard";
import { CampaignsList, EmailServerCard, RecentMessagesCard } from "~/admin/campaigns/CampaignsCards";
import type { BroadcastAnswer } from "~/admin/campaigns/broadcasts.server";
import { SmsSettingsCard } from "~/admin/campaigns/SmsSettingsCard";
import { campaignsAction, loadCampaignsPage, type CampaignsAnswer } from "~/admin/campaigns/page.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Campaigns · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadCampaignsPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await campaignsAction(prisma(), session.shop, await readForm(request));
  return data<CampaignsAnswer | BroadcastAnswer>(answer.body, { status: answer.status });
};

export default function CampaignsRoute() {
  const page = useLoaderData<typeof loader>();
  const campaignFetcher = useFetcher<typeof action>();
  const settingsFetcher = useFetcher<typeof action>();
  const testFetcher = useFetcher<typeof action>();
  const smsFetcher = useFetcher<typeof action>();
  // null: closed; "new:<trigger>" for a new campaign; or the id of the campaign being edited.
  const [editing, setEditing] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const [scheduled, setScheduled] = useState<string | null>(null);
  const post = (fetcher: typeof campaignFetcher) => (form: FormData) =>
    fetcher.submit(form, { method: "post" });
  const answer = campaignFetcher.data as CampaignsAnswer | undefined;
  // A saved campaign closes its editor (a new one saved twice would be two campaigns).
  const saved = campaignFetcher.state === "idle" && answer?.ok === true && "saved" in answer;
  useEffect(() => {
    if (saved) setEditing(null);
  }, [saved, campaignFetcher.data]);
  const doneComposing = useCallback((at: string) => {
    setComposing(false);
    setScheduled(at || null);
  }, []);
  return (
    <Page
      title="Campaigns"
      subtitle="Emails, texts and widget messages to your members: lifecycle messages and broadcasts"
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {answer?.ok === false ? <Banner tone="critical">{answer.error}</Banner> : null}
            {answer?.ok ? (
              <Banner tone="success">
                {"sms" in answer
                  ? `Test text sent to ${answer.testSentTo}: ${answer.sms.characters} characters, ${answer.sms.segments} segment${answer.sms.segments === 1 ? "" : "s"} (${answer.sms.encoding}).`
                  : "testSentTo" in answer
                    ? `Test sent to ${answer.testSentTo}.`
                    : "Campaign saved."}
              </Banner>
            ) : null}
            {scheduled ? (
              <Banner tone="success" onDismiss={() => setScheduled(null)}>
                Broadcast scheduled for {scheduled}.
              </Banner>
            ) : null}
            <CampaignsList page={page} onEdit={(id, trigger) => setEditing(id ?? `new:${trigger ?? ""}`)} />
            {editing ? (
              <CampaignEditor
                key={editing}
                page={page}
                campaign={page.campaigns.find((c) => c.id === editing) ?? null}
                trigger={editing.startsWith("new:") ? editing.slice(4) || null : null}
                answer={answer}
                submitting={campaignFetcher.state !== "idle"}
                submit={post(campaignFetcher)}
                onDone={() => setEditing(null)}
              />
            ) : null}
            {editing && !editing.startsWith("new") && page.campaigns.some((c) => c.id === editing) ? (
              <CampaignTestCard
                key={`test-${editing}`}
                campaign={page.campaigns.find((c) => c.id === editing)!}
                shopName={page.shopName}
                timeZone={page.timeZone}
                answer={testFetcher.data as CampaignsAnswer | undefined}
                submitting={testFetcher.state !== "idle"}
                submit={post(testFetcher)}
              />
            ) : null}
            <BroadcastsCard
              page={page}
              onNew={() => {
                setScheduled(null);
                setComposing(true);
              }}
            />
            {composing ? <BroadcastFlow page={page} onDone={doneComposing} /> : null}
            <RecentMessagesCard page={page} />
            <EmailServerCard
              page={page}
              answer={settingsFetcher.data as CampaignsAnswer | undefined}
              submitting={settingsFetcher.state !== "idle"}
              submit={post(settingsFetcher)}
            />
            <SmsSettingsCard
              page={page}
              answer={smsFetcher.data as CampaignsAnswer | undefined}
              submitting={smsFetcher.state !== "idle"}
              submit={post(smsFetcher)}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
