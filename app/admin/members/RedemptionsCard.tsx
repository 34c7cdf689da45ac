import { Badge, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { MemberDetail } from "./member.server";
import { formatDay, formatPoints, REDEMPTION_STATUS_LABELS } from "./present";

export function RedemptionsCard(props: {
  redemptions: MemberDetail["redemptions"];
  timeZone: string | null;
}) {
  const { redemptions, timeZone } = props;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Rewards redeemed
        </Text>
        {redemptions.length === 0 && (
          <Text as="p" tone="subdued">
            This member has not redeemed a reward yet.
          </Text>
        )}
        {redemptions.map((r) => {
          const status = REDEMPTION_STATUS_LABELS[r.status];
          return (
            <BlockStack key={r.id} gap="050">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="span" fontWeight="semibold">
                  {r.rewardName}
                </Text>
                <Badge tone={status?.tone}>{status?.label ?? r.status}</Badge>
              </InlineStack>
              <Text as="span" tone="subdued">
                {r.code ? `Code ${r.code} · ` : ""}
                {formatPoints(r.pointsCost)} · {formatDay(r.createdAt, timeZone)}
                {r.status === "issued" && r.expiresAt ? ` · expires ${formatDay(r.expiresAt, timeZone)}` : ""}
                {r.usedAt ? ` · used ${formatDay(r.usedAt, timeZone)}` : ""}
              </Text>
            </BlockStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}
