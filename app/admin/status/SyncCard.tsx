import { Badge, BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import type { StatusPage } from "./status.server";
import { Facts } from "./Facts";

const count = new Intl.NumberFormat("en-US");

export function SyncCard({ sync }: { sync: StatusPage["sync"] }) {
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text variant="headingMd" as="h2">
            Sync
          </Text>
          <Badge tone={sync.status.tone}>{sync.status.label}</Badge>
        </InlineStack>
        <InlineGrid columns={3} gap="400">
          <KpiTile
            label="Customers"
            value={count.format(sync.customers)}
            marker={{ "data-metric": "Customers" }}
          />
          <KpiTile label="Orders" value={count.format(sync.orders)} marker={{ "data-metric": "Orders" }} />
          <KpiTile
            label="Products"
            value={count.format(sync.products)}
            marker={{ "data-metric": "Products" }}
          />
        </InlineGrid>
        <Facts
          items={[
            ["Webhook events waiting", count.format(sync.backlog)],
            ["Webhook events failed", count.format(sync.failed)],
            [
              "Last event processed",
              sync.lastProcessed ? `${sync.lastProcessed.ago} (${sync.lastProcessed.at})` : "None yet",
            ],
          ]}
        />
        {sync.failedEvents.length > 0 && <FailedEvents events={sync.failedEvents} />}
      </BlockStack>
    </Card>
  );
}

// Failed events are never retried on their own: the merchant (or support) needs the
// reason to act on, such as a payload the app could not store or read.
function FailedEvents({ events }: { events: StatusPage["sync"]["failedEvents"] }) {
  return (
    <BlockStack gap="200">
      <Text variant="headingSm" as="h3">
        Latest failed events
      </Text>
      {events.map((event) => (
        <BlockStack key={event.id} gap="050">
          <InlineStack align="space-between" gap="400" wrap={false}>
            <Text as="span" fontWeight="semibold">
              {event.topic}
            </Text>
            <Text as="span" tone="subdued">
              {event.receivedAt}
            </Text>
          </InlineStack>
          <Text as="p" tone="critical" breakWord>
            <span data-failed-event={event.id}>{event.reason}</span>
          </Text>
        </BlockStack>
      ))}
    </BlockStack>
  );
}
