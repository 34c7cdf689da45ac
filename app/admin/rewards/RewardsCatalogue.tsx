import { BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Modal, Text } from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { newReward, RewardEditor, type Titles } from "../program/RewardEditor";
import type { SectionBodyProps } from "../program/SectionPage";
import { RewardRow } from "./RewardRow";
import { NO_USAGE, type RewardUsage } from "./usage";

// The rewards catalogue: every reward with its use (redemptions, points spent, the
// discounts used codes gave, last use), and the editor for the one being added or changed.
// Saving a reward or deleting one saves the rewards section as a new program version.

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
  const rows = draft.rewards.map((r, i) => (
    <RewardRow
      key={r.id}
      reward={r}
      index={i}
      usage={usage[r.id] ?? NO_USAGE}
      unsaved={!props.savedIds.includes(r.id)}
      selected={editing === i}
      currency={draft.currency}
      titles={titles}
      timeZone={timeZone}
      onEdit={() => setEditing(i)}
      onDelete={() => setDeleting(i)}
    />
  ));
  const editingReward = editing === null ? null : draft.rewards[editing];
  return (
    <BlockStack gap="400">
      <CatalogueCard count={draft.rewards.length} onAdd={add} saving={saving}>
        {rows}
      </CatalogueCard>
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
      <DeleteRewardModal
        name={deleting === null ? null : (draft.rewards[deleting]?.name ?? "")}
        onClose={() => setDeleting(null)}
        onDelete={() => remove(deleting!)}
      />
    </BlockStack>
  );
}

function firstErrorRow(errors: Record<string, string>): number | null {
  const first = Object.keys(errors).find((k) => k.startsWith("rewards."));
  return first ? Number(first.split(".")[1]) : null;
}

function DeleteRewardModal(props: { name: string | null; onClose: () => void; onDelete: () => void }) {
  return (
    <Modal
      open={props.name !== null}
      onClose={props.onClose}
      title={`Delete ${props.name || "this reward"}?`}
      primaryAction={{ content: "Delete reward", destructive: true, onAction: props.onDelete }}
      secondaryActions={[{ content: "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <Text as="p">
          Members can no longer redeem it. Codes already issued keep working until they expire, and its
          history stays in members’ ledgers.
        </Text>
      </Modal.Section>
    </Modal>
  );
}

function CatalogueCard(props: { count: number; onAdd: () => void; saving: boolean; children: ReactNode }) {
  return (
    <Card padding="0">
      <BlockStack>
        <InlineStack align="space-between" blockAlign="center">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="h2" variant="headingMd">
              Catalogue
            </Text>
          </div>
          <div style={{ padding: "var(--p-space-400)" }}>
            <Button variant="primary" onClick={props.onAdd} disabled={props.saving}>
              Add reward
            </Button>
          </div>
        </InlineStack>
        {props.count === 0 ? (
          <EmptyState
            heading="No rewards yet"
            image=""
            action={{ content: "Add reward", onAction: props.onAdd }}
          >
            <p>Members can collect points but have nothing to spend them on.</p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{ singular: "reward", plural: "rewards" }}
            itemCount={props.count}
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
            {props.children}
          </IndexTable>
        )}
      </BlockStack>
    </Card>
  );
}
