import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { ExperimentsTable } from "~/admin/experiments/ExperimentsTable";
import { HoldoutCard } from "~/admin/experiments/HoldoutCard";
import { loadExperimentsList, startHoldoutFromForm } from "~/admin/experiments/list.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Experiments · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadExperimentsList(prisma(), session.shop, new Date());
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await startHoldoutFromForm(
    prisma(),
    session.shop,
    await readForm(request),
    sessionToken?.sub ?? null,
  );
  return data(answer, { status: answer.ok ? 200 : answer.status });
};

export default function ExperimentsPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) shopify.toast.show("Holdout started");
  }, [fetcher.state, fetcher.data, shopify]);
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  return (
    <Page
      title="Experiments"
      subtitle={`Planned on your ${page.traffic.members.toLocaleString("en-US")} members and the ${page.traffic.dailyJoined.toFixed(1)} a day who joined over the last ${page.traffic.joinDays} days.`}
      primaryAction={{ content: "Create experiment", url: "/app/experiments/new" }}
      secondaryActions={[
        { content: "Optimise a threshold", url: "/app/experiments/optimize" },
        { content: "Tune earn rate", url: "/app/experiments/tune-earn-rate" },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {page.autoApplyNotices.map((n) => (
              <Banner
                key={`${n.experimentId}-${n.tone}`}
                tone={n.tone}
                title={
                  n.tone === "success" ? "Auto-apply shipped a winner" : "Auto-apply paused an experiment"
                }
                action={{ content: "Open the report", url: `/app/experiments/${n.experimentId}` }}
              >
                <p>{n.text}</p>
              </Banner>
            ))}
            {page.experiments.length ? (
              <Card padding="0">
                <ExperimentsTable rows={page.experiments} />
              </Card>
            ) : (
              <Card>
                <EmptyState
                  heading="Test a change to your program before you make it"
                  action={{ content: "Create experiment", onAction: () => navigate("/app/experiments/new") }}
                  image=""
                >
                  <Text as="p">
                    Give part of your members a different earn rate, reward cost, tier threshold or expiry
                    window and see what it does to revenue and margin, with confidence intervals you can
                    trust.
                  </Text>
                </EmptyState>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <HoldoutCard
            holdout={page.holdout}
            options={page.holdoutOptions}
            horizonDays={page.holdoutHorizonDays}
            errors={failure?.fieldErrors ?? {}}
            message={failure && !Object.keys(failure.fieldErrors).length ? failure.message : null}
            submitting={fetcher.state !== "idle"}
            start={(sharePercent) =>
              fetcher.submit({ intent: "start-holdout", sharePercent }, { method: "post" })
            }
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
