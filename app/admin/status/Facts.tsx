import { BlockStack, InlineStack, Text } from "@shopify/polaris";

// Label/value pairs, as admin's summary cards list them.
export function Facts({ items }: { items: Array<[label: string, value: string]> }) {
  return (
    <BlockStack gap="200">
      {items.map(([label, value]) => (
        <InlineStack key={label} align="space-between" gap="400" wrap={false}>
          <Text as="span" tone="subdued">
            {label}
          </Text>
          <Text as="span" alignment="end">
            {value}
          </Text>
        </InlineStack>
      ))}
    </BlockStack>
  );
}
