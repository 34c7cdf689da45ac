import { Banner, BlockStack, Button, Card, InlineStack, List, ProgressBar, Text } from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";
import type { LifetimeValuePage } from "./page.server";

const STATUS_TEXT: Record<string, string> = {
  notEnoughData: "The last computation found too little history",
  notConverged: "The last computation did not settle on a model",
  failed: "The last computation stopped on an error",
};

/** When the values were computed, the run in progress (with its progress) or why the last one failed, and Recompute. */
export function StatusCard({
  page,
  submitting,
  error,
  onRecompute,
}: {
  page: LifetimeValuePage;
  submitting: boolean;
  error: string | null;
  onRecompute: () => void;
}) {
  const { run, model, timeZone } = page;
  const active = run && (run.status === "queued" || run.status === "running");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {model ? `Computed ${formatDateTime(model.computedAt, timeZone)}` : "Not computed yet"}
          </Text>
          <Button onClick={onRecompute} loading={submitting} disabled={Boolean(active)}>
            Recompute
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          Recomputed every night from paid orders net of refunds. Values are for the next 12 months,
          discounted at 1% a month.
        </Text>
        {active && (
          <BlockStack gap="100">
            <Text as="p">
              {run.status === "queued" ? "Waiting for a worker…" : `${run.stage ?? "Working"}…`}
            </Text>
            <ProgressBar progress={Math.round(run.progress * 100)} size="small" />
          </BlockStack>
        )}
        {run && !active && run.status !== "fitted" && (
          <Banner tone={run.status === "notEnoughData" ? "info" : "warning"} title={STATUS_TEXT[run.status]}>
            <p>{run.reason}</p>
            {model && (
              <p>
                The values below are from the model computed {formatDateTime(model.computedAt, timeZone)}.
              </p>
            )}
          </Banner>
        )}
        {error && <Banner tone="critical">{error}</Banner>}
      </BlockStack>
    </Card>
  );
}

/** For a shop without a model: what the models need, against what the shop has. */
export function NeededCard({ page }: { page: LifetimeValuePage }) {
  const { needed, run } = page;
  if (run?.status === "notConverged" || run?.status === "failed")
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            No model yet
          </Text>
          <Text as="p">
            {run.status === "notConverged"
              ? "Your history has enough customers, but it does not yet tell the model how many of them have stopped buying. That usually settles as more months of repeat orders come in."
              : "The computation stopped on an error."}{" "}
            It is tried again every night, or press Recompute.
          </Text>
        </BlockStack>
      </Card>
    );
  const has = (n: number | null | undefined) => (n == null ? "" : ` (you have ${n.toLocaleString("en-US")})`);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Not enough data yet
        </Text>
        <Text as="p">
          Lifetime value is predicted from how your customers have bought so far. The models need:
        </Text>
        <List>
          <List.Item>
            at least {needed.customers} customers with a paid order{has(run?.customers)}
          </List.Item>
          <List.Item>
            at least {needed.repeatBuyers} of them who came back to buy again on another day
            {has(run?.repeatBuyers)}
          </List.Item>
          <List.Item>at least {needed.historyDays} days between your first such order and today</List.Item>
        </List>
        <Text as="p" tone="subdued">
          Orders imported from your history count. The check runs every night; press Recompute after an
          import.
        </Text>
      </BlockStack>
    </Card>
  );
}
