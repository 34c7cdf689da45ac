import { BlockStack, Card, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import { lazy, Suspense, useEffect, useState } from "react";
import { formatMoney } from "~/admin/members/present";
import { KPI_DAYS } from "~/stats/kpis";
import type { LoyaltyKpis } from "~/stats/kpis.server";

const PointsChart = lazy(() => import("./PointsChart.client"));
const count = new Intl.NumberFormat("en-US");
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

/** The chart renders only in the browser; the server sends a placeholder of the same size. */
function ClientChart({ days }: { days: LoyaltyKpis["days"] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height: 280 }}>
      <SkeletonBodyText lines={6} />
    </div>
  );
  if (!mounted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <PointsChart days={days} />
    </Suspense>
  );
}

export function LoyaltyCard({ kpis }: { kpis: LoyaltyKpis }) {
  const liability = kpis.liabilityMinor === null ? "—" : formatMoney(kpis.liabilityMinor, kpis.currency);
  const basis =
    kpis.pointValue.basis === "reward"
      ? `${count.format(kpis.outstandingPoints)} points (${count.format(kpis.pendingPoints)} pending) valued at ${formatMoney(
          kpis.pointValue.minorPerPoint * 100,
          kpis.currency,
        )} per 100 points, the rate of your best fixed-amount reward (${kpis.pointValue.rewardName}).`
      : `${count.format(kpis.outstandingPoints)} points outstanding. Add an active fixed-amount reward to value them in money.`;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Loyalty program
        </Text>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          <KpiTile
            label="Members"
            value={count.format(kpis.members)}
            note={`${count.format(kpis.newMembers)} joined in the last ${KPI_DAYS} days`}
          />
          <KpiTile
            label="Points issued"
            value={count.format(kpis.pointsIssued)}
            note={`Last ${KPI_DAYS} days`}
          />
          <KpiTile
            label="Points redeemed"
            value={count.format(kpis.pointsRedeemed)}
            note={`${count.format(kpis.redemptions)} rewards in the last ${KPI_DAYS} days`}
          />
          <KpiTile
            label="Redemption rate"
            value={kpis.redemptionRate === null ? "—" : percent.format(kpis.redemptionRate)}
            note="Points redeemed per point issued"
          />
        </InlineGrid>
        <KpiTile label="Outstanding liability" value={liability} note={basis} />
        <ClientChart days={kpis.days} />
        <Text as="p" variant="bodySm" tone="subdued">
          {kpis.refreshedAt
            ? `Figures refresh every minute; last refreshed ${new Date(kpis.refreshedAt).toLocaleString("en-US", { timeZone: "UTC" })} UTC.`
            : "Figures appear after the worker's first refresh (every minute)."}
        </Text>
      </BlockStack>
    </Card>
  );
}
