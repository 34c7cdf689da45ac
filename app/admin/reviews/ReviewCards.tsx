import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  Divider,
  InlineGrid,
  InlineStack,
  Link,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { lazy } from "react";
import { KpiTile } from "~/admin/components/KpiTile";
import { formatDateTime } from "~/admin/components/time";
import { ClientOnly } from "~/admin/lifetime-value/ClientOnly";
import type { ReviewSentimentPage } from "./page.server";
import { formatScore, sentimentLabel } from "./present";

const Charts = {
  Weekly: lazy(() => import("./SentimentCharts.client").then((m) => ({ default: m.WeeklySentimentChart }))),
  Count: lazy(() => import("./SentimentCharts.client").then((m) => ({ default: m.WeeklyCountChart }))),
  Rating: lazy(() => import("./SentimentCharts.client").then((m) => ({ default: m.RatingChart }))),
};

const n = (value: number) => value.toLocaleString("en-US");
const pct = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : "—");

/** When the scores were computed, the run in progress or why it stopped, and Recompute. */
export function StatusCard(props: {
  page: ReviewSentimentPage;
  submitting: boolean;
  error: string | null;
  onRecompute: () => void;
}) {
  const { run, computed, timeZone, totals } = props.page;
  const active = run && (run.status === "queued" || run.status === "running");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {computed ? `Computed ${formatDateTime(computed.computedAt, timeZone)}` : "Not computed yet"}
          </Text>
          <Button onClick={props.onRecompute} loading={props.submitting} disabled={Boolean(active)}>
            Recompute
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          Each review&apos;s title and text get a score from −1 (very negative) to +1 (very positive)
          {props.page.openAiConfigured
            ? " by OpenAI, or by VADER when OpenAI cannot answer"
            : " by VADER, a rule-based scorer that runs here"}
          . New reviews are scored after each import and every night.
          {totals.reviews > 0 && ` ${n(totals.scored)} of ${n(totals.reviews)} reviews are scored.`}
        </Text>
        {active && (
          <BlockStack gap="100">
            <Text as="p">
              {run.status === "queued" ? "Waiting for a worker…" : `${run.stage ?? "Working"}…`}
            </Text>
            <ProgressBar progress={Math.round(run.progress * 100)} size="small" />
          </BlockStack>
        )}
        {computed && computed.scoredOpenai + computed.fellBack > 0 && (
          <Text as="p" tone="subdued" variant="bodySm">
            The last run scored {n(computed.scored)} reviews: {n(computed.scoredOpenai)} by OpenAI,{" "}
            {n(computed.fellBack)} by VADER when OpenAI could not answer.
          </Text>
        )}
        {run?.status === "failed" && (
          <Banner tone="warning" title="The last computation stopped on an error">
            <p>{run.reason}</p>
          </Banner>
        )}
        {props.error && <Banner tone="critical">{props.error}</Banner>}
      </BlockStack>
    </Card>
  );
}

/** A shop without reviews: where they come from. */
export function EmptyCard() {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          No reviews yet
        </Text>
        <Text as="p">
          Shopify keeps no reviews of its own, so they come from your review app.{" "}
          <Link url="/app/reviews">Import reviews on the Reviews page</Link> (a CSV export from Judge.me,
          Yotpo, Okendo or Stamped, or your review app&apos;s connection), and their sentiment shows here.
        </Text>
      </BlockStack>
    </Card>
  );
}

export function TotalsCard({ page }: { page: ReviewSentimentPage }) {
  const t = page.totals;
  const a = page.agreement;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          <KpiTile label="Reviews" value={n(t.reviews)} />
          <KpiTile
            label="Mean sentiment"
            value={formatScore(t.meanSentiment)}
            note={sentimentLabel(t.meanSentiment).label}
          />
          <KpiTile label="Negative" value={pct(t.negative, t.scored)} note={`${n(t.negative)} reviews`} />
          <KpiTile label="Mean rating" value={t.meanRating === null ? "—" : `${t.meanRating.toFixed(2)}★`} />
        </InlineGrid>
        <Text as="p" tone="subdued" variant="bodySm">
          <span data-kpi="Agreement with stars">
            Scores against stars: correlation {a.correlation === null ? "—" : a.correlation.toFixed(2)}; of
            the {n(a.polar)} reviews of 1–2★ or 4–5★, {pct(a.polarAgreeing, a.polar)} are scored on the side
            of their stars.
          </span>
        </Text>
      </BlockStack>
    </Card>
  );
}

