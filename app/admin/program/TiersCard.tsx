import {
  BlockStack,
  Button,
  Card,
  Divider,
  FormLayout,
  InlineGrid,
  InlineStack,
  Text,
} from "@shopify/polaris";
import { newId, type ProgramDraft } from "./form";
import { Choice, Field, Toggle, type Edit, type Errors } from "./fields";

const BASIS_UNIT = { spend: "spent", points: "points earned", orders: "orders" } as const;

export function TiersCard({ draft, edit, errors }: { draft: ProgramDraft; edit: Edit; errors: Errors }) {
  const t = draft.tiers;
  const unit = BASIS_UNIT[t.basis as keyof typeof BASIS_UNIT] ?? "";
  const add = () =>
    edit((d) =>
      d.tiers.levels.push({
        id: newId(
          "tier",
          d.tiers.levels.map((l) => l.id),
        ),
        name: "",
        threshold: "",
        earnMultiplier: "1",
        perkPercent: "0",
        freeShipping: false,
      }),
    );
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Tiers
          </Text>
          <Button onClick={add} disabled={t.levels.length >= 10}>
            Add tier
          </Button>
        </InlineStack>
        <FormLayout>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Choice
              label="Members qualify by"
              value={t.basis}
              options={[
                { label: "Amount spent", value: "spend" },
                { label: "Points earned", value: "points" },
                { label: "Number of orders", value: "orders" },
              ]}
              onChange={(v) => edit((d) => void (d.tiers.basis = v))}
              error={errors["tiers.basis"]}
            />
            <Choice
              label="Counted over"
              value={t.window}
              options={[
                { label: "Rolling 12 months", value: "rolling12m" },
                { label: "Calendar year", value: "calendarYear" },
                { label: "Lifetime", value: "lifetime" },
              ]}
              onChange={(v) => edit((d) => void (d.tiers.window = v))}
              error={errors["tiers.window"]}
            />
            <Field
              label="Downgrade grace period"
              type="number"
              suffix="days"
              value={t.downgradeGraceDays}
              onChange={(v) => edit((d) => void (d.tiers.downgradeGraceDays = v))}
              error={errors["tiers.downgradeGraceDays"]}
              helpText="Upgrades apply at once; a member below their tier keeps it this long."
            />
            <Choice
              label="Re-evaluate tiers"
              value={t.reevaluation}
              options={[
                { label: "Daily", value: "daily" },
                { label: "Weekly", value: "weekly" },
                { label: "Monthly", value: "monthly" },
              ]}
              onChange={(v) => edit((d) => void (d.tiers.reevaluation = v))}
            />
          </InlineGrid>
        </FormLayout>
        {errors["tiers.levels"] && (
          <Text as="p" tone="critical">
            {errors["tiers.levels"]}
          </Text>
        )}
        {t.levels.length === 0 && (
          <Text as="p" tone="subdued">
            No tiers. Add tiers from the lowest to the highest threshold.
          </Text>
        )}
        {t.levels.map((level, i) => {
          const at = (field: string) => errors[`tiers.levels.${i}.${field}`];
          const set = (change: (l: ProgramDraft["tiers"]["levels"][number]) => void) =>
            edit((d) => change(d.tiers.levels[i]!));
          return (
            <BlockStack key={level.id} gap="300">
              <Divider />
              <InlineGrid columns={{ xs: 1, md: 4 }} gap="300" alignItems="end">
                <Field
                  label="Tier name"
                  value={level.name}
                  onChange={(v) => set((l) => void (l.name = v))}
                  error={at("name")}
                />
                <Field
                  label={`Threshold (${unit})`}
                  type="number"
                  prefix={t.basis === "spend" ? draft.currency : undefined}
                  value={level.threshold}
                  onChange={(v) => set((l) => void (l.threshold = v))}
                  error={at("threshold")}
                />
                <Field
                  label="Earn multiplier"
                  type="number"
                  suffix="×"
                  value={level.earnMultiplier}
                  onChange={(v) => set((l) => void (l.earnMultiplier = v))}
                  error={at("earnMultiplier")}
                />
                <Field
                  label="Perk discount"
                  type="number"
                  suffix="%"
                  value={level.perkPercent}
                  onChange={(v) => set((l) => void (l.perkPercent = v))}
                  error={at("perkPercent")}
                />
              </InlineGrid>
              <InlineStack align="space-between">
                <Toggle
                  label="Free shipping"
                  checked={level.freeShipping}
                  onChange={(v) => set((l) => void (l.freeShipping = v))}
                />
                <Button
                  tone="critical"
                  variant="plain"
                  onClick={() => edit((d) => void d.tiers.levels.splice(i, 1))}
                >
                  Remove tier
                </Button>
              </InlineStack>
            </BlockStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}
