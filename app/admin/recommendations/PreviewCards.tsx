import { Form, Link } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { lazy, useState } from "react";
import { formatDateTime } from "~/admin/components/time";
import { ClientOnly } from "~/admin/lifetime-value/ClientOnly";
import { RewardCard } from "~/admin/members/RewardCard";
import type { Method } from "~/intelligence/recommendations/evaluate";
import type { RecommendationsPage } from "./page.server";
import { RecommendedProductsCard } from "./RecommendedProductsCard";

const EvaluationChart = lazy(() => import("./EvaluationChart.client"));

const STATUS_TEXT: Record<string, string> = {
  notEnoughData: "The last computation found too little data",
  failed: "The last computation stopped on an error",
};

const METHOD_LABELS: Record<Method, string> = {
  blend: "Blend (in use)",
  cf: "Bought together only",
  content: "Similar descriptions only",
  popularity: "Best sellers",
  random: "Random products",
};

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** When the model was computed, the run in progress or why the last one stopped, and Recompute. */
export function StatusCard(props: {
  page: RecommendationsPage;
  submitting: boolean;
  error: string | null;
  onRecompute: () => void;
}) {
  const { run, result, timeZone } = props.page;
  const active = run && (run.status === "queued" || run.status === "running");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {result ? `Computed ${formatDateTime(result.computedAt, timeZone)}` : "Not computed yet"}
          </Text>
          <Button onClick={props.onRecompute} loading={props.submitting} disabled={Boolean(active)}>
            Recompute
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          Products are recommended from what customers buy together and from how alike product titles and
          descriptions are
          {result
            ? ` (${result.source === "openai" ? "OpenAI embeddings" : "word statistics (TF-IDF)"}, ${result.products.toLocaleString("en-US")} products)`
            : ""}
          , recomputed every night.
        </Text>
        {active && (
          <BlockStack gap="100">
            <Text as="p">
              {run.status === "queued" ? "Waiting for a worker…" : `${run.stage ?? "Working"}…`}
            </Text>
            <ProgressBar progress={Math.round(run.progress * 100)} size="small" />
          </BlockStack>
        )}
        {run && !active && run.status !== "computed" && (
          <Banner tone={run.status === "notEnoughData" ? "info" : "warning"} title={STATUS_TEXT[run.status]}>
            <p>{run.reason && capital(run.reason)}</p>
            {result && (
              <p>The recommendations below are from {formatDateTime(result.computedAt, timeZone)}.</p>
            )}
          </Banner>
        )}
        {result?.evaluation?.note && <Banner tone="warning">{result.evaluation.note}</Banner>}
        {props.error && <Banner tone="critical">{props.error}</Banner>}
      </BlockStack>
    </Card>
  );
}

/** Pick a member by email or name; their recommendations show below. */
export function MemberPickerCard({ page }: { page: RecommendationsPage }) {
  const [q, setQ] = useState(page.q);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Preview a member
        </Text>
        <Form method="get">
          <InlineStack gap="200" blockAlign="end">
            <div style={{ flexGrow: 1 }}>
              <TextField
                label="Email or name"
                name="q"
                value={q}
                onChange={setQ}
                autoComplete="off"
                placeholder="e.g. ana@example.com"
              />
            </div>
            <Button submit>Search</Button>
          </InlineStack>
        </Form>
        {page.q && page.matches.length === 0 && (
          <Text as="p" tone="subdued">
            No member matches “{page.q}”.
          </Text>
        )}
        {page.matches.length > 0 && (
          <BlockStack gap="100">
            {page.matches.map((m) => (
              <Link key={m.customerId} to={`?q=${encodeURIComponent(page.q)}&customerId=${m.customerId}`}>
                {m.name}
                {m.email && m.email !== m.name ? ` · ${m.email}` : ""}
              </Link>
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** The chosen member's recommendations (products now; rewards join here). */
export function MemberPreview({ page }: { page: RecommendationsPage }) {
  const member = page.member;
  if (!member) return null;
  if (!member.found) return <Banner tone="warning">This shop has no customer {member.customerId}.</Banner>;
  return (
    <BlockStack gap="300">
      <Text as="h2" variant="headingLg">
        <Link to={`/app/members/${member.customerId}`}>{member.name}</Link>
        {member.email && member.email !== member.name ? ` · ${member.email}` : ""}
      </Text>
      <InlineGrid columns={{ xs: 1, md: ["twoThirds", "oneThird"] }} gap="400">
        <RecommendedProductsCard
          recommendations={member.products}
          timeZone={page.timeZone}
          linkToPreview={false}
        />
        <RewardCard recommendation={member.reward} timeZone={page.timeZone} />
      </InlineGrid>
    </BlockStack>
  );
}

/** Precision@k and recall@k on the time holdout, next to the baselines. */
export function EvaluationCard({ page }: { page: RecommendationsPage }) {
  const e = page.result?.evaluation;
  if (!e) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          How well it predicts
        </Text>
        {!e.ok ? (
          <Text as="p" tone="subdued">
            {capital(e.reason)}
          </Text>
        ) : (
          <>
            <Text as="p" tone="subdued">
              Trained on the orders before the last {Math.round(e.testDays)} days of history and checked on
              the {e.testCustomers.toLocaleString("en-US")} customers who then bought something new
              {e.returningCustomers > e.testCustomers
                ? ` (an even sample of ${e.returningCustomers.toLocaleString("en-US")})`
                : ""}
              : precision@k is the share of the k recommended products they went on to buy, recall@k the share
              of what they bought that was among the k.
            </Text>
            <ClientOnly height={260}>
              <EvaluationChart
                rows={(Object.keys(METHOD_LABELS) as Method[]).map((m) => ({
                  label: METHOD_LABELS[m],
                  values: e.methods[m],
                }))}
              />
            </ClientOnly>
            <DataTable
              columnContentTypes={["text", ...e.methods.blend.flatMap(() => ["numeric", "numeric"] as const)]}
              headings={["Method", ...e.methods.blend.flatMap((a) => [`Precision@${a.k}`, `Recall@${a.k}`])]}
              rows={(Object.keys(METHOD_LABELS) as Method[]).map((m) => [
                METHOD_LABELS[m],
                ...e.methods[m].flatMap((a) => [pct(a.precision), pct(a.recall)]),
              ])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}
