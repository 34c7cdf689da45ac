import { BlockStack, Box, InlineStack, Text } from "@shopify/polaris";

// The RFM grid as a heat map: recency score down (5 = bought most recently at the top),
// frequency score across; each cell's shade is its share of the busiest cell.

const count = new Intl.NumberFormat("en-US");
const SCORES = [1, 2, 3, 4, 5];

export function RfmGrid({ grid }: { grid: number[][] }) {
  const max = Math.max(1, ...grid.flat());
  const cell: React.CSSProperties = { display: "grid", placeItems: "center", height: 44, borderRadius: 6 };
  return (
    <BlockStack gap="200">
      <div
        role="table"
        aria-label="Members by recency and frequency score"
        style={{ display: "grid", gridTemplateColumns: "88px repeat(5, 1fr)", gap: 4 }}
      >
        {[...SCORES].reverse().map((r) => [
          <div role="rowheader" key={`r${r}`} style={{ ...cell, placeItems: "center start" }}>
            <Text as="span" tone="subdued">{`Recency ${r}`}</Text>
          </div>,
          ...SCORES.map((f) => {
            const value = grid[r - 1]?.[f - 1] ?? 0;
            const shade = value / max;
            return (
              <div
                role="cell"
                key={`r${r}f${f}`}
                data-rfm-cell={`${r}${f}`}
                title={`Recency ${r}, frequency ${f}: ${count.format(value)} members`}
                style={{
                  ...cell,
                  background: `rgba(0, 91, 211, ${0.06 + 0.84 * shade})`,
                  color: shade > 0.5 ? "white" : "inherit",
                }}
              >
                <Text as="span" numeric>
                  {count.format(value)}
                </Text>
              </div>
            );
          }),
        ])}
        <div />
        {SCORES.map((f) => (
          <div key={`f${f}`} style={{ textAlign: "center" }}>
            <Text as="span" tone="subdued">{`Frequency ${f}`}</Text>
          </div>
        ))}
      </div>
      <InlineStack gap="200">
        <Box>
          <Text as="p" tone="subdued" variant="bodySm">
            Scores are quintiles of your buyers: 5 is the most recent or most frequent fifth. Members with
            equal values share a score.
          </Text>
        </Box>
      </InlineStack>
    </BlockStack>
  );
}
