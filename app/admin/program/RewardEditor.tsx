import { BlockStack, InlineGrid, Text } from "@shopify/polaris";
import { newId, type ProgramDraft, type RewardDraft } from "./form";
import { Choice, Field, Toggle, type Edit, type Errors } from "./fields";
import { ResourcePick } from "./ResourcePick";

/** Names to show for product, variant and collection ids (gid or numeric). */
export type Titles = Record<string, string>;

const KINDS = [
  { label: "Fixed amount off", value: "fixedAmount" },
  { label: "Percentage off", value: "percentage" },
  { label: "Free shipping", value: "freeShipping" },
  { label: "Free product", value: "freeProduct" },
] as const;

/** A new reward's draft, with an id no other reward has. */
export function newReward(taken: readonly string[]): RewardDraft {
  return {
    id: newId("reward", taken),
    name: "",
    active: true,
    kind: "fixedAmount",
    amount: "5",
    percent: "10",
    productId: "",
    variantId: "",
    pointsCost: "500",
    minimumSubtotal: "",
    codeLifetimeDays: "90",
    perMemberLimit: "",
    availableFrom: null,
    availableUntil: null,
  };
}

/** One reward's settings; free products are chosen with the resource picker. */
export function RewardEditor(props: {
  draft: ProgramDraft;
  index: number;
  edit: Edit;
  errors: Errors;
  titles: Titles;
  onTitle: (id: string, title: string) => void;
}) {
  const reward = props.draft.rewards[props.index];
  if (!reward) return null;
  return <RewardFields {...props} reward={reward} currency={props.draft.currency} />;
}

function RewardFields(props: {
  reward: RewardDraft;
  index: number;
  currency: string;
  edit: Edit;
  errors: Errors;
  titles: Titles;
  onTitle: (id: string, title: string) => void;
}) {
  const { reward, index: i, currency, edit, errors, titles } = props;
  const at = (field: string) => errors[`rewards.${i}.${field}`];
  const set = (change: (r: RewardDraft) => void) => edit((d) => change(d.rewards[i]!));
  return (
    <BlockStack gap="300">
      <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
        <Field
          label="Name"
          value={reward.name}
          onChange={(v) => set((r) => void (r.name = v))}
          error={at("name")}
        />
        <Choice
          label="Reward"
          value={reward.kind}
          options={[...KINDS]}
          onChange={(v) => set((r) => void (r.kind = v))}
        />
        {reward.kind === "fixedAmount" && (
          <Field
            label="Amount off"
            type="number"
            prefix={currency}
            value={reward.amount}
            onChange={(v) => set((r) => void (r.amount = v))}
            error={at("amount")}
          />
        )}
        {reward.kind === "percentage" && (
          <Field
            label="Percent off"
            type="number"
            suffix="%"
            value={reward.percent}
            onChange={(v) => set((r) => void (r.percent = v))}
            error={at("percent")}
          />
        )}
        {reward.kind === "freeProduct" && (
          <ResourcePick
            label="Free product"
            type="variant"
            value={reward.variantId}
            title={titles[reward.variantId] ?? titles[reward.productId] ?? null}
            onPick={(picked) => {
              props.onTitle(picked.id, picked.title);
              set((r) => {
                r.variantId = picked.id;
                r.productId = picked.productId ?? r.productId;
              });
            }}
            error={at("variantId") ?? at("productId")}
          />
        )}
      </InlineGrid>
      <InlineGrid columns={{ xs: 1, md: 4 }} gap="300">
        <Field
          label="Cost"
          type="number"
          suffix="points"
          value={reward.pointsCost}
          onChange={(v) => set((r) => void (r.pointsCost = v))}
          error={at("pointsCost")}
        />
        <Field
          label="Minimum subtotal"
          type="number"
          prefix={currency}
          placeholder="None"
          value={reward.minimumSubtotal}
          onChange={(v) => set((r) => void (r.minimumSubtotal = v))}
          error={at("minimumSubtotal")}
        />
        <Field
          label="Code valid for"
          type="number"
          suffix="days"
          value={reward.codeLifetimeDays}
          onChange={(v) => set((r) => void (r.codeLifetimeDays = v))}
          error={at("codeLifetimeDays")}
        />
        <Field
          label="Limit per member"
          type="number"
          placeholder="No limit"
          value={reward.perMemberLimit}
          onChange={(v) => set((r) => void (r.perMemberLimit = v))}
          error={at("perMemberLimit")}
        />
      </InlineGrid>
      <Toggle
        label="Members can redeem this reward"
        checked={reward.active}
        onChange={(v) => set((r) => void (r.active = v))}
      />
      {at("id") && (
        <Text as="p" tone="critical">
          {at("id")}
        </Text>
      )}
    </BlockStack>
  );
}
