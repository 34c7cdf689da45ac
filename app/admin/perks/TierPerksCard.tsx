import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";
import type { PerkDiscountState } from "~/shopify/perk-discount.server";
import type { PerkSettingsDraft } from "./form";

const STATE: Record<
  PerkDiscountState,
  { tone?: "success" | "attention" | "critical"; label: string; says: string }
> = {
  missing: { label: "Not created", says: "Members get no perk at checkout until the discount exists." },
  active: { tone: "success", label: "Active", says: "Checkout gives each member their tier's perk." },
  outOfDate: {
    tone: "attention",
    label: "Out of date",
    says: "The tiers or settings changed since the discount was last updated; checkout still uses the old ones.",
  },
  inactive: {
    tone: "critical",
    label: "Not active",
    says: "The discount is scheduled or has ended in Shopify.",
  },
};

export interface TierPerksCardProps {
  state: PerkDiscountState;
  title: string | null;
  syncedAt: string | null;
  /** The shop's IANA zone, in which "last written" is told. */
  timeZone: string;
  draft: PerkSettingsDraft;
  onChange: (draft: PerkSettingsDraft) => void;
  onSubmit: () => void;
  submitting: boolean;
  fieldErrors: Record<string, string>;
  error: string | null;
}

/** Tier perks at checkout: whether the automatic discount exists and matches, and the settings to create or update it with. */
export function TierPerksCard(props: TierPerksCardProps) {
  const { state, draft, onChange, fieldErrors } = props;
  const info = STATE[state];
  const set =
    <K extends keyof PerkSettingsDraft>(key: K) =>
    (value: PerkSettingsDraft[K]) =>
      onChange({ ...draft, [key]: value });
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Tier perks at checkout
          </Text>
          <span data-testid="perk-discount-state">
            <Badge tone={info.tone}>{info.label}</Badge>
          </span>
        </InlineStack>
        <Text as="p" tone="subdued">
          {info.says}
          {props.title && props.syncedAt
            ? ` “${props.title}”, last written ${formatDateTime(props.syncedAt, props.timeZone)}.`
            : ""}
        </Text>
        <Select
          label="Perk applies to"
          options={[
            { label: "Each eligible item (product discount)", value: "PRODUCT" },
            { label: "The order subtotal (order discount)", value: "ORDER" },
          ]}
          value={draft.discountClass}
          onChange={(value) => set("discountClass")(value as PerkSettingsDraft["discountClass"])}
          error={fieldErrors.discountClass}
        />
        <BlockStack gap="100">
          <Text as="p">Combines with</Text>
          <Checkbox
            label="Product discounts"
            checked={draft.productDiscounts}
            onChange={set("productDiscounts")}
          />
          <Checkbox label="Order discounts" checked={draft.orderDiscounts} onChange={set("orderDiscounts")} />
          <Checkbox
            label="Shipping discounts"
            checked={draft.shippingDiscounts}
            onChange={set("shippingDiscounts")}
          />
        </BlockStack>
        <TextField
          label="Product tags without the perk"
          helpText="Comma-separated, e.g. gift-card, final-sale."
          autoComplete="off"
          value={draft.excludedProductTags}
          onChange={set("excludedProductTags")}
          error={fieldErrors.excludedProductTags}
        />
        {props.error ? (
          <Text as="p" tone="critical">
            {props.error}
          </Text>
        ) : null}
        <InlineStack align="end">
          <Button variant="primary" loading={props.submitting} onClick={props.onSubmit}>
            {state === "missing" ? "Create discount" : "Update discount"}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
