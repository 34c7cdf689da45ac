import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { EvaluationCard, ParametersCard } from "~/admin/lifetime-value/ModelCards";
import {
  loadLifetimeValuePage,
  recomputeLifetimeValueFromForm,
  type RecomputeAnswer,
} from "~/admin/lifetime-value/page.server";
import { NeededCard, StatusCard } from "~/admin/lifetime-value/StatusCard";
import { DistributionCard, SummaryCard, TopMembersCard } from "~/admin/lifetime-value/ValueCards";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

export const meta: MetaFunction = () => [{ title: "Lifetime value · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadLifetimeValuePage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await recomputeLifetimeValueFromForm(prisma(), session.shop, await readForm(request));
  return data<RecomputeAnswer>(answer.body, { status: answer.status });
};

export default function LifetimeValuePage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const active = page.run?.status === "queued" || page.run?.status === "running";
  // While a computation runs, the page follows its progress.
  useRevalidateWhile(active);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <Page
      title="Lifetime value"
      subtitle="What each member is likely to spend with you over the next 12 months"
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <StatusCard
              page={page}
              error={error}
              submitting={fetcher.state !== "idle"}
              onRecompute={() => fetcher.submit({ intent: "recompute" }, { method: "post" })}
            />
            {page.model ? (
              <>
                <SummaryCard page={page} />
                <DistributionCard page={page} />
                <TopMembersCard page={page} />
              </>
            ) : (
              <NeededCard page={page} />
            )}
          </BlockStack>
        </Layout.Section>
        {page.model && (
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <ParametersCard model={page.model} />
            </BlockStack>
          </Layout.Section>
        )}
        {page.model && (
          <Layout.Section>
            <EvaluationCard model={page.model} />
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
