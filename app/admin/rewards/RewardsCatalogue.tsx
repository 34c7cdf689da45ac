import {
  Badge,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Modal,
  Text,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { parseMoney, type RewardDraft } from "../program/form";
import { moneyFormatter } from "../program/money-format";
import { newReward, RewardEditor, type Titles } from "../program/RewardEditor";
import type { SectionBodyProps } from "../program/SectionPage";
import { NO_USAGE, type RewardUsage } from "./usage";

// The rewards catalogue: every reward with its use (redemptions, points spent, the
// discounts used codes gave, last use), and the editor for the one being added or changed.
// Saving a reward or deleting one saves the rewards section as a new program version.

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

export function RewardsCatalogue(
  props: SectionBodyProps & {
    usage: Record<string, RewardUsage>;
    titles: Titles;
    timeZone: string;
    savedIds: readonly string[];
  },
) {
  const { draft, edit, errors, save, saving, usage, timeZone } = props;
  const [titles, setTitles] = useState<Titles>(props.titles);
  const [editing, setEditing] = useState<number | null>(null);
  // A refused save opens the reward its first error is on.
  useEffect(() => {
    const row = firstErrorRow(errors);
    if (row !== null) setEditing(row);
  }, [errors]);
  const [deleting, setDeleting] = useState<number | null>(null);
  const money = moneyFormatter(draft.currency);
  const day = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone });
  const when = (iso: string | null) => (iso ? day.format(new Date(iso)) : "—");
  const add = () => {
    edit((d) => void d.rewards.push(newReward(d.rewards.map((r) => r.id))));
    setEditing(draft.rewards.length);
  };
  const remove = (i: number) => {
    const next = structuredClone(draft);
    next.rewards.splice(i, 1);
    setDeleting(null);
    setEditing(null);
    save(next);
  };
  const rows = draft.rewards.map((r, i) => {
    const u = usage[r.id] ?? NO_USAGE;
    const unsaved = !props.savedIds.includes(r.id);
    return (
      <IndexTable.Row id={r.id} key={r.id} position={i} selected={editing === i}>
        <IndexTable.Cell>
          <BlockStack gap="050">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {r.name || "New reward"}
              </Text>
              {unsaved ? (
                <Badge tone="attention">Not saved</Badge>
              ) : r.active ? null : (
                <Badge>Inactive</Badge>
              )}
            </InlineStack>
            <Text as="span" tone="subdued">
              {describeReward(r, draft.currency, titles)}
            </Text>
          </BlockStack>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {Number(r.pointsCost).toLocaleString("en-US")} points
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {u.redemptions.toLocaleString("en-US")}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {u.pointsSpent.toLocaleString("en-US")}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>
          <Text as="span" numeric>
            {money(u.discountsMinor)}
            {u.used ? ` (${u.used} used)` : ""}
          </Text>
        </IndexTable.Cell>
        <IndexTable.Cell>{when(u.lastUsedAt ?? u.lastRedeemedAt)}</IndexTable.Cell>
        <IndexTable.Cell>
          <ButtonGroup noWrap>
            <Button variant="plain" onClick={() => setEditing(i)} accessibilityLabel={`Edit ${r.name}`}>
              Edit
            </Button>
            <Button
              variant="plain"
              tone="critical"
              onClick={() => setDeleting(i)}
              accessibilityLabel={`Delete ${r.name}`}
            >
              Delete
            </Button>
          </ButtonGroup>
        </IndexTable.Cell>
      </IndexTable.Row>
    );
  });
  const editingReward = editing === null ? null : draft.rewards[editing];
  return (
    <BlockStack gap="400">
      <Card padding="0">
        <BlockStack>
          <InlineStack align="space-between" blockAlign="center">
            <div style={{ padding: "var(--p-space-400)" }}>
              <Text as="h2" variant="headingMd">
                Catalogue
              </Text>
            </div>
            <div style={{ padding: "var(--p-space-400)" }}>
              <Button variant="primary" onClick={add} disabled={saving}>
                Add reward
              </Button>
            </div>
          </InlineStack>
          {draft.rewards.length === 0 ? (
            <EmptyState heading="No rewards yet" image="" action={{ content: "Add reward", onAction: add }}>
              <p>Members can collect points but have nothing to spend them on.</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "reward", plural: "rewards" }}
              itemCount={draft.rewards.length}
              selectable={false}
              headings={[
                { title: "Reward" },
                { title: "Cost", alignment: "end" },
                { title: "Redemptions", alignment: "end" },
                { title: "Points spent", alignment: "end" },
                { title: "Discounts given", alignment: "end" },
                { title: "Last use" },
                { title: "" },
              ]}
            >
              {rows}
            </IndexTable>
          )}
        </BlockStack>
      </Card>
      {editingReward && editing !== null && (
        <Card>
          <BlockStack gap="400">
            <Text as="h2" variant="headingMd">
              {editingReward.name || "New reward"}
            </Text>
            <RewardEditor
              draft={draft}
              index={editing}
              edit={edit}
              errors={errors}
              titles={titles}
              onTitle={(id, title) => setTitles((t) => ({ ...t, [id]: title }))}
            />
            <InlineStack align="end" gap="200">
              <Button
                onClick={() => {
                  // A reward added and never saved goes away with its editor.
                  if (!props.savedIds.includes(editingReward.id))
                    edit((d) => void d.rewards.splice(editing, 1));
                  setEditing(null);
                }}
              >
                {props.savedIds.includes(editingReward.id) ? "Close" : "Cancel"}
              </Button>
              <Button variant="primary" loading={saving} onClick={() => save()}>
                Save reward
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      )}
      <Modal
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${draft.rewards[deleting ?? -1]?.name || "this reward"}?`}
        primaryAction={{ content: "Delete reward", destructive: true, onAction: () => remove(deleting!) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setDeleting(null) }]}
      >
        <Modal.Section>
          <Text as="p">
            Members can no longer redeem it. Codes already issued keep working until they expire, and its
            history stays in members’ ledgers.
          </Text>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}

function firstErrorRow(errors: Record<string, string>): number | null {
  const first = Object.keys(errors).find((k) => k.startsWith("rewards."));
  return first ? Number(first.split(".")[1]) : null;
}
