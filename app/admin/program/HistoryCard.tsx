import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

export interface VersionSummary {
  version: number;
  createdAt: string;
  createdBy: string | null;
  note: string | null;
}

/** Every saved version, newest first: ledger entries name the version that credited them. */
export function HistoryCard(props: { history: VersionSummary[]; current: number; timeZone: string }) {
  const { history, current } = props;
  const when = new Intl.DateTimeFormat("en-US", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: props.timeZone,
  });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Version history
        </Text>
        {history.map((h) => (
          <BlockStack key={h.version} gap="050">
            <InlineStack align="space-between">
              <Text as="span" fontWeight="semibold">
                Version {h.version}
                {h.version === current ? " (current)" : ""}
              </Text>
              <Text as="span" tone="subdued">
                {when.format(new Date(h.createdAt))}
              </Text>
            </InlineStack>
            <Text as="span" tone="subdued">
              {h.createdBy ? `Staff member ${h.createdBy}` : "Created by the app"}
              {h.note ? ` · ${h.note}` : ""}
            </Text>
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}
