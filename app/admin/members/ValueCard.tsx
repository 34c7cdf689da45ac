import { Link } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import { formatDay, formatMoney } from "./present";
import type { MemberValueView } from "./value.server";

/** Predicted value, chance still active and expected orders, with when they were computed. */
export function ValueCard({ value, timeZone }: { value: MemberValueView | null; timeZone: string | null }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Lifetime value
        </Text>
        {value ? (
          <>
            <InlineGrid columns={2} gap="300">
              <KpiTile
                size="small"
                label="Value, next 12 months"
                value={
                  value.clvMinor === null ? "—" : formatMoney(Math.round(value.clvMinor), value.currency)
                }
              />
              <KpiTile
                size="small"
                label="Chance still active"
                value={`${Math.round(value.pAlive * 100)}%`}
              />
              <KpiTile
                size="small"
                label="Expected orders, 90 days"
                value={value.expectedPurchases90d.toFixed(2)}
              />
              <KpiTile
                size="small"
                label="Expected orders, 12 months"
                value={value.expectedPurchases12m.toFixed(2)}
              />
            </InlineGrid>
            <Text as="p" tone="subdued" variant="bodySm">
              Computed {formatDay(value.computedAt, timeZone)} ·{" "}
              <Link to="/app/insights/lifetime-value">about the model</Link>
            </Text>
          </>
        ) : (
          <Text as="p" tone="subdued">
            Not valued yet: the model values customers with a paid order once the shop has enough history (
            <Link to="/app/insights/lifetime-value">lifetime value</Link>).
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
