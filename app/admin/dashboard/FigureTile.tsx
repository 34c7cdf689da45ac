import { Badge, BlockStack, InlineStack, Text } from "@shopify/polaris";
import type { Figure } from "./business-present";

// One business figure: its value, the change against the previous period (toned by
// whether the move is good for the shop), the previous value, and what it counts.
export function FigureTile({ figure }: { figure: Figure }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued">
        {figure.label}
      </Text>
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        <Text as="p" variant="headingLg" numeric>
          <span data-kpi={figure.label}>{figure.value}</span>
        </Text>
        {figure.change && <Badge tone={figure.change.tone}>{figure.change.text}</Badge>}
      </InlineStack>
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-previous={figure.label}>{figure.previous}</span>
      </Text>
      {figure.note && (
        <Text as="p" variant="bodySm" tone="subdued">
          {figure.note}
        </Text>
      )}
    </BlockStack>
  );
}
