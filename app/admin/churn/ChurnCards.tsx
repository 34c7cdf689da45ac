import { Link } from "@remix-run/react";
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
} from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import { decimal, percent } from "~/admin/lifetime-value/present";
import { formatDateTime } from "~/admin/components/time";
import { formatMoney } from "~/admin/members/present";
import type { ChurnPage } from "./page.server";
import { driverText } from "./present";

const STATUS_TEXT: Record<string, string> = {
  notEnoughData: "The last computation found too little history",
  failed: "The last computation stopped on an error",
};

/** When the risks were computed, the run in progress or why the last one stopped, and Recompute. */
export function StatusCard(props: {
  page: ChurnPage;
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
          Risk is the chance a customer places no order in the next {result?.horizonDays ?? 90} days, from a
          model trained on your own history and recomputed every night.
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
            <p>{run.reason && run.reason[0]!.toUpperCase() + run.reason.slice(1)}.</p>
            {result && <p>The risks below are from {formatDateTime(result.computedAt, timeZone)}.</p>}
          </Banner>
        )}
        {props.error && <Banner tone="critical">{props.error}</Banner>}
      </BlockStack>
    </Card>
  );
}

/** How well the model ranked who lapsed, on the last fully observed period it did not train on. */
export function EvaluationCard({ result }: { result: NonNullable<ChurnPage["result"]> }) {
  const e = result.evaluation;
  const auc = (v: number | null) => (v === null ? "—" : decimal(v, 3));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          How well it predicts
        </Text>
        <Text as="p" tone="subdued">
          Trained on your history up to {2 * result.horizonDays} days ago and checked on the{" "}
          {e.rows.toLocaleString("en-US")} customers of the next {result.horizonDays} days (
          {percent(e.churnRate)} of them did not order again).
        </Text>
        <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
          <KpiTile label="AUC (model)" value={auc(e.auc)} />
          <KpiTile label="AUC (days since last order alone)" value={auc(e.recencyAuc)} />
          <KpiTile label="Precision" value={percent(e.atThreshold.precision)} />
          <KpiTile label="Recall" value={percent(e.atThreshold.recall)} />
          <KpiTile label="F1" value={decimal(e.atThreshold.f1, 3)} />
        </InlineGrid>
        <Text as="p" tone="subdued">
          AUC is the chance a customer who lapsed was ranked above one who came back (0.5 is a coin toss). A
          customer is flagged at risk from {percent(e.threshold)}; at that line, precision is the share of
          flagged customers who did lapse and recall the share of lapsed customers who were flagged.
        </Text>
        <Text as="h3" variant="headingSm">
          Calibration: predicted against observed, by tenth of predicted risk
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={["Predicted risk", "Customers", "Predicted lapse rate", "Observed lapse rate"]}
          rows={e.calibration.map((b) => [
            `${percent(b.from)} – ${percent(b.to)}`,
            b.count.toLocaleString("en-US"),
            percent(b.predicted),
            percent(b.observed),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

/** The at-risk members with the most at stake, why, and what to do. */
export function AtRiskCard({ page }: { page: ChurnPage }) {
  const { result, atRisk, currency } = page;
  if (!result) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          At risk: {result.atRisk.toLocaleString("en-US")} of {result.customers.toLocaleString("en-US")}{" "}
          customers
        </Text>
        <Text as="p" tone="subdued">
          The {atRisk.length} with the most at stake. Value at stake is the 12-month lifetime value where it
          is known, otherwise the last 12 months&apos; spend (marked *).
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "text", "numeric", "text"]}
          headings={["Customer", "Risk", "Why", "Value at stake", "Recommended"]}
          verticalAlign="top"
          rows={atRisk.map((m) => [
            <Link key={m.customerId} to={`/app/members/${m.customerId}`}>
              {m.name}
            </Link>,
            percent(m.risk),
            <BlockStack key="why" gap="050">
              {m.drivers.map((d) => (
                <Text as="span" key={d.feature}>
                  {driverText(d, currency)}
                </Text>
              ))}
            </BlockStack>,
            m.valueAtStakeMinor === null
              ? "—"
              : `${formatMoney(Math.round(m.valueAtStakeMinor), currency)}${m.valueSource === "clv" ? "" : " *"}`,
            <Text as="span" key="do">
              {"message" in m.intervention ? m.intervention.message : "—"}
            </Text>,
          ])}
        />
      </BlockStack>
    </Card>
  );
}

/** A shop without results: what the model needs (the status card gives the run's reason). */
export function NotEnoughCard() {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Not enough data yet
        </Text>
        <Text as="p">
          Churn risk is learned from customers who lapsed and customers who came back over the last two 90-day
          periods. It needs at least 50 customers with an order before then, and at least 10 who lapsed and 10
          who came back.
        </Text>
        <Text as="p" tone="subdued">
          Orders imported from your history count. The check runs every night; press Recompute after an
          import.
        </Text>
      </BlockStack>
    </Card>
  );
}
