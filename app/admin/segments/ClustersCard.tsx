import { BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import type { SegmentSummary } from "~/intelligence/segments/summary";

const count = new Intl.NumberFormat("en-US");

/** Behavioural clusters (k-means, k chosen by silhouette) with their personas and sizes. */
export function ClustersCard({ summary }: { summary: SegmentSummary }) {
  const clusters = summary.clusters;
  return (
    <Card>
      <BlockStack gap="400">
        <Text variant="headingMd" as="h2">
          Personas
        </Text>
        {clusters.ok ? (
          <>
            <Text as="p" tone="subdued">
              {`Your buyers fall into ${clusters.k} groups by recency, orders, spend, order value, tenure and points (k-means; silhouette ${clusters.silhouette.toFixed(2)}, the best of 2–8 groups).`}
            </Text>
            {[...clusters.clusters]
              .sort((a, b) => b.size - a.size)
              .map((c) => (
                <BlockStack gap="100" key={c.index}>
                  <InlineStack align="space-between">
                    <Text as="h3" variant="headingSm">
                      <span data-persona={c.index}>
                        {c.written?.by === "openai" ? c.written.name : c.title}
                      </span>
                    </Text>
                    <Text as="span" numeric>
                      {`${count.format(c.size)} members`}
                    </Text>
                  </InlineStack>
                  <ProgressBar progress={(100 * c.size) / Math.max(1, summary.buyerCount)} size="small" />
                  {c.written?.by === "openai" ? (
                    <>
                      <Text as="p">{c.written.description}</Text>
                      <Text as="p" tone="subdued">
                        {`Suggested: ${c.written.action}`}
                      </Text>
                      <Text as="p" tone="subdued" variant="bodySm">
                        {`Written by OpenAI from the cluster's averages. Template: ${c.persona}`}
                      </Text>
                    </>
                  ) : (
                    <>
                      <Text as="p" tone="subdued">
                        {c.persona}
                      </Text>
                      <Text as="p" tone="subdued" variant="bodySm">
                        Templated from the cluster's averages (OpenAI writes personas when a key is
                        configured).
                      </Text>
                    </>
                  )}
                </BlockStack>
              ))}
          </>
        ) : (
          <Text as="p">{clusters.reason}</Text>
        )}
      </BlockStack>
    </Card>
  );
}