export function OverTimeCard({ page }: { page: ReviewSentimentPage }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Sentiment over time
        </Text>
        <Text as="p" tone="subdued">
          Mean score of the reviews written each week (weeks start on Monday), and how many there were, over
          the {page.weeks.length} weeks up to the newest review.
        </Text>
        <ClientOnly height={240}>
          <Charts.Weekly weeks={page.weeks} />
        </ClientOnly>
        <ClientOnly height={200}>
          <Charts.Count weeks={page.weeks} />
        </ClientOnly>
      </BlockStack>
    </Card>
  );
}

export function RatingsCard({ page }: { page: ReviewSentimentPage }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Ratings
        </Text>
        <ClientOnly height={240}>
          <Charts.Rating ratings={page.ratings} />
        </ClientOnly>
      </BlockStack>
    </Card>
  );
}

/** The stored OpenAI summary, or why there is none. */
export function SummaryCard({ page }: { page: ReviewSentimentPage }) {
  const c = page.computed;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What recent reviews say
        </Text>
        {!page.openAiConfigured ? (
          <Banner tone="info" title="The summary needs an OpenAI key">
            <p>
              With an OpenAI API key in the app&apos;s settings, each night&apos;s run also writes a short
              summary of the last 90 days&apos; reviews and lists what the negative ones are about. Everything
              else on this page works without it.
            </p>
          </Banner>
        ) : !c?.summary ? (
          <Text as="p" tone="subdued">
            {c?.summaryError
              ? `The last run could not write a summary (${c.summaryError}). It is tried again at the next run.`
              : "The summary is written at the next run; press Recompute to write it now."}
          </Text>
        ) : (
          <BlockStack gap="200">
            <Text as="p">{c.summary}</Text>
            <Text as="p" tone="subdued" variant="bodySm">
              From {n(c.summaryReviews ?? 0)} reviews of the last 90 days, written by OpenAI.
            </Text>
          </BlockStack>
        )}
        {page.openAiConfigured && c && c.negativeThemes.length > 0 && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              What the negative reviews are about
            </Text>
            <InlineStack gap="200">
              {c.negativeThemes.map((t) => (
                <Badge key={t.theme} tone="critical">{`${t.theme} · ${t.reviews}`}</Badge>
              ))}
            </InlineStack>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** The most negative reviews of the last 90 days, with the product and the customer. */
export function NegativeReviewsCard({ page }: { page: ReviewSentimentPage }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Most negative recent reviews
        </Text>
        {page.negative.length === 0 && (
          <Text as="p" tone="subdued">
            No negative reviews in the last 90 days.
          </Text>
        )}
        {page.negative.map((r, i) => (
          <BlockStack key={`${r.reviewedAt}-${i}`} gap="100">
            {i > 0 && <Divider />}
            <Box paddingBlockStart={i > 0 ? "200" : "0"}>
              <InlineStack gap="200" blockAlign="center">
                <Badge tone="critical">{formatScore(r.sentiment)}</Badge>
                <Text as="span" fontWeight="semibold">
                  {"★".repeat(r.rating)}
                  {"☆".repeat(5 - r.rating)}
                </Text>
                <Text as="span">{r.title ?? ""}</Text>
              </InlineStack>
            </Box>
            {r.body && <Text as="p">{r.body}</Text>}
            <InlineStack gap="200">
              <Text as="span" tone="subdued" variant="bodySm">
                {r.productId ? (
                  <Link url={`shopify://admin/products/${r.productId}`} target="_top">
                    {r.product}
                  </Link>
                ) : (
                  r.product
                )}{" "}
                · {r.customerId ? <Link url={`/app/members/${r.customerId}`}>{r.customer}</Link> : r.customer}{" "}
                · {formatDateTime(r.reviewedAt, page.timeZone)}
              </Text>
              {r.themes.map((t) => (
                <Badge key={t}>{t}</Badge>
              ))}
            </InlineStack>
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

export function ProductsCard({ page }: { page: ReviewSentimentPage }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Sentiment by product
        </Text>
        <Text as="p" tone="subdued">
          The {page.products.length} most reviewed products.
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={["Product", "Reviews", "Mean sentiment", "Negative", "Mean rating"]}
          rows={page.products.map((p) => [
            p.productId ? (
              <Link key={p.productId} url={`shopify://admin/products/${p.productId}`} target="_top">
                {p.product}
              </Link>
            ) : (
              p.product
            ),
            n(p.reviews),
            formatScore(p.meanSentiment),
            pct(p.negative, p.reviews),
            `${p.meanRating.toFixed(1)}★`,
          ])}
        />
      </BlockStack>
    </Card>
  );
}
