import { BlockStack, Button, ButtonGroup, InlineStack, Text } from "@shopify/polaris";
import { PERIOD_DAYS } from "~/stats/periods";
import type { BusinessView } from "./business-present";

const LABELS: Record<(typeof PERIOD_DAYS)[number], string> = {
  30: "30 days",
  90: "90 days",
  365: "12 months",
};

/** The period the figures below cover, the one they are compared with, and the choice of 30, 90 or 365 days. */
export function PeriodBar({ view }: { view: BusinessView }) {
  return (
    <InlineStack align="space-between" blockAlign="center" gap="400">
      <BlockStack gap="050">
        <Text as="h2" variant="headingMd">
          <span data-testid="period-range">{view.period.range}</span>
        </Text>
        <Text as="p" tone="subdued" variant="bodySm">
          {`Compared with ${view.period.previousRange}. Days and times in the shop's time zone; figures as of ${view.asOf}.`}
        </Text>
      </BlockStack>
      <ButtonGroup variant="segmented">
        {PERIOD_DAYS.map((days) => (
          <Button key={days} url={`/app?period=${days}`} pressed={view.period.days === days}>
            {LABELS[days]}
          </Button>
        ))}
      </ButtonGroup>
    </InlineStack>
  );
}
