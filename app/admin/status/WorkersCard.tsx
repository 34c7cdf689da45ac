import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { StatusPage } from "./status.server";

const count = new Intl.NumberFormat("en-US");

// Background work: the worker processes alive now and the job counts of each queue.
export function WorkersCard({ jobs }: { jobs: StatusPage["jobs"] }) {
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text variant="headingMd" as="h2">
            Background workers
          </Text>
          <Badge tone={jobs.status.tone}>{jobs.status.label}</Badge>
        </InlineStack>
        {jobs.unavailableReason ? (
          <Text as="p" tone="critical">
            {jobs.unavailableReason}
          </Text>
        ) : jobs.workers.length === 0 ? (
          <Text as="p" tone="subdued">
            Webhooks are recorded and wait in the inbox until a worker processes them. Start one with{" "}
            <Text as="span" fontWeight="semibold">
              npm run worker
            </Text>
            .
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text"]}
            headings={["Worker", "Queues", "Running since", "Last heartbeat"]}
            rows={jobs.workers.map((w) => [
              `${w.host} (pid ${w.pid})`,
              w.queues.join(", "),
              w.runningSince,
              w.late ? <Badge key={w.id} tone="warning">{`Late: ${w.lastBeat}`}</Badge> : w.lastBeat,
            ])}
          />
        )}
        {jobs.queues.length > 0 && (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
            headings={["Queue", "Waiting", "Active", "Delayed", "Failed", "Completed"]}
            rows={jobs.queues.map((q) => [
              q.name,
              count.format(q.waiting),
              count.format(q.active),
              count.format(q.delayed),
              count.format(q.failed),
              count.format(q.completed),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
