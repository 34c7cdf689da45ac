import { Badge, BlockStack, Button, Card, Divider, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { newId, type ProgramDraft, type RewardDraft } from "./form";
import { Choice, Field, Toggle, type Edit, type Errors } from "./fields";

const KINDS = [
  { label: "Fixed amount off", value: "fixedAmount" },
  { label: "Percentage off", value: "percentage" },
  { label: "Free shipping", value: "freeShipping" },
  { label: "Free product", value: "freeProduct" },
] as const;

export function RewardsCard({ draft, edit, errors }: { draft: ProgramDraft; edit: Edit; errors: Errors }) {
  const add = () =>
    edit((d) =>
      d.rewards.push({
        id: newId(
          "reward",
          d.rewards.map((r) => r.id),
        ),
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
      }),
    );
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Rewards
          </Text>
          <Button onClick={add}>Add reward</Button>
        </InlineStack>
        {draft.rewards.length === 0 && (
          <Text as="p" tone="subdued">
            No rewards yet. Members can collect points but have nothing to spend them on.
          </Text>
        )}
        {draft.rewards.map((reward, i) => (
          <RewardFields
            key={reward.id}
            reward={reward}
            index={i}
            currency={draft.currency}
            edit={edit}
            errors={errors}
          />
        ))}
      </BlockStack>
    </Card>
  );
}

function RewardFields(props: {
  reward: RewardDraft;
  index: number;
  currency: string;
  edit: Edit;
  errors: Errors;
}) {
  const { reward, index: i, currency, edit, errors } = props;
  const at = (field: string) => errors[`rewards.${i}.${field}`];
  const set = (change: (r: RewardDraft) => void) => edit((d) => change(d.rewards[i]!));
  return (
    <BlockStack gap="300">
      <Divider />
      <InlineStack align="space-between" blockAlign="center">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {reward.name || "New reward"}
          </Text>
          {reward.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
        </InlineStack>
        <Button tone="critical" variant="plain" onClick={() => edit((d) => void d.rewards.splice(i, 1))}>
          Remove reward
        </Button>
      </InlineStack>
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
          <InlineGrid columns={2} gap="200">
            <Field
              label="Product ID"
              value={reward.productId}
              onChange={(v) => set((r) => void (r.productId = v))}
              error={at("productId")}
            />
            <Field
              label="Variant ID"
              value={reward.variantId}
              onChange={(v) => set((r) => void (r.variantId = v))}
              error={at("variantId")}
            />
          </InlineGrid>
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
