import { Badge, BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { Dashboard } from "./dashboard.server";
import { Facts } from "./Facts";

const count = new Intl.NumberFormat("en-US");

function Metric({ label, value }: { label: string; value: number }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" numeric>
        <span data-metric={label}>{count.format(value)}</span>
      </Text>
    </BlockStack>
  );
}

export function SyncCard({ sync }: { sync: Dashboard["sync"] }) {
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
          <Metric label="Customers" value={sync.customers} />
          <Metric label="Orders" value={sync.orders} />
          <Metric label="Products" value={sync.products} />
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
      </BlockStack>
    </Card>
  );
}
