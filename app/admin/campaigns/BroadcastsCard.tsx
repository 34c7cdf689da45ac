import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";
import type { BroadcastAnswer } from "./broadcasts.server";
import type { CampaignsPage } from "./page.server";

// The shop's broadcasts: when each goes (shop time), its status, how far its run has come
// (sends created of the audience confirmed, then delivered), and Cancel until it has finished.
// The page refreshes itself while one is sending.

const number = new Intl.NumberFormat("en-US");
const STATUS = {
  scheduled: { tone: "info", label: "Scheduled" },
  sending: { tone: "attention", label: "Sending" },
  sent: { tone: "success", label: "Sent" },
  cancelled: { tone: undefined, label: "Cancelled" },
} as const;

type Broadcast = CampaignsPage["broadcasts"][number];

/** Sent only once every message has left (or been skipped); the run finishing first is still sending. */
const statusOf = (b: Broadcast) => STATUS[b.status === "sent" && b.waiting > 0 ? "sending" : b.status];

function Progress({ b }: { b: Broadcast }) {
  if (b.status === "scheduled") return <Text as="span">{number.format(b.audienceCount)} members</Text>;
  if (b.queuedCount === 0)
    return (
      <Text as="span" tone="subdued">
        {b.status === "cancelled" ? "Nothing sent" : "Starting…"}
      </Text>
    );
  const done = b.sent + b.suppressed + b.failed;
  const total = Math.max(b.queuedCount, b.audienceCount, 1);
  return (
    <BlockStack gap="100">
      <div style={{ width: 200 }}>
        <ProgressBar progress={Math.round((100 * done) / total)} size="small" tone="primary" />
      </div>
      <Text as="span" variant="bodySm" tone="subdued">
        {number.format(b.sent)} sent · {number.format(b.suppressed)} skipped · {number.format(b.failed)}{" "}
        failed · {number.format(b.waiting)} waiting, of {number.format(b.queuedCount)}
      </Text>
    </BlockStack>
  );
}

export function BroadcastsCard(props: { page: CampaignsPage; onNew: () => void }) {
  const canceller = useFetcher<BroadcastAnswer>();
  const { broadcasts } = props.page;
  useRevalidateWhile(
    broadcasts.some((b) => b.status === "sending" || (b.status === "sent" && b.waiting > 0)),
    3_000,
  );
  const failure = canceller.data && !canceller.data.ok ? canceller.data.error : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Broadcasts
          </Text>
          <Button variant="primary" onClick={props.onNew}>
            New broadcast
          </Button>
        </InlineStack>
        {failure ? (
          <Text as="p" tone="critical">
            {failure}
          </Text>
        ) : null}
        {broadcasts.length ? (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={["Broadcast", "Goes out", "Status", "Progress", ""]}
            rows={broadcasts.map((b) => [
              <BlockStack key="n" gap="050">
                <Text as="span" fontWeight="semibold">
                  {b.name}
                </Text>
                <Text as="span" variant="bodySm" tone="subdued">
                  {b.subject}
                </Text>
              </BlockStack>,
              b.sendAt,
              <BlockStack key="s" gap="050" inlineAlign="start">
                <Badge tone={statusOf(b).tone}>{statusOf(b).label}</Badge>
                {b.error ? (
                  <Text as="span" variant="bodySm" tone="critical">
                    {b.error}
                  </Text>
                ) : null}
              </BlockStack>,
              <Progress key="p" b={b} />,
              b.status === "scheduled" || b.status === "sending" ? (
                <Button
                  key="c"
                  variant="plain"
                  tone="critical"
                  loading={canceller.state !== "idle"}
                  onClick={() =>
                    canceller.submit({ intent: "cancel-broadcast", runId: b.id }, { method: "post" })
                  }
                >
                  Cancel
                </Button>
              ) : (
                ""
              ),
            ])}
          />
        ) : (
          <Text as="p" tone="subdued">
            No broadcasts yet. Send one message to a saved segment or to members matching conditions, now or
            at a time you choose.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
