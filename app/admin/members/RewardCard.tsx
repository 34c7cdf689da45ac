import { Badge, BlockStack, Card, InlineGrid, InlineStack, List, Text } from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import type { RewardRecommendations } from "~/intelligence/rewards/read.server";
import { formatDay, formatMoney } from "./present";

const percent = (p: number | null) => (p === null ? "—" : `${Math.round(p * 100)}%`);

/** The reward this member is most likely to redeem, weighed by its margin (app/intelligence/rewards). */
export function RewardCard({
  recommendation: r,
  timeZone,
}: {
  recommendation: RewardRecommendations | null;
  timeZone: string | null;
}) {
  if (!r)
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Recommended reward
          </Text>
          <Text as="p" tone="subdued">
            Not computed yet: recommendations are computed nightly for members of a program with rewards.
          </Text>
        </BlockStack>
      </Card>
    );
  const best = r.recommended;
  const model = r.method === "model";
  const others = r.ranked.filter((s) => s.rewardId !== best.rewardId).slice(0, 2);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Recommended reward
          </Text>
          <Badge tone={model ? "info" : "attention"}>{model ? "Model" : "Rule: affordability"}</Badge>
        </InlineStack>
        <Text as="p" variant="headingSm">
          <span data-recommended-reward>{best.rewardName}</span>{" "}
          <Text as="span" tone="subdued">
            ({best.pointsCost} points)
          </Text>
        </Text>
        <InlineGrid columns={2} gap="300">
          <KpiTile
            size="small"
            label={`Chance to redeem, ${r.horizonDays} days`}
            value={percent(best.probability)}
          />
          <KpiTile
            size="small"
            label="Expected value"
            value={best.expectedValueMinor === null ? "—" : formatMoney(best.expectedValueMinor, r.currency)}
          />
          <KpiTile
            size="small"
            label="Margin per redemption"
            value={formatMoney(best.marginImpactMinor, r.currency)}
          />
          <KpiTile
            size="small"
            label="Points gap"
            value={
              best.pointsGap === 0 ? "Can redeem now" : `${best.pointsGap.toLocaleString("en-US")} to go`
            }
          />
        </InlineGrid>
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Why
          </Text>
          {model ? (
            best.drivers.length ? (
              <List type="bullet">
                {best.drivers.map((d) => (
                  <List.Item key={d.label}>{d.label}</List.Item>
                ))}
              </List>
            ) : (
              <Text as="p" tone="subdued">
                Its expected value is the highest; nothing sets this member apart from the average.
              </Text>
            )
          ) : (
            <Text as="p" tone="subdued">
              The most valuable reward they can afford, else the closest to affordable. The model is not in
              use: {r.reason ?? "not enough redemptions yet"}.
            </Text>
          )}
        </BlockStack>
        {others.length > 0 && (
          <Text as="p" tone="subdued" variant="bodySm">
            Next:{" "}
            {others
              .map((s) => `${s.rewardName}${s.probability === null ? "" : ` (${percent(s.probability)})`}`)
              .join(", ")}
          </Text>
        )}
        <Text as="p" tone="subdued" variant="bodySm">
          Expected value = chance to redeem × margin on the order it comes with, after the reward's cost ·
          computed {formatDay(r.computedAt, timeZone)}
        </Text>
      </BlockStack>
    </Card>
  );
}
