import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import type { SegmentsView } from "./segments-present";

// A contextual bandit's segments on the report: the arm most likely best in each, how sure,
// and whether the segment has an allocation of its own (segments-present.ts).

export function SegmentsCard({ view }: { view: SegmentsView }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {`Best arm by segment: ${view.context}`}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {`As of the update applied ${view.updatedAt}.`}
        </Text>
        <div data-testid="bandit-segments">
          <DataTable
            columnContentTypes={["text", "numeric", "text", "numeric", "numeric", "numeric"]}
            headings={[
              "Segment",
              "Members",
              "Likely best arm",
              "Chance of being best",
              "Its share",
              "Pulled to overall",
            ]}
            rows={view.rows.map((r) => [r.segment, r.members, r.winner, r.chance, r.allocation, r.pooled])}
          />
        </div>
        {view.rows.flatMap((r) =>
          r.why
            ? [
                <Text as="p" variant="bodySm" key={r.key}>
                  {r.why}
                </Text>,
              ]
            : [],
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          {view.note}
        </Text>
      </BlockStack>
    </Card>
  );
}
