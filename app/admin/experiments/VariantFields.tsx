import { BlockStack, InlineGrid, Select, Text, TextField } from "@shopify/polaris";
import type { Lever } from "~/experiments/levers";
import type { Program } from "~/loyalty/program";
import { MESSAGE_KINDS, type MessageKind } from "~/loyalty/program-messages";
import type { OverrideFields } from "./form";

// One variant's override as form fields for the experiment's lever. Errors come keyed by
// the domain's dotted paths, relative to the variant's override ("earning.pointsPerCurrencyUnit").

type Props = {
  lever: Lever;
  program: Program;
  fields: OverrideFields;
  /** The message the messages lever's fields edit. */
  messageKind: MessageKind;
  disabled: boolean;
  errors: Record<string, string>;
  change: (edit: (fields: OverrideFields) => void) => void;
};

function NumberField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  suffix?: string;
  prefix?: string;
  helpText?: string;
  disabled: boolean;
}) {
  return (
    <TextField
      autoComplete="off"
      type="number"
      inputMode="decimal"
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
      suffix={props.suffix}
      prefix={props.prefix}
      helpText={props.helpText}
      disabled={props.disabled}
    />
  );
}

const COPY_FIELDS: [keyof OverrideFields["copy"], string, string][] = [
  ["guestPitch", "Guest pitch", "What a signed-out shopper reads first. Empty: the translated default."],
  ["memberGreeting", "Member greeting", "The member view's first line. Empty: the translated default."],
  ["callToAction", "Join button", "The guest's call to action. Empty: the translated default."],
];

export function VariantFields(props: Props) {
  const { lever, program, fields, disabled, errors, change } = props;
  const spend = program.tiers.basis === "spend";
  switch (lever) {
    case "earnRate":
      return (
        <NumberField
          label={`Points per ${program.currency} spent`}
          value={fields.pointsPerCurrencyUnit}
          onChange={(v) => change((f) => void (f.pointsPerCurrencyUnit = v))}
          error={errors["earning.pointsPerCurrencyUnit"]}
          disabled={disabled}
        />
      );
    case "bonuses":
      return (
        <BlockStack gap="200">
          <NumberField
            label="Signup bonus"
            suffix="points"
            value={fields.signupBonus}
            onChange={(v) => change((f) => void (f.signupBonus = v))}
            error={errors["earning.bonuses.signup"]}
            disabled={disabled}
          />
          {program.earning.campaigns.map((c, i) => (
            <NumberField
              key={c.id}
              label={c.kind === "multiplier" ? `${c.name}: points multiplier` : `${c.name}: bonus per order`}
              suffix={c.kind === "multiplier" ? "×" : "points"}
              value={fields.campaigns[c.id] ?? ""}
              onChange={(v) => change((f) => void (f.campaigns[c.id] = v))}
              error={errors[`earning.campaigns.${i}.${c.kind === "multiplier" ? "multiplier" : "points"}`]}
              helpText={campaignWindow(c.startsAt, c.endsAt)}
              disabled={disabled}
            />
          ))}
        </BlockStack>
      );
    case "rewards":
      if (!program.rewards.length) return <Text as="p">The program has no rewards to vary.</Text>;
      return (
        <BlockStack gap="200">
          {program.rewards.map((r, i) => (
            <NumberField
              key={r.id}
              label={`${r.name}: cost`}
              suffix="points"
              value={fields.rewardCosts[r.id] ?? ""}
              onChange={(v) => change((f) => void (f.rewardCosts[r.id] = v))}
              error={errors[`rewards.${i}.pointsCost`]}
              disabled={disabled}
            />
          ))}
        </BlockStack>
      );
    case "tiers":
      if (!program.tiers.levels.length) return <Text as="p">The program has no tiers to vary.</Text>;
      return (
        <BlockStack gap="200">
          {program.tiers.levels.map((l, i) => (
            <InlineGrid columns={2} gap="200" key={l.id}>
              <NumberField
                label={`${l.name}: threshold`}
                prefix={spend ? program.currency : undefined}
                suffix={spend ? undefined : program.tiers.basis}
                value={fields.tierThresholds[l.id] ?? ""}
                onChange={(v) => change((f) => void (f.tierThresholds[l.id] = v))}
                error={errors[`tiers.levels.${i}.threshold`] ?? errors["tiers.levels"]}
                disabled={disabled}
              />
              <NumberField
                label={`${l.name}: earn multiplier`}
                suffix="×"
                value={fields.tierMultipliers[l.id] ?? ""}
                onChange={(v) => change((f) => void (f.tierMultipliers[l.id] = v))}
                error={errors[`tiers.levels.${i}.benefits.earnMultiplier`]}
                disabled={disabled}
              />
            </InlineGrid>
          ))}
        </BlockStack>
      );
    case "expiry":
      return (
        <BlockStack gap="200">
          <Select
            label="Points expire"
            options={[
              { label: "Never", value: "none" },
              { label: "After a period without activity", value: "inactivity" },
              { label: "A fixed time after they become spendable", value: "fixedAge" },
            ]}
            value={fields.expiryPolicy}
            onChange={(v) => change((f) => void (f.expiryPolicy = v as OverrideFields["expiryPolicy"]))}
            error={errors["expiry.policy"]}
            disabled={disabled}
          />
          {fields.expiryPolicy !== "none" && (
            <NumberField
              label="Expiry window"
              suffix="days"
              value={fields.expiryDays}
              onChange={(v) => change((f) => void (f.expiryDays = v))}
              error={errors["expiry.days"] ?? errors["expiry.noticeDays"]}
              disabled={disabled}
            />
          )}
        </BlockStack>
      );
    case "messages":
      return <MessageFields {...props} />;
    case "widgetCopy":
      return (
        <BlockStack gap="200">
          {COPY_FIELDS.map(([key, label, helpText]) => (
            <TextField
              key={key}
              autoComplete="off"
              label={label}
              helpText={helpText}
              value={fields.copy[key]}
              onChange={(v) => change((f) => void (f.copy[key] = v))}
              error={errors[`widgetCopy.${key}`]}
              disabled={disabled}
            />
          ))}
        </BlockStack>
      );
  }
}

const day = (iso: string) => iso.slice(0, 10);
const campaignWindow = (startsAt: string, endsAt: string) => `Runs ${day(startsAt)} to ${day(endsAt)}`;

function MessageFields({ fields, messageKind, disabled, errors, change }: Props) {
  const message = fields.messages[messageKind];
  const allowed = MESSAGE_KINDS[messageKind].placeholders.map((p) => `{${p}}`).join(" ");
  return (
    <BlockStack gap="200">
      <TextField
        autoComplete="off"
        label={`${MESSAGE_KINDS[messageKind].label}: subject`}
        value={message.subject}
        onChange={(v) => change((f) => void (f.messages[messageKind].subject = v))}
        error={errors[`messages.${messageKind}.subject`]}
        disabled={disabled}
      />
      <TextField
        autoComplete="off"
        multiline={6}
        label={`${MESSAGE_KINDS[messageKind].label}: message`}
        value={message.body}
        onChange={(v) => change((f) => void (f.messages[messageKind].body = v))}
        error={errors[`messages.${messageKind}.body`]}
        helpText={`Placeholders: ${allowed}`}
        disabled={disabled}
      />
    </BlockStack>
  );
}
