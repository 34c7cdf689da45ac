import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  InlineStack,
  List,
  SkeletonBodyText,
  Text,
} from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import type { LiftSeries, MetricView, ReportView } from "./report-present";

const LiftChart = lazy(() => import("./LiftChart.client"));

/** The chart renders only in the browser; the server sends a placeholder of the same size. */
function ClientLiftChart({ series }: { series: LiftSeries[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height: 300 }}>
      <SkeletonBodyText lines={7} />
    </div>
  );
  if (!mounted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <LiftChart series={series} />
    </Suspense>
  );
}

const ROLE: Record<MetricView["role"], string> = {
  primary: "Primary metric",
  secondary: "Secondary metric",
  guardrail: "Guardrail",
};

const VERDICT_TONE = { better: "success", worse: "critical", unclear: undefined, none: undefined } as const;

function MetricCard({ metric }: { metric: MetricView }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {metric.name}
          </Text>
          <Badge>{ROLE[metric.role]}</Badge>
        </InlineStack>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "text", "numeric", "text"]}
          headings={["Variant", "Members", "Mean", "Lift", "95% interval", "Chance to win", "Test"]}
          rows={metric.arms.map((arm, i) => {
            if (i === 0) return [`${arm.variant} (control)`, arm.members, arm.mean, "—", "—", "—", ""];
            const v = metric.variants[i - 1];
            if (!v) return [arm.variant, arm.members, arm.mean, "—", "—", "—", ""];
            return [
              arm.variant,
              arm.members,
              arm.mean,
              v.verdict === "none" ? "—" : <Badge tone={VERDICT_TONE[v.verdict]}>{v.lift}</Badge>,
              v.reason ?? v.interval,
              v.chanceToWin,
              v.pValue,
            ];
          })}
        />
        {metric.note && (
          <Text as="p" variant="bodySm" tone="subdued">
            {metric.note}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** The report: the decision and its reasons, the SRM banner, the cumulative-lift chart, and every metric. */
export function ReportSection({ view, series }: { view: ReportView; series: LiftSeries[] }) {
  const primary = view.metrics.find((m) => m.role === "primary");
  return (
    <BlockStack gap="400">
      {view.srm.warning && (
        <Banner tone="critical" title="Sample ratio mismatch: do not trust these lifts yet">
          <p>{view.srm.text} Exposure is not splitting as the weights say; find out why before deciding.</p>
        </Banner>
      )}
      <Card>
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Decision
            </Text>
            <Badge tone={view.decision.tone}>{view.decision.label}</Badge>
          </InlineStack>
          <List>
            {view.decision.reasons.map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
          {!view.srm.warning && (
            <Text as="p" variant="bodySm" tone="subdued">
              Sample ratio check: {view.srm.text}
            </Text>
          )}
        </BlockStack>
      </Card>
      {primary && series.length > 0 && (
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Cumulative lift: {primary.name}
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              The lift against control (solid) with its always-valid 95% interval (dashed) as members
              accumulated, by exposure day (UTC); looking every day does not inflate false positives.
            </Text>
            <ClientLiftChart series={series} />
          </BlockStack>
        </Card>
      )}
      {view.metrics.map((m) => (
        <MetricCard key={m.key} metric={m} />
      ))}
    </BlockStack>
  );
}
