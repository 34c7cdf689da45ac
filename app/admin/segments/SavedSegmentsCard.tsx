import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, IndexTable, InlineStack, Modal, Text } from "@shopify/polaris";
import { useState } from "react";
import type { AudienceFields } from "~/intelligence/segments/audience";

// The saved segments: each with its live count (the conditions evaluated now) and when it
// was last changed, to edit in the builder or delete. A delete the server refuses (an
// experiment targets the segment) shows its 409 message.

const count = new Intl.NumberFormat("en-US");

export type SavedSegmentView = {
  id: string;
  name: string;
  description: string;
  fields: AudienceFields | null;
  matching: number;
  total: number;
  updatedAt: string;
};

type Answer = { ok: boolean; message: string };

export function SavedSegmentsCard(props: {
  segments: SavedSegmentView[];
  onEdit: (s: SavedSegmentView) => void;
}) {
  const deleter = useFetcher<Answer>();
  const [deleting, setDeleting] = useState<SavedSegmentView | null>(null);
  const refused = deleter.state === "idle" && deleter.data && !deleter.data.ok ? deleter.data.message : null;
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <BlockStack gap="200">
          <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
            <BlockStack gap="200">
              <Text variant="headingMd" as="h2">
                Saved segments
              </Text>
              <Text as="p" tone="subdued">
                Segments are dynamic: they keep their conditions, not a list of members, so who is in them
                changes whenever RFM, lifetime value and churn risk are recomputed. Experiments, campaigns and
                the optimizer can target them; an experiment takes the members in the segment when it launches
                and keeps them.
              </Text>
              {refused ? (
                <Banner tone="warning" title="The segment was not deleted">
                  {refused}
                </Banner>
              ) : null}
            </BlockStack>
          </div>
        </BlockStack>
        {props.segments.length ? (
          <IndexTable
            resourceName={{ singular: "segment", plural: "segments" }}
            itemCount={props.segments.length}
            selectable={false}
            headings={[
              { title: "Segment" },
              { title: "Members now", alignment: "end" },
              { title: "Last updated" },
              { title: "" },
            ]}
          >
            {props.segments.map((s, i) => (
              <IndexTable.Row id={s.id} key={s.id} position={i}>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      <span data-saved-segment={s.id}>{s.name}</span>
                    </Text>
                    {s.description ? (
                      <Text as="span" tone="subdued" variant="bodySm">
                        {s.description}
                      </Text>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {s.fields
                      ? `${count.format(s.matching)} of ${count.format(s.total)}`
                      : "Unreadable conditions"}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{s.updatedAt}</IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="200" align="end">
                    <Button size="slim" disabled={!s.fields} onClick={() => props.onEdit(s)}>
                      Edit
                    </Button>
                    <Button size="slim" tone="critical" variant="plain" onClick={() => setDeleting(s)}>
                      Delete
                    </Button>
                  </InlineStack>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        ) : (
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="p" tone="subdued">
              No saved segments yet: build one below and choose Save as segment.
            </Text>
          </div>
        )}
      </BlockStack>
      <Modal
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.name ?? ""}”?`}
        primaryAction={{
          content: "Delete",
          destructive: true,
          onAction: () => {
            if (deleting)
              deleter.submit(
                { intent: "delete" },
                { method: "post", action: `/app/insights/saved-segments/${deleting.id}` },
              );
            setDeleting(null);
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setDeleting(null) }]}
      >
        <Modal.Section>
          <Text as="p">
            Campaigns and the optimizer will no longer be able to target it. Its members are not affected.
          </Text>
        </Modal.Section>
      </Modal>
    </Card>
  );
}
