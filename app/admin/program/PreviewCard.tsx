import { BlockStack, Card, Text } from "@shopify/polaris";
import { useState } from "react";
import { previewEarningText } from "~/loyalty/earning-preview";
import type { Program } from "~/loyalty/program";
import { parseMoney } from "./form";
import { Field } from "./fields";

export type PreviewSource = { ok: true; program: Program } | { ok: false; problem: string };

/**
 * What a plain order earns under the settings as typed, for every tier: the same pure
 * function checkout crediting uses, run in the browser on each keystroke.
 */
export function PreviewCard({ source, currency }: { source: PreviewSource; currency: string }) {
  const [amount, setAmount] = useState("80");
  const amountMinor = parseMoney(amount, currency);
  const valid = typeof amountMinor === "number" && amountMinor > 0;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Preview
        </Text>
        <Field label="Order subtotal" type="number" prefix={currency} value={amount} onChange={setAmount} />
        {!source.ok ? (
          <Text as="p" tone="caution">
            {source.problem}
          </Text>
        ) : !valid ? (
          <Text as="p" tone="subdued">
            Enter an order amount to see what it earns.
          </Text>
        ) : (
          <BlockStack gap="150">
            <Text as="p" fontWeight="semibold">
              <span data-testid="earning-preview">{previewEarningText(amountMinor, source.program)}</span>
            </Text>
            {source.program.tiers.levels.map((level) => (
              <Text as="p" key={level.id} tone="subdued">
                {previewEarningText(amountMinor, source.program, "en", level.id)}
              </Text>
            ))}
            <Text as="p" variant="bodySm" tone="subdued">
              Before product multipliers and campaigns.
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
