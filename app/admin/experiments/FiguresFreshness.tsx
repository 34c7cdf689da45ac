import { Banner, Text } from "@shopify/polaris";

/** The line that dates a report's stored figures (ADR 0052): a banner when they are stale. */
export function FiguresFreshness({ figures }: { figures: { stale: boolean; text: string } }) {
  return (
    <div data-figures-freshness>
      {figures.stale ? (
        <Banner tone="info">
          <p>{figures.text}</p>
        </Banner>
      ) : (
        <Text as="p" tone="subdued">
          {figures.text}
        </Text>
      )}
    </div>
  );
}
