import { Badge, Banner, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";
import type { ScoringPage } from "./page.server";

// The full scoring's card: when the shop was last scored, the bar across the stages while a
// run is on its way, and each stage's outcome (a stage that could not store keeps the model's
// previous results, and says why).

const STAGE_BADGE = {
  pending: { tone: undefined, text: "Waiting" },
  running: { tone: "info", text: "Running" },
  done: { tone: "success", text: "Updated" },
  skipped: { tone: undefined, text: "Skipped" },
  notEnoughData: { tone: "attention", text: "Not enough data" },
  failed: { tone: "critical", text: "Failed" },
} as const;

export function ScoringCard(props: {
  page: ScoringPage;
  submitting: boolean;
  error: string | null;
  onScore: () => void;
}) {
  const { run, lastScoredAt, timeZone } = props.page;
  const active = run && (run.status === "queued" || run.status === "running");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {lastScoredAt ? `Scored ${formatDateTime(lastScoredAt, timeZone)}` : "Not scored yet"}
          </Text>
          <Button
            variant="primary"
            onClick={props.onScore}
            loading={props.submitting}
            disabled={Boolean(active)}
          >
            Score now
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          Every night the app recomputes segments and clusters, lifetime values, reward recommendations and
          churn risk, in that order. Each Insights page can also recompute its own model.
        </Text>
        {active && (
          <BlockStack gap="100">
            <Text as="p">
              {run.status === "queued" ? "Waiting for a worker…" : `${run.stage ?? "Working"}…`}
            </Text>
            <ProgressBar progress={Math.round(run.progress * 100)} size="small" />
          </BlockStack>
        )}
        {run?.status === "failed" && (
          <Banner tone="warning" title="The last scoring stopped">
            <p>{run.reason}</p>
          </Banner>
        )}
        {run && run.stages.length > 0 && (
          <BlockStack gap="200">
            {run.stages.map((stage) => (
              <InlineStack key={stage.key} gap="200" blockAlign="center" wrap={false}>
                <Badge tone={STAGE_BADGE[stage.status].tone}>{STAGE_BADGE[stage.status].text}</Badge>
                <Text as="span" fontWeight="semibold">
                  {stage.label}
                </Text>
                {stage.detail && (
                  <Text as="span" tone="subdued">
                    {stage.detail}
                    {stage.seconds !== undefined ? ` · ${stage.seconds.toFixed(1)} s` : ""}
                  </Text>
                )}
              </InlineStack>
            ))}
          </BlockStack>
        )}
        {props.error && <Banner tone="critical">{props.error}</Banner>}
      </BlockStack>
    </Card>
  );
}
