import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { AtRiskCard, EvaluationCard, NotEnoughCard, StatusCard } from "~/admin/churn/ChurnCards";
import { loadChurnPage, recomputeChurnFromForm, type RecomputeAnswer } from "~/admin/churn/page.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

export const meta: MetaFunction = () => [{ title: "Churn risk · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadChurnPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await recomputeChurnFromForm(prisma(), session.shop, await readForm(request));
  return data<RecomputeAnswer>(answer.body, { status: answer.status });
};

export default function ChurnPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const active = page.run?.status === "queued" || page.run?.status === "running";
  // While a computation runs, the page follows its progress.
  useRevalidateWhile(active);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <Page title="Churn risk" subtitle="Who is likely to stop buying, why, and what to offer them">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <StatusCard
              page={page}
              error={error}
              submitting={fetcher.state !== "idle"}
              onRecompute={() => fetcher.submit({ intent: "recompute" }, { method: "post" })}
            />
            {page.result ? (
              <>
                <AtRiskCard page={page} />
                <EvaluationCard result={page.result} />
              </>
            ) : (
              <NotEnoughCard />
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
