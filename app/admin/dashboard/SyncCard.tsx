import { Badge, BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import type { Dashboard } from "./dashboard.server";
import { Facts } from "./Facts";

const count = new Intl.NumberFormat("en-US");

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
      </BlockStack>
    </Card>
  );
}
