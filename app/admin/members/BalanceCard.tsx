import { BlockStack, Card, InlineGrid, InlineStack, Link, ProgressBar, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import { shopifyAdminUrl } from "./admin-links";
import type { MemberDetail } from "./member.server";
import { formatDay, formatMoney, formatPoints, tierProgressView } from "./present";
import { tierReasonLines } from "./tier-reason";

export function BalanceCard({ member }: { member: MemberDetail["member"] }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Points
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <KpiTile
            label="Available"
            value={formatPoints(member.availablePoints)}
            marker={{ "data-testid": "available-points" }}
          />
          <KpiTile
            label="Pending"
            value={formatPoints(member.pendingPoints)}
            marker={{ "data-testid": "pending-points" }}
          />
          <KpiTile
            label="Earned in total"
            value={formatPoints(member.lifetimePoints)}
            marker={{ "data-testid": "lifetime-points" }}
          />
          <KpiTile
            label="Spent"
            value={formatPoints(member.redeemedPoints)}
            marker={{ "data-testid": "redeemed-points" }}
          />
        </InlineGrid>
        {member.migratedLifetimePoints > 0 || member.referralCode ? (
          <Text as="p" tone="subdued">
            {member.migratedLifetimePoints > 0
              ? `Earned ${formatPoints(member.migratedLifetimePoints)} in the previous loyalty app. `
              : ""}
            {member.referralCode ? `Referral code: ${member.referralCode}.` : ""}
          </Text>
        ) : null}
        {member.pendingPoints > 0 && (
          <Text as="p" tone="subdued">
            Pending points become spendable once the order's return window has passed.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

export function TierCard({
  member,
  program,
  timeZone,
}: {
  member: MemberDetail["member"];
  program: MemberDetail["program"];
  timeZone: string | null;
}) {
  const view = tierProgressView(member.tierId, member.tierValue, program);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Tier
        </Text>
        <Text as="p" variant="headingLg">
          {view.tierName}
        </Text>
        {view.nextTierName && <ProgressBar progress={view.percent} size="small" tone="primary" />}
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Why this tier
          </Text>
          {tierReasonLines(member, program, timeZone).map((line) => (
            <Text as="p" tone={line.startsWith("Grace: below") ? "caution" : "subdued"} key={line}>
              {line}
            </Text>
          ))}
          {member.migratedTierId &&
          member.migratedTierUntil &&
          new Date(member.migratedTierUntil) > new Date() ? (
            <Text as="p" tone="subdued">
              {program.tiers.levels.find((l) => l.id === member.migratedTierId)?.name ??
                member.migratedTierId}{" "}
              brought from the previous loyalty app, kept as a floor until{" "}
              {formatDay(member.migratedTierUntil, timeZone)}.
            </Text>
          ) : null}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

/** What the member bought, from the mirrored orders, with links to Shopify admin. */
export function CustomerCard({
  member,
  timeZone,
}: {
  member: MemberDetail["member"];
  timeZone: string | null;
}) {
  const money = (minor: number) => formatMoney(minor, member.currency);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Purchases
          </Text>
          <Link url={shopifyAdminUrl("customers", member.customerId)} target="_top">
            Customer in Shopify
          </Link>
        </InlineStack>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <KpiTile label="Total spent" value={money(member.spentMinor)} />
          <KpiTile label="Orders" value={member.ordersCount.toLocaleString("en-US")} />
          <KpiTile label="Average order" value={member.ordersCount ? money(member.averageOrderMinor) : "—"} />
          <KpiTile label="Last order" value={formatDay(member.lastOrderAt, timeZone)} />
        </InlineGrid>
        {member.lastOrderId && (
          <Text as="p" tone="subdued">
            Last order:{" "}
            <Link url={shopifyAdminUrl("orders", member.lastOrderId)} target="_top">
              {member.lastOrderName ?? `Order ${member.lastOrderId}`}
            </Link>
            . Spend is order totals less refunds; cancelled and test orders are left out.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
