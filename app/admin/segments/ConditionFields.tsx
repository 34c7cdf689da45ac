import { BlockStack, Checkbox, ChoiceList, InlineGrid, InlineStack, Text, TextField } from "@shopify/polaris";
import type { AudienceFields } from "~/intelligence/segments/audience";
import { SEGMENT_LABELS, SEGMENTS } from "~/intelligence/segments/segments";

// The builder's conditions: RFM segment, persona, tier and tags (any of), points balance,
// 12-month CLV and P(alive) ranges, churn risk. Field errors arrive keyed by the parsed
// conditions' names (minClvMinor, minPAlive…), which the fields map back.

export type ConditionOptions = {
  tiers: { id: string; name: string }[];
  personas: { value: string; label: string }[];
  currency: string;
};

type Props = ConditionOptions & {
  fields: AudienceFields;
  onChange: (fields: AudienceFields) => void;
  errors: Record<string, string>;
};

export function ConditionFields({ fields, onChange, errors, tiers, personas, currency }: Props) {
  const set =
    <K extends keyof AudienceFields>(key: K) =>
    (value: AudienceFields[K]) =>
      onChange({ ...fields, [key]: value });
  const number = (label: string, key: keyof AudienceFields, errorKey: string, extra = {}) => (
    <TextField
      label={label}
      type="number"
      min={0}
      value={fields[key] as string}
      onChange={set(key) as (v: string) => void}
      autoComplete="off"
      error={errors[errorKey]}
      {...extra}
    />
  );
  return (
    <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
      <BlockStack gap="300">
        <ChoiceList
          allowMultiple
          title="RFM segment (any of)"
          choices={SEGMENTS.map((s) => ({ label: SEGMENT_LABELS[s], value: s }))}
          selected={fields.segments}
          onChange={set("segments")}
        />
      </BlockStack>
      <BlockStack gap="300">
        {personas.length ? (
          <ChoiceList
            allowMultiple
            title="Persona (any of)"
            choices={personas}
            selected={fields.personas}
            onChange={set("personas")}
          />
        ) : (
          <Text as="p" tone="subdued">
            Personas appear once your buyers have been clustered.
          </Text>
        )}
        {tiers.length ? (
          <ChoiceList
            allowMultiple
            title="Tier (any of)"
            choices={tiers.map((t) => ({ label: t.name, value: t.id }))}
            selected={fields.tiers}
            onChange={set("tiers")}
          />
        ) : (
          <Text as="p" tone="subdued">
            Your program has no tiers.
          </Text>
        )}
        <TextField
          label="Customer tags (any of, comma-separated)"
          value={fields.tags}
          onChange={set("tags")}
          autoComplete="off"
          error={errors.tags}
        />
      </BlockStack>
      <BlockStack gap="300">
        <InlineStack gap="200" wrap={false}>
          {number("Points at least", "minPoints", "minPoints")}
          {number("Points at most", "maxPoints", "maxPoints")}
        </InlineStack>
        <InlineStack gap="200" wrap={false}>
          {number("12-month CLV at least", "minClv", "minClvMinor", { suffix: currency })}
          {number("CLV at most", "maxClv", "maxClvMinor", { suffix: currency })}
        </InlineStack>
        <InlineStack gap="200" wrap={false}>
          {number("P(alive) at least", "minAlivePercent", "minPAlive", { suffix: "%" })}
          {number("P(alive) at most", "maxAlivePercent", "maxPAlive", { suffix: "%" })}
        </InlineStack>
        {number("Churn risk at least", "minRiskPercent", "minChurnRisk", { suffix: "%" })}
        <Checkbox label="At-risk members only" checked={fields.atRiskOnly} onChange={set("atRiskOnly")} />
        <Text as="p" tone="subdued" variant="bodySm">
          Members without a CLV or churn score yet do not match a condition on it.
        </Text>
      </BlockStack>
    </InlineGrid>
  );
}
