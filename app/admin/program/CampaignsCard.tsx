import { BlockStack, Box, Button, Card, Divider, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { newId, type ProgramDraft } from "./form";
import { Choice, Field, type Edit, type Errors } from "./fields";

/** Bonus campaigns over a date range (UTC days, start inclusive, end exclusive). */
export function CampaignsCard({ draft, edit, errors }: { draft: ProgramDraft; edit: Edit; errors: Errors }) {
  const campaigns = draft.earning.campaigns;
  const add = () =>
    edit((d) => {
      const today = new Date().toISOString().slice(0, 10);
      const week = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
      d.earning.campaigns.push({
        id: newId(
          "campaign",
          d.earning.campaigns.map((c) => c.id),
        ),
        name: "",
        kind: "multiplier",
        multiplier: "2",
        points: "100",
        startsOn: today,
        endsOn: week,
      });
    });
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Bonus campaigns
          </Text>
          <Button onClick={add}>Add campaign</Button>
        </InlineStack>
        {campaigns.length === 0 && (
          <Text as="p" tone="subdued">
            No campaigns. A campaign multiplies order points, or adds fixed points per order, between two
            dates.
          </Text>
        )}
        {campaigns.map((c, i) => {
          const at = (field: string) => errors[`earning.campaigns.${i}.${field}`];
          const set = (change: (c: ProgramDraft["earning"]["campaigns"][number]) => void) =>
            edit((d) => change(d.earning.campaigns[i]!));
          return (
            <BlockStack key={c.id} gap="300">
              {i > 0 && <Divider />}
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
                <Field
                  label="Name"
                  value={c.name}
                  onChange={(v) => set((x) => void (x.name = v))}
                  error={at("name")}
                />
                <Choice
                  label="Bonus"
                  value={c.kind}
                  options={[
                    { label: "Multiply order points", value: "multiplier" },
                    { label: "Fixed points per order", value: "fixed" },
                  ]}
                  onChange={(v) => set((x) => void (x.kind = v))}
                />
                {c.kind === "multiplier" ? (
                  <Field
                    label="Multiplier"
                    type="number"
                    suffix="×"
                    value={c.multiplier}
                    onChange={(v) => set((x) => void (x.multiplier = v))}
                    error={at("multiplier")}
                  />
                ) : (
                  <Field
                    label="Points per order"
                    type="number"
                    value={c.points}
                    onChange={(v) => set((x) => void (x.points = v))}
                    error={at("points")}
                  />
                )}
              </InlineGrid>
              {c.productIds && (
                <Text as="p" tone="subdued">
                  On {c.productIds.length} product{c.productIds.length === 1 ? "" : "s"} only (launched from
                  Weekly picks).
                </Text>
              )}
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="300" alignItems="end">
                <Field
                  label="Starts (UTC)"
                  type="date"
                  value={c.startsOn}
                  onChange={(v) => set((x) => void (x.startsOn = v))}
                  error={at("startsOn")}
                />
                <Field
                  label="Ends before (UTC)"
                  type="date"
                  value={c.endsOn}
                  onChange={(v) => set((x) => void (x.endsOn = v))}
                  error={at("endsOn")}
                />
                <Box>
                  <Button
                    tone="critical"
                    variant="plain"
                    onClick={() => edit((d) => void d.earning.campaigns.splice(i, 1))}
                  >
                    Remove campaign
                  </Button>
                </Box>
              </InlineGrid>
            </BlockStack>
          );
        })}
      </BlockStack>
    </Card>
  );
}
