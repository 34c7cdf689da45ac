import { BlockStack, Card, FormLayout, InlineGrid, Text } from "@shopify/polaris";
import type { ProgramDraft } from "./form";
import { Choice, Field, Toggle, type Edit, type Errors } from "./fields";

export function EarningCard({ draft, edit, errors }: { draft: ProgramDraft; edit: Edit; errors: Errors }) {
  const e = draft.earning;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Earning
        </Text>
        <FormLayout>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Field
              label={`Points per ${draft.currency} spent`}
              type="number"
              value={e.pointsPerCurrencyUnit}
              onChange={(v) => edit((d) => void (d.earning.pointsPerCurrencyUnit = v))}
              error={errors["earning.pointsPerCurrencyUnit"]}
              helpText="On the merchandise subtotal after discounts."
            />
            <Choice
              label="Rounding"
              value={e.rounding}
              options={[
                { label: "Round down", value: "floor" },
                { label: "Round to nearest", value: "round" },
                { label: "Round up", value: "ceil" },
              ]}
              onChange={(v) => edit((d) => void (d.earning.rounding = v))}
              error={errors["earning.rounding"]}
            />
          </InlineGrid>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Toggle
              label="Shipping earns points"
              checked={e.includeShipping}
              onChange={(v) => edit((d) => void (d.earning.includeShipping = v))}
            />
            <Toggle
              label="Tax earns points"
              checked={e.includeTax}
              onChange={(v) => edit((d) => void (d.earning.includeTax = v))}
            />
          </InlineGrid>
          <Field
            label="Pending period"
            type="number"
            suffix="days"
            value={e.pendingDays}
            onChange={(v) => edit((d) => void (d.earning.pendingDays = v))}
            error={errors["earning.pendingDays"]}
            helpText="Points become spendable after this many days, so a returned order cannot fund a reward. Match your return window."
          />
          <Text as="h3" variant="headingSm">
            Bonuses
          </Text>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <Field
              label="Signing up"
              type="number"
              suffix="points"
              value={e.signupBonus}
              onChange={(v) => edit((d) => void (d.earning.signupBonus = v))}
              error={errors["earning.signupBonus"]}
            />
            <Field
              label="Birthday"
              type="number"
              suffix="points"
              value={e.birthdayBonus}
              onChange={(v) => edit((d) => void (d.earning.birthdayBonus = v))}
              error={errors["earning.birthdayBonus"]}
            />
            <Field
              label="First order"
              type="number"
              suffix="points"
              value={e.firstOrderBonus}
              onChange={(v) => edit((d) => void (d.earning.firstOrderBonus = v))}
              error={errors["earning.firstOrderBonus"]}
            />
          </InlineGrid>
          <Text as="h3" variant="headingSm">
            Exclusions
          </Text>
          <Toggle
            label="Gift cards earn no points"
            helpText="Buying a gift card and later spending it would earn twice on the same money."
            checked={e.giftCardsExcluded}
            onChange={(v) => edit((d) => void (d.earning.giftCardsExcluded = v))}
          />
          <Field
            label="Product tags that earn no points"
            value={e.excludedTags}
            placeholder="clearance, sample"
            helpText="Separate tags with commas."
            onChange={(v) => edit((d) => void (d.earning.excludedTags = v))}
            error={errors["earning.excludedTags"]}
          />
        </FormLayout>
      </BlockStack>
    </Card>
  );
}
