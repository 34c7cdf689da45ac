import { FormLayout, Text, TextField } from "@shopify/polaris";
import type { CampaignsPage } from "./page.server";

// The settings of the triggers that have some: how many days before a tier drop the warning
// goes, the win-back cool-down, and how close "almost there" is (a percent of the nearest
// reward; a distance to the next tier in the program's tier basis, money in the shop's currency).

const WHEN: Record<string, string> = {
  welcome:
    "Sent once when a customer joins the program (not to customers of long ago enrolled by an import).",
  pointsExpiring:
    "Sent once per expiry date, when the program's expiry notice is due (Program › Expiry sets how many days ahead).",
  birthday:
    "Sent once a year on the member's birthday, in the shop's time zone. Members give their birthday in the rewards widget.",
  tierDowngradeWarning:
    "Sent once per grace period to members who will drop a tier unless they qualify again.",
  winBack: "Sent when the nightly churn scoring flags a member as at risk.",
  almostThere: "Sent once per reward (again after a redemption) and once per tier.",
};

export function TriggerSettingsFields(props: {
  trigger: string;
  page: CampaignsPage;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  errors: Record<string, string>;
}) {
  const { trigger, page, values, errors } = props;
  const field = (name: string, label: string, helpText?: string, fallback = "") => (
    <TextField
      label={label}
      type="number"
      value={values[name] ?? fallback}
      onChange={(v) => props.onChange({ ...values, [name]: v })}
      error={errors[`triggerSettings.${name}`]}
      helpText={helpText}
      autoComplete="off"
    />
  );
  const unit = page.tierBasis === "spend" ? page.currency : page.tierBasis === "points" ? "points" : "orders";
  return (
    <FormLayout>
      {WHEN[trigger] ? (
        <Text as="p" tone="subdued">
          {WHEN[trigger]}
        </Text>
      ) : null}
      {trigger === "tierDowngradeWarning"
        ? field("daysBefore", "Days before the drop", undefined, "14")
        : null}
      {trigger === "winBack"
        ? field(
            "cooldownDays",
            "Not again for (days)",
            "A member still at risk after this hears again.",
            "90",
          )
        : null}
      {trigger === "almostThere" ? (
        <FormLayout.Group condensed>
          {field("rewardPercent", "Balance reaches (% of the reward)", undefined, "80")}
          {field("tierWithin", `Next tier within (${unit})`, "Empty: rewards only.")}
        </FormLayout.Group>
      ) : null}
    </FormLayout>
  );
}
