import { BlockStack, Box, Card, DataTable, Divider, InlineStack, Text } from "@shopify/polaris";
import { useMemo } from "react";
import { programSchema, type Program } from "~/loyalty/program";
import { programCost, type ProgramCost, type ShopEconomics } from "~/loyalty/program-cost";
import { fromDraft, type ProgramDraft } from "./form";
import { hundredOf, moneyFormatter } from "./money-format";

// What the program as typed costs, beside what the live version costs: % back at the shop's
// typical order values, reward cost per 100 of member sales, and the points liability.
// Runs in the browser on each keystroke with the same pure functions the save's check uses.

export type ParsedDraft = { ok: true; program: Program } | { ok: false; problem: string };

export function parseDraft(draft: ProgramDraft): ParsedDraft {
  const parsed = programSchema.safeParse(fromDraft(draft));
  if (parsed.success) return { ok: true, program: parsed.data };
  const issue = parsed.error.issues[0];
  const [part, index] = issue?.path ?? [];
  const reward = part === "rewards" && typeof index === "number" ? draft.rewards[index] : undefined;
  const where = reward ? ` (reward “${reward.name || "New reward"}”)` : "";
  return {
    ok: false,
    problem: `Finish the settings to see the cost: ${issue?.message ?? "a value is missing."}${where}`,
  };
}

const percent = (value: number | null) => (value === null ? "—" : `${value.toFixed(value < 10 ? 1 : 0)}%`);

function Change(props: {
  label: string;
  before: number | null;
  after: number | null;
  format: (n: number) => string;
}) {
  const { before, after, format } = props;
  const changed = before !== null && after !== null && Math.round(before) !== Math.round(after);
  const share = changed && before ? ((after! - before) / before) * 100 : 0;
  return (
    <BlockStack gap="050">
      <InlineStack align="space-between" blockAlign="baseline" wrap={false} gap="200">
        <Text as="span">{props.label}</Text>
        <Text as="span" fontWeight="semibold">
          {after === null ? "—" : format(after)}
        </Text>
      </InlineStack>
      {changed ? (
        <InlineStack align="end">
          <Text as="span" variant="bodySm" tone={share > 0 ? "caution" : "success"}>
            was {format(before!)} ({share > 0 ? "+" : ""}
            {share.toFixed(0)}%)
          </Text>
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}

export function CostCard(props: { draft: ProgramDraft; live: ProgramDraft; economics: ShopEconomics }) {
  const { economics } = props;
  const currency = props.live.currency;
  const money = moneyFormatter(currency);
  const parsed = useMemo(() => parseDraft(props.draft), [props.draft]);
  const live = useMemo(() => parseDraft(props.live), [props.live]);
  const before: ProgramCost | null = live.ok ? programCost(live.program, economics) : null;
  const after: ProgramCost | null = parsed.ok ? programCost(parsed.program, economics) : null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What it costs
        </Text>
        {!parsed.ok ? (
          <Text as="p" tone="caution">
            {parsed.problem}
          </Text>
        ) : after?.pointValueMinor === null ? (
          <Text as="p" tone="subdued">
            Add an active reward with a known value (amount off, percentage or free shipping) to see what a
            point is worth and what the program costs.
          </Text>
        ) : (
          <BlockStack gap="300">
            <Text as="p" tone="subdued">
              A point is worth about {money(after!.pointValueMinor!)} when spent on your rewards, weighted by
              what members redeem.
            </Text>
            {after!.percentBack.length > 0 ? (
              <Box data-testid="percent-back">
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={["Order", "Subtotal", "Points", "Back"]}
                  footerContent="At the base rate, before tier multipliers."
                  rows={after!.percentBack.map((row) => [
                    row.label,
                    money(row.orderMinor),
                    String(row.points),
                    percent(row.percent),
                  ])}
                  increasedTableDensity
                />
              </Box>
            ) : (
              <Text as="p" tone="subdued">
                No orders in the last year yet: % back at typical order values appears once there are.
              </Text>
            )}
            <Divider />
            <BlockStack gap="150">
              <span data-testid="cost-per-100">
                <Change
                  label={`Reward cost per ${hundredOf(currency)} of member sales`}
                  before={before?.costPer100Minor ?? null}
                  after={after!.costPer100Minor}
                  format={money}
                />
              </span>
              <Change
                label="Liability added per month"
                before={before?.monthlyAccrualMinor ?? null}
                after={after!.monthlyAccrualMinor}
                format={money}
              />
              <Change
                label="Points liability now"
                before={before?.liabilityMinor ?? null}
                after={after!.liabilityMinor}
                format={money}
              />
            </BlockStack>
            <Text as="p" variant="bodySm" tone="subdued">
              Cost and liability if every point is spent, at your members’ tier mix, before product
              multipliers, campaigns and bonuses. From {money(economics.memberSales30dMinor)} of member sales
              in the last 30 days and {economics.outstandingPoints.toLocaleString("en-US")} points members
              hold.
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
