import { BlockStack, Box, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import { formatMoney } from "~/admin/members/present";
import { MESSAGE_KINDS, type MessageKind } from "~/loyalty/program-messages";
import type { VariantPreview } from "./preview";

// The variants step's side-by-side preview (preview.ts computes it): what a typical member
// earns under each variant and, on the messages lever, the message they would receive.

type Ok = Extract<VariantPreview, { ok: true }>;

export function VariantPreviewCard(props: {
  previews: VariantPreview[];
  typicalOrderMinor: number;
  averageOrderDays: number | null;
  currency: string;
  messageKind: MessageKind | null;
}) {
  const { previews } = props;
  const messages = props.messageKind ? previews : [];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What a typical member earns
        </Text>
        <Text as="p" tone="subdued">
          An order of {formatMoney(props.typicalOrderMinor, props.currency)}
          {props.averageOrderDays !== null
            ? `, your average order over the last ${props.averageOrderDays} days`
            : " (an example: no orders in the last 28 days)"}
          , with no product multipliers
          {previews.some((p) => p.ok && p.campaigns.length) ? "" : " or campaigns"}.
        </Text>
        <div data-testid="variant-preview">
          <DataTable
            columnContentTypes={["text", ...previews.map(() => "text" as const)]}
            headings={["", ...previews.map((p) => p.name || "Unnamed")]}
            rows={previewRows(previews)}
          />
        </div>
        {props.messageKind && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {MESSAGE_KINDS[props.messageKind].label} message, as a member named Alex would receive it
            </Text>
            <div data-testid="message-preview">
              <InlineGrid columns={{ xs: 1, md: Math.min(messages.length, 3) }} gap="300">
                {messages.map((p, i) => (
                  <Box key={i} padding="300" background="bg-surface-secondary" borderRadius="200">
                    <BlockStack gap="200">
                      <Text as="p" tone="subdued">
                        {p.name || "Unnamed"}
                      </Text>
                      {p.ok && p.message ? (
                        <>
                          <Text as="p" fontWeight="semibold">
                            {p.message.subject}
                          </Text>
                          <div style={{ whiteSpace: "pre-wrap" }}>
                            <Text as="p">{p.message.body}</Text>
                          </div>
                        </>
                      ) : (
                        <Text as="p" tone="critical">
                          {p.ok ? "—" : p.problem}
                        </Text>
                      )}
                    </BlockStack>
                  </Box>
                ))}
              </InlineGrid>
            </div>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function previewRows(previews: VariantPreview[]): string[][] {
  const first = previews.find((p): p is Ok => p.ok);
  if (!first) return [["Preview", ...previews.map((p) => (p.ok ? "" : p.problem))]];
  // A variant whose fields make no valid program says why once, in its first row.
  let row = 0;
  const cell = (f: (p: Ok) => string) => {
    const first = row++ === 0;
    return previews.map((p) => (p.ok ? f(p) : first ? p.problem : "—"));
  };
  const points = (n: number | undefined) => (n === undefined ? "—" : n.toLocaleString("en-US"));
  return [
    ["Points per order", ...cell((p) => points(p.points[0]!.points))],
    ...first.points
      .slice(1)
      .map((t, i) => [`${t.tier} members`, ...cell((p) => points(p.points[i + 1]?.points))]),
    ...first.campaigns.map((c, i) => [
      `Points per order during ${c.name}`,
      ...cell((p) => points(p.campaigns[i]?.points)),
    ]),
    [
      "Orders to the cheapest reward",
      ...cell((p) => (p.ordersToReward === null ? "—" : `${p.ordersToReward} (${p.cheapestReward})`)),
    ],
    ["Expiry", ...cell((p) => p.expiry)],
  ];
}
