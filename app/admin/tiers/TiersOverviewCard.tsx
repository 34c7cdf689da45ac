import { BlockStack, Card, DataTable, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import { moneyFormatter } from "../program/money-format";
import type { TiersOverview } from "./overview.server";

const MovesChart = lazy(() => import("./MovesChart.client"));

/** Members per tier with their spend over the last 12 months, and upgrades and downgrades per month. */
export function TiersOverviewCard({ overview, currency }: { overview: TiersOverview; currency: string }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const money = moneyFormatter(currency, 0);
  const total = overview.rows.reduce((sum, r) => sum + r.members, 0);
  const moves = overview.months.reduce((sum, m) => sum + m.upgrades + m.downgrades, 0);
  const placeholder = (
    <div style={{ height: 260 }}>
      <SkeletonBodyText lines={6} />
    </div>
  );
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Tiers overview
        </Text>
        <div data-testid="tiers-overview">
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
            headings={["Tier", "Members", "Share", "Spend, last 12 months", "Per member"]}
            rows={overview.rows.map((r) => [
              r.name,
              r.members.toLocaleString("en-US"),
              total ? `${((r.members / total) * 100).toFixed(1)}%` : "—",
              money(r.spendMinor),
              r.members ? money(r.spendPerMemberMinor) : "—",
            ])}
          />
        </div>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Upgrades and downgrades per month
          </Text>
          {moves === 0 ? (
            <Text as="p" tone="subdued">
              No member changed tier in the last 12 months.
            </Text>
          ) : mounted ? (
            <Suspense fallback={placeholder}>
              <MovesChart months={overview.months} />
            </Suspense>
          ) : (
            placeholder
          )}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
