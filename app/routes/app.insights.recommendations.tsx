import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import {
  loadRecommendationsPage,
  recomputeRecommendationsFromForm,
  type RecomputeAnswer,
} from "~/admin/recommendations/page.server";
import {
  EvaluationCard,
  MemberPickerCard,
  MemberPreview,
  StatusCard,
} from "~/admin/recommendations/PreviewCards";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

export const meta: MetaFunction = () => [{ title: "Recommendations · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadRecommendationsPage(prisma(), session.shop, new URL(request.url));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await recomputeRecommendationsFromForm(prisma(), session.shop, await readForm(request));
  return data<RecomputeAnswer>(answer.body, { status: answer.status });
};

export default function RecommendationsPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const active = page.run?.status === "queued" || page.run?.status === "running";
  // While a computation runs, the page follows its progress.
  useRevalidateWhile(active);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <Page title="Recommendations" subtitle="What each member is likely to buy and redeem next, and why">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <StatusCard
              page={page}
              error={error}
              submitting={fetcher.state !== "idle"}
              onRecompute={() => fetcher.submit({ intent: "recompute" }, { method: "post" })}
            />
            <MemberPickerCard page={page} />
            <MemberPreview page={page} />
            <EvaluationCard page={page} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
