import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, InlineGrid, Layout, Page } from "@shopify/polaris";
import {
  loadReviewSentimentPage,
  recomputeSentimentFromForm,
  type RecomputeAnswer,
} from "~/admin/reviews/page.server";
import {
  EmptyCard,
  NegativeReviewsCard,
  OverTimeCard,
  ProductsCard,
  RatingsCard,
  StatusCard,
  SummaryCard,
  TotalsCard,
} from "~/admin/reviews/ReviewCards";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

export const meta: MetaFunction = () => [{ title: "Review sentiment · Loyalty Optimizer" }];
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadReviewSentimentPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await recomputeSentimentFromForm(prisma(), session.shop, await readForm(request));
  return data<RecomputeAnswer>(answer.body, { status: answer.status });
};

export default function ReviewSentimentPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const active = page.run?.status === "queued" || page.run?.status === "running";
  // While a computation runs, the page follows its progress.
  useRevalidateWhile(active);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <Page title="Review sentiment" subtitle="What customers say in their reviews, over time and by product">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <StatusCard
              page={page}
              error={error}
              submitting={fetcher.state !== "idle"}
              onRecompute={() => fetcher.submit({ intent: "recompute" }, { method: "post" })}
            />
            {page.totals.reviews === 0 ? (
              <EmptyCard />
            ) : (
              <>
                <TotalsCard page={page} />
                <SummaryCard page={page} />
                <InlineGrid columns={{ xs: 1, md: ["twoThirds", "oneThird"] }} gap="400">
                  <OverTimeCard page={page} />
                  <RatingsCard page={page} />
                </InlineGrid>
                <NegativeReviewsCard page={page} />
                <ProductsCard page={page} />
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
