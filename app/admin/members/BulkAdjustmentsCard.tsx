import { BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { BulkView } from "./list-page.server";
import { formatDay, formatPoints } from "./present";

/** The shop's recent bulk adjustments: who, what, why and how far along. */
export function BulkAdjustmentsCard(props: { bulks: BulkView[]; timeZone: string | null }) {
  if (props.bulks.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Bulk adjustments
        </Text>
        {props.bulks.map((b) => (
          <BlockStack key={b.id} gap="100">
            <InlineStack align="space-between" gap="200">
              <Text as="span" fontWeight="semibold">
                {formatPoints(b.points, { signed: true })} for {b.total.toLocaleString("en-US")} members · “
                {b.reason}”
              </Text>
              <Text as="span" tone="subdued">
                {b.staff} · {formatDay(b.createdAt, props.timeZone)}
              </Text>
            </InlineStack>
            {b.status === "done" ? (
              <Text as="span" tone="subdued">
                Applied to {b.applied.toLocaleString("en-US")} {b.applied === 1 ? "member" : "members"}
                {b.skipped
                  ? `; ${b.skipped.toLocaleString("en-US")} skipped (balance too low or no longer a member)`
                  : ""}
                .
              </Text>
            ) : (
              <BlockStack gap="100">
                <ProgressBar
                  progress={b.total ? Math.round((b.processed / b.total) * 100) : 0}
                  size="small"
                />
                <Text as="span" tone={b.error ? "critical" : "subdued"}>
                  {b.error ??
                    `${b.status === "queued" ? "Waiting to start" : "Applying"}: ${b.processed.toLocaleString("en-US")} of ${b.total.toLocaleString("en-US")}`}
                </Text>
              </BlockStack>
            )}
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}
