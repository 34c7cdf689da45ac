import { BlockStack, Card, InlineGrid, ProgressBar, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import type { MemberDetail } from "./member.server";
import { formatPoints, tierProgressView } from "./present";

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
}: {
  member: MemberDetail["member"];
  program: MemberDetail["program"];
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
        <Text as="p" tone="subdued">
          {view.text}
        </Text>
        {member.migratedTierId &&
        member.migratedTierUntil &&
        new Date(member.migratedTierUntil) > new Date() ? (
          <Text as="p" tone="subdued">
            {program.tiers.levels.find((l) => l.id === member.migratedTierId)?.name ?? member.migratedTierId}{" "}
            brought from the previous loyalty app, kept until{" "}
            {new Date(member.migratedTierUntil).toLocaleDateString("en-US")}.
          </Text>
        ) : null}
        {member.tierBelowSince && (
          <Text as="p" tone="caution">
            Below this tier's threshold since {new Date(member.tierBelowSince).toLocaleDateString("en-US")};
            the tier is kept through the grace period.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
