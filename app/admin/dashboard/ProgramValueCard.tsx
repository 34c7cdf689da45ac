import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { lazy } from "react";
import type { BusinessView } from "./business-present";
import { ClientChart } from "./ClientChart";
import { FigureTile } from "./FigureTile";

const TrendChart = lazy(() => import("./TrendChart.client"));

/** What the program's members bring in: revenue, its share, active members and the liability, with member revenue over time. */
export function ProgramValueCard({ view }: { view: BusinessView }) {
  const money = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: view.currency,
    maximumFractionDigits: 0,
  });
  const revenue = view.revenueChart;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Revenue from members
        </Text>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          {view.headline.map((f) => (
            <FigureTile key={f.label} figure={f} />
          ))}
        </InlineGrid>
        {revenue.every((d) => d.members === 0 && d.others === 0) ? (
          <Text as="p" tone="subdued">
            No orders in this period yet: the chart of member and non-member revenue appears with the first.
          </Text>
        ) : (
          <ClientChart height={260}>
            <TrendChart
              testId="revenue-chart"
              height={260}
              format={(v) => money.format(v)}
              series={[
                { name: "Members", points: revenue.map((d) => ({ day: d.day, value: d.members })) },
                { name: "Non-members", points: revenue.map((d) => ({ day: d.day, value: d.others })) },
              ]}
            />
          </ClientChart>
        )}
      </BlockStack>
    </Card>
  );
}
