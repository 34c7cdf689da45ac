import { BlockStack, Card, DataTable, InlineGrid, Link, Text } from "@shopify/polaris";
import { lazy } from "react";
import type { BusinessView } from "./business-present";
import { ClientChart } from "./ClientChart";
import { FigureTile } from "./FigureTile";

const TrendChart = lazy(() => import("./TrendChart.client"));

/** What the program costs: redemption, reward cost against member revenue, the liability's trend and the rewards members pick. */
export function CostCard({ view }: { view: BusinessView }) {
  const { liabilityChart } = view;
  const format =
    liabilityChart.unit === "money"
      ? (v: number) =>
          new Intl.NumberFormat("en-US", {
            style: "currency",
            currency: view.currency,
            maximumFractionDigits: 0,
          }).format(v)
      : (v: number) => `${new Intl.NumberFormat("en-US").format(v)} pts`;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Cost of the program
        </Text>
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          {view.cost.map((f) => (
            <FigureTile key={f.label} figure={f} />
          ))}
        </InlineGrid>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Points liability
          </Text>
          {liabilityChart.days.every((d) => d.value === 0) ? (
            <Text as="p" tone="subdued">
              No points outstanding in this period.
            </Text>
          ) : (
            <ClientChart height={220}>
              <TrendChart
                testId="liability-chart"
                height={220}
                format={format}
                series={[
                  {
                    name: liabilityChart.unit === "money" ? "Liability" : "Points outstanding",
                    points: liabilityChart.days.map((d) => ({ day: d.day, value: d.value })),
                  },
                ]}
              />
            </ClientChart>
          )}
        </BlockStack>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Top rewards
          </Text>
          {view.rewards.length === 0 ? (
            <Text as="p" tone="subdued">
              No rewards were redeemed in this period.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Reward", "Redeemed", "Previous period", "Used at checkout", "Cost"]}
              rows={view.rewards.map((r) => [r.name, r.redeemed, r.redeemedPrevious, r.used, r.cost])}
            />
          )}
          <Link url="/app/rewards">All rewards</Link>
        </BlockStack>
        <Text as="p" variant="bodySm" tone="subdued">
          {view.refreshed
            ? `Points, redemption and liability as of ${view.refreshed}; the worker refreshes them every minute.`
            : "Points, redemption and liability appear after the worker's first refresh (every minute)."}
        </Text>
      </BlockStack>
    </Card>
  );
}
