import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import type { Program } from "~/loyalty/program";
import type { ExperimentDraft, VariantDraft } from "./form";
import { VariantFields } from "./VariantFields";

// One variant of the create flow: its name, key, weight and control mark, and its override
// as fields for the experiment's lever. Server field errors under the variant's override
// go on their fields; any the fields do not show are listed under them.

export function VariantCard(props: {
  index: number;
  variant: VariantDraft;
  draft: ExperimentDraft;
  program: Program;
  errors: Record<string, string>;
  canRemove: boolean;
  edit: (change: (v: VariantDraft) => void) => void;
  remove: () => void;
  markControl: () => void;
}) {
  const { variant: v, index: i, errors } = props;
  const prefix = `variants.${i}.`;
  const overrideErrors = Object.fromEntries(
    Object.entries(errors)
      .filter(([k]) => k.startsWith(`${prefix}override.`))
      .map(([k, m]) => [k.slice(`${prefix}override.`.length), m]),
  );
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {v.name || `Variant ${i + 1}`}
          </Text>
          {v.control ? <Badge tone="info">Control</Badge> : null}
        </InlineStack>
        <TextField
          label="Name"
          autoComplete="off"
          value={v.name}
          onChange={(x) => props.edit((d) => void (d.name = x))}
          error={errors[`${prefix}name`]}
        />
        <InlineGrid columns={2} gap="200">
          <TextField
            label="Key"
            autoComplete="off"
            value={v.key}
            onChange={(x) => props.edit((d) => void (d.key = x))}
            error={errors[`${prefix}key`]}
          />
          <TextField
            label="Weight"
            type="number"
            suffix="%"
            autoComplete="off"
            value={v.weight}
            onChange={(x) => props.edit((d) => void (d.weight = x))}
            error={errors[`${prefix}weight`]}
            disabled={props.draft.allocation === "bandit"}
            helpText={props.draft.allocation === "bandit" ? "Set by the bandit" : undefined}
          />
        </InlineGrid>
        <Checkbox label="Control (keeps the live program)" checked={v.control} onChange={props.markControl} />
        {v.control ? (
          <Text as="p" tone="subdued">
            The control keeps the live program as it is.
          </Text>
        ) : (
          <VariantFields
            lever={props.draft.lever}
            program={props.program}
            fields={v.fields}
            messageKind={props.draft.messageKind}
            disabled={false}
            errors={overrideErrors}
            change={(change) => props.edit((d) => change(d.fields))}
          />
        )}
        {errors[`${prefix}override`] && (
          <Text as="p" tone="critical">
            {errors[`${prefix}override`]}
          </Text>
        )}
        {Object.entries(overrideErrors)
          .filter(([k]) => !isShownField(k, props.draft.messageKind))
          .map(([k, m]) => (
            <Text as="p" tone="critical" key={k}>
              {m}
            </Text>
          ))}
        {props.canRemove && (
          <InlineStack>
            <Button variant="plain" tone="critical" onClick={props.remove}>
              Remove variant
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** Override errors a field shows itself; any other is listed under the variant. */
function isShownField(path: string, messageKind: string): boolean {
  return (
    path === "earning.pointsPerCurrencyUnit" ||
    path === "earning.bonuses.signup" ||
    /^earning\.campaigns\.\d+\.(multiplier|points)$/.test(path) ||
    path === `messages.${messageKind}.subject` ||
    path === `messages.${messageKind}.body` ||
    /^rewards\.\d+\.pointsCost$/.test(path) ||
    /^tiers\.levels\.\d+\.(threshold|benefits\.earnMultiplier)$/.test(path) ||
    path === "tiers.levels" ||
    /^expiry\.(policy|days|noticeDays)$/.test(path)
  );
}
