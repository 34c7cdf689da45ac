import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Link,
  Text,
} from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import { formatMde } from "~/admin/experiments/present";
import { intervalText, moneyWithMargin, roiText, type Interval } from "./incremental-present";
import type { IncrementalCard } from "./incremental.server";
import { formatMoney } from "~/admin/members/present";

/** The dashboard's first card: what the program earns against its holdout, or the invitation to measure it. */
export function IncrementalValueCard({ card }: { card: IncrementalCard }) {
  if (card.state === "none") {
    return (
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            What does your program earn you?
          </Text>
          <Text as="p">
            Other loyalty apps count every order with a loyalty code as "loyalty revenue". Hold out a small
            share of customers from the program instead, and this card shows the revenue and margin the
            program adds, net of the rewards it gives, with an honest margin of error.
          </Text>
          <BlockStack gap="100">
            {card.options.map((o) => (
              <Text as="p" tone="subdued" key={o.share}>
                {o.share}% held out:{" "}
                {o.mde === null
                  ? o.reason
                  : `detects a ${formatMde(o.mde)} change in net revenue per customer within ${card.horizonDays} days.`}
              </Text>
            ))}
          </BlockStack>
          <InlineStack>
            <Button variant="primary" url="/app/experiments">
              Start a holdout
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    );
  }
  const { holdout } = card;
  const money = (i: Interval) => moneyWithMargin(i, card.currency);
  const plainMoney = (x: number) => formatMoney(Math.round(x), card.currency);
  /** "± $4,575.14 (95%)": the interval's half-width on its wider side. */
  const margin = (i: Interval) =>
    `± ${plainMoney(Math.max(i.upper - i.estimate, i.estimate - i.lower))} (95%)`;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Incremental value of the program
          </Text>
          <Badge tone={holdout.ended ? "info" : "success"}>
            {`${holdout.sharePercent}% holdout${holdout.ended ? ", ended" : ""}`}
          </Badge>
        </InlineStack>
        {card.notice && (
          <Banner tone="info">
            <p>{card.notice}</p>
          </Banner>
        )}
        {card.value ? (
          <>
            <div data-testid="incremental-sentence">
              <Text as="p" variant="headingSm">
                {card.value.sentence}
              </Text>
            </div>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
              <KpiTile
                label="Incremental revenue"
                value={plainMoney(card.value.total.revenue.estimate)}
                note={`${margin(card.value.total.revenue)} · ${money(card.value.perMember.revenue)} per member`}
              />
              <KpiTile
                label="Incremental gross margin"
                value={plainMoney(card.value.total.grossMargin.estimate)}
                note={`${margin(card.value.total.grossMargin)} · ${money(card.value.perMember.grossMargin)} per member`}
              />
              <KpiTile
                label="Reward cost"
                value={plainMoney(card.value.total.rewardCost.estimate)}
                note={`${margin(card.value.total.rewardCost)} · ${money(card.value.perMember.rewardCost)} per member, discounts given at their cost`}
              />
              <KpiTile
                label="Net incremental margin"
                value={plainMoney(card.value.total.netMargin.estimate)}
                note={`${margin(card.value.total.netMargin)} · ${money(card.value.perMember.netMargin)} per member`}
              />
              <KpiTile
                label="ROI"
                value={card.value.roi ? roiText(card.value.roi.estimate) : "—"}
                note={
                  card.value.roi
                    ? intervalText(card.value.roi, roiText)
                    : "Undefined while the program has given no rewards"
                }
              />
            </InlineGrid>
          </>
        ) : (
          <>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              <KpiTile label="Running" value={`${holdout.days} days`} />
              <KpiTile label="Held-out customers exposed" value={holdout.heldOut.toLocaleString("en-US")} />
              <KpiTile label="Program customers exposed" value={holdout.inProgram.toLocaleString("en-US")} />
            </InlineGrid>
            <div data-testid="incremental-note">
              <Text as="p" tone="subdued">
                {card.reason}
              </Text>
            </div>
          </>
        )}
        {card.figures && (
          <div data-testid="incremental-freshness">
            <Text as="p" tone="subdued">
              {card.figures.text}
            </Text>
          </div>
        )}
        <Link url={`/app/experiments/${holdout.id}`}>The holdout's full report</Link>
      </BlockStack>
    </Card>
  );
}
