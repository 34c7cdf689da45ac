import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";

export interface VersionSummary {
  version: number;
  createdAt: string;
  createdBy: string | null;
  /** Who saved it, by name when the app has seen them in the admin. */
  createdByName: string | null;
  note: string | null;
}

/** Every saved version, newest first: ledger entries name the version that credited them. */
export function HistoryCard(props: { history: VersionSummary[]; current: number; timeZone: string }) {
  const { history, current } = props;
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
                {formatDateTime(h.createdAt, props.timeZone)}
              </Text>
            </InlineStack>
            <Text as="span" tone="subdued">
              {h.createdByName ? `Saved by ${h.createdByName}` : "Created by the app"}
              {h.note ? ` · ${h.note}` : ""}
            </Text>
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}
