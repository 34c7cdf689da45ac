import { Badge, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { StatusPage } from "./status.server";
import { Facts } from "./Facts";

export function InstallCard({ install }: { install: StatusPage["install"] }) {
  if (!install) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text variant="headingMd" as="h2">
            Store
          </Text>
          <Text as="p" tone="subdued">
            The store's details have not been recorded yet. They are saved when the app is opened from Shopify
            admin.
          </Text>
        </BlockStack>
      </Card>
    );
  }
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text variant="headingMd" as="h2">
            {install.name}
          </Text>
          <Badge tone={install.status === "installed" ? "success" : "critical"}>
            {install.status === "installed" ? "Installed" : "Uninstalled"}
          </Badge>
        </InlineStack>
        <Facts
          items={[
            ["Domain", install.domain],
            ["Plan", install.planName ?? "Unknown"],
            ["Currency", install.currencyCode],
            ["Installed since", install.installedSince],
          ]}
        />
      </BlockStack>
    </Card>
  );
}
