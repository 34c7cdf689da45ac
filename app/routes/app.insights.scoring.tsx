import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { loadScoringPage, scoreNowFromForm, type ScoreNowAnswer } from "~/admin/scoring/page.server";
import { ScoringCard } from "~/admin/scoring/ScoringCard";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

export const meta: MetaFunction = () => [{ title: "Scoring · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadScoringPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await scoreNowFromForm(prisma(), session.shop, await readForm(request));
  return data<ScoreNowAnswer>(answer.body, { status: answer.status });
};

export default function ScoringPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const active = page.run?.status === "queued" || page.run?.status === "running";
  // While a scoring runs, the page follows its progress.
  useRevalidateWhile(active);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <Page
      title="Scoring"
      subtitle="Segments, lifetime value, reward recommendations and churn risk, brought up to date together"
    >
      <Layout>
        <Layout.Section>
          <ScoringCard
            page={page}
            error={error}
            submitting={fetcher.state !== "idle"}
            onScore={() => fetcher.submit({ intent: "recompute" }, { method: "post" })}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
