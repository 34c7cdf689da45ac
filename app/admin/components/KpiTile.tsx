import { BlockStack, Text } from "@shopify/polaris";

/** Names a figure for the browser tests; `{ "data-kpi": label }` unless given. */
export type TileMarker = Record<`data-${string}`, string>;

// One figure under its label, as every admin summary card shows them: large on the
// dashboard and member cards, small inside a card that also shows progress.
export function KpiTile({
  label,
  value,
  note,
  marker,
  size = "large",
}: {
  label: string;
  value: string;
  note?: string;
  marker?: TileMarker;
  size?: "large" | "small";
}) {
  const small = size === "small";
  return (
    <BlockStack gap={small ? "050" : "100"}>
      <Text as="span" tone="subdued" variant={small ? "bodySm" : undefined}>
        {label}
      </Text>
      <Text as={small ? "span" : "p"} variant={small ? "headingSm" : "headingLg"} numeric>
        <span {...(marker ?? { "data-kpi": label })}>{value}</span>
      </Text>
      {note && (
        <Text as="p" variant="bodySm" tone="subdued">
          {note}
        </Text>
      )}
    </BlockStack>
  );
}
