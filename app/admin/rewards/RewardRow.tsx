import { Badge, BlockStack, Button, ButtonGroup, IndexTable, InlineStack, Text } from "@shopify/polaris";
import { parseMoney, type RewardDraft } from "../program/form";
import { moneyFormatter } from "../program/money-format";
import type { Titles } from "../program/RewardEditor";
import type { RewardUsage } from "./usage";

// One reward in the catalogue: what it gives, its cost, and its use.

export function describeReward(r: RewardDraft, currency: string, titles: Titles): string {
  const money = (major: string) => {
    const minor = parseMoney(major, currency);
    return typeof minor === "number" ? moneyFormatter(currency)(minor) : major;
  };
  const minimum = r.minimumSubtotal.trim() ? ` on orders over ${money(r.minimumSubtotal)}` : "";
  switch (r.kind) {
    case "fixedAmount":
      return `${money(r.amount)} off${minimum}`;
    case "percentage":
      return `${r.percent}% off${minimum}`;
    case "freeShipping":
      return `Free shipping${minimum}`;
    case "freeProduct":
      return `Free ${titles[r.variantId] ?? titles[r.productId] ?? "product"}${minimum}`;
  }
}

export function RewardRow(props: {
  reward: RewardDraft;
  index: number;
  usage: RewardUsage;
  unsaved: boolean;
  selected: boolean;
  currency: string;
  titles: Titles;
  timeZone: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { reward: r, usage: u } = props;
  const money = moneyFormatter(props.currency);
  const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: props.timeZone });
  const last = u.lastUsedAt ?? u.lastRedeemedAt;
  const number = (n: number) => n.toLocaleString("en-US");
  return (
    <IndexTable.Row id={r.id} position={props.index} selected={props.selected}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" fontWeight="semibold">
              {r.name || "New reward"}
            </Text>
            {props.unsaved ? (
              <Badge tone="attention">Not saved</Badge>
            ) : r.active ? null : (
              <Badge>Inactive</Badge>
            )}
          </InlineStack>
          <Text as="span" tone="subdued">
            {describeReward(r, props.currency, props.titles)}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {number(Number(r.pointsCost))} points
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {number(u.redemptions)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {number(u.pointsSpent)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" numeric>
          {money(u.discountsMinor)}
          {u.used ? ` (${u.used} used)` : ""}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{last ? day.format(new Date(last)) : "—"}</IndexTable.Cell>
      <IndexTable.Cell>
        <ButtonGroup noWrap>
          <Button variant="plain" onClick={props.onEdit} accessibilityLabel={`Edit ${r.name}`}>
            Edit
          </Button>
          <Button
            variant="plain"
            tone="critical"
            onClick={props.onDelete}
            accessibilityLabel={`Delete ${r.name}`}
          >
            Delete
          </Button>
        </ButtonGroup>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
