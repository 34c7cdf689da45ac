import { BlockStack, Button, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import type { ProgramDraft } from "./form";
import { Choice, Field, type Edit, type Errors } from "./fields";
import { legacyId, ResourcePick } from "./ResourcePick";

const TARGETS = [
  { label: "Product", value: "product" },
  { label: "Collection", value: "collection" },
  { label: "Product tag", value: "tag" },
] as const;

/** Product-level multipliers: a line earns its points times the multiplier of the rule it matches. */
/**
 * Product-level multipliers: a line earns its points times the multiplier of the rule it
 * matches. Products and collections are chosen with the resource picker and stored by
 * their numeric id, as order lines carry them.
 */
export function MultipliersCard({
  draft,
  edit,
  errors,
  titles: known = {},
}: {
  draft: ProgramDraft;
  edit: Edit;
  errors: Errors;
  /** Names for product and collection ids. */
  titles?: Record<string, string>;
}) {
  const [titles, setTitles] = useState(known);
  const rules = draft.earning.multipliers;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Multipliers
          </Text>
          <Button
            onClick={() =>
              edit((d) => void d.earning.multipliers.push({ target: "tag", value: "", multiplier: "2" }))
            }
          >
            Add multiplier
          </Button>
        </InlineStack>
        {rules.length === 0 && (
          <Text as="p" tone="subdued">
            Every product earns the base rate. Add a multiplier to make a product, collection or tag earn more
            (2 = double) or less (0.5 = half).
          </Text>
        )}
        {rules.map((rule, i) => {
          const at = (field: string) => errors[`earning.multipliers.${i}.${field}`];
          return (
            <InlineGrid key={i} columns={["oneThird", "oneThird", "oneThird"]} gap="300" alignItems="end">
              <Choice
                label="Applies to"
                value={rule.target}
                options={[...TARGETS]}
                onChange={(v) =>
                  edit((d) => {
                    const rule = d.earning.multipliers[i]!;
                    // An id of one kind means nothing as another: changing the kind clears it.
                    if (rule.target !== v) rule.value = "";
                    rule.target = v;
                  })
                }
                error={at("target")}
              />
              {rule.target === "product" || rule.target === "collection" ? (
                <ResourcePick
                  label={rule.target === "product" ? "Product" : "Collection"}
                  type={rule.target}
                  value={rule.value}
                  title={titles[rule.value] ?? null}
                  onPick={(picked) => {
                    const id = legacyId(picked.id);
                    setTitles((t) => ({ ...t, [id]: picked.title }));
                    edit((d) => void (d.earning.multipliers[i]!.value = id));
                  }}
                  error={at("value")}
                />
              ) : (
                <Field
                  label="Tag"
                  value={rule.value}
                  onChange={(v) => edit((d) => void (d.earning.multipliers[i]!.value = v))}
                  error={at("value")}
                />
              )}
              <InlineStack gap="200" blockAlign="end" wrap={false}>
                <Field
                  label="Multiplier"
                  type="number"
                  suffix="×"
                  value={rule.multiplier}
                  onChange={(v) => edit((d) => void (d.earning.multipliers[i]!.multiplier = v))}
                  error={at("multiplier")}
                />
                <Button
                  tone="critical"
                  variant="plain"
                  onClick={() => edit((d) => void d.earning.multipliers.splice(i, 1))}
                >
                  Remove
                </Button>
              </InlineStack>
            </InlineGrid>
          );
        })}
      </BlockStack>
    </Card>
  );
}
