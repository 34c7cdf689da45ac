import { Link } from "@remix-run/react";
import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import { lazy } from "react";
import { KpiTile } from "~/admin/components/KpiTile";
import { formatMoney } from "~/admin/members/present";
import { ClientOnly } from "./ClientOnly";
import type { LifetimeValuePage } from "./page.server";
import { decimal, percent } from "./present";

const DistributionChart = lazy(() => import("./DistributionChart.client"));
const count = (n: number) => Math.round(n).toLocaleString("en-US");

export function SummaryCard({ page }: { page: LifetimeValuePage }) {
  const { totals, currency } = page;
  if (!totals) return null;
  return (
    <Card>
      <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
        <KpiTile label="Members valued" value={count(totals.members)} />
        <KpiTile label="Value, next 12 months" value={formatMoney(Math.round(totals.valueMinor), currency)} />
        <KpiTile label="Average chance still active" value={percent(totals.meanPAlive)} />
        <KpiTile label="Expected orders, next 90 days" value={count(totals.expectedPurchases90d)} />
      </InlineGrid>
    </Card>
  );
}

export function DistributionCard({ page }: { page: LifetimeValuePage }) {
  if (page.histogram.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          How value is spread
        </Text>
        <Text as="p" tone="subdued">
          Members by predicted value over the next 12 months; the last bar gathers the top 1%.
        </Text>
        <ClientOnly height={280}>
          <DistributionChart bins={page.histogram} />
        </ClientOnly>
      </BlockStack>
    </Card>
  );
}

export function TopMembersCard({ page }: { page: LifetimeValuePage }) {
  if (page.top.length === 0) return null;
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
          <Text as="h2" variant="headingMd">
            Most valuable members
          </Text>
        </div>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={[
            "Member",
            "Value, 12 months",
            "Chance still active",
            "Expected orders, 12 months",
            "Repeat orders so far",
          ]}
          rows={page.top.map((m) => [
            <Link key={m.customerId} to={`/app/members/${m.customerId}`}>
              {m.name}
            </Link>,
            formatMoney(Math.round(m.clvMinor), page.currency),
            percent(m.pAlive),
            decimal(m.expected12m, 1),
            count(m.repeatPurchases),
          ])}
        />
      </BlockStack>
    </Card>
  );
}
