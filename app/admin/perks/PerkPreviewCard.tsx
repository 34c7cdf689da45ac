import { BlockStack, Card, DataTable, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { previewTierPerk, type DiscountClassName, type TierPerkConfig } from "~/loyalty/tier-perks";
import { formatMoney } from "~/admin/members/present";
import { parseMoney } from "~/admin/program/form";

/**
 * What each tier's member gets off a plain cart: previewTierPerk, the function the golden
 * cases keep in agreement with the checkout function itself.
 */
export function PerkPreviewCard(props: {
  config: TierPerkConfig;
  discountClasses: DiscountClassName[];
  currency: string;
}) {
  const { config, discountClasses, currency } = props;
  const [subtotal, setSubtotal] = useState("100");
  const [shipping, setShipping] = useState("8");
  const subtotalMinor = parseMoney(subtotal, currency);
  const shippingMinor = parseMoney(shipping, currency);
  const valid = typeof subtotalMinor === "number" && typeof shippingMinor === "number";
  const rows = valid
    ? config.tiers.map((tier) => {
        const preview = previewTierPerk({
          config,
          discountClasses,
          tierId: tier.id,
          cart: {
            currency,
            lines: [{ id: "sample", productId: "gid://shopify/Product/1", quantity: 1, subtotalMinor }],
            deliveryGroups: [{ id: "sample", selectedCostMinor: shippingMinor }],
          },
        });
        return [
          tier.name,
          tier.perkPercent > 0 ? `${tier.perkPercent}%` : "—",
          tier.freeShipping ? "Yes" : "No",
          formatMoney(preview.totalMinor, currency),
        ];
      })
    : [];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Perk preview
        </Text>
        <InlineStack gap="300">
          <TextField
            label="Cart subtotal"
            type="number"
            prefix={currency}
            autoComplete="off"
            value={subtotal}
            onChange={setSubtotal}
          />
          <TextField
            label="Shipping"
            type="number"
            prefix={currency}
            autoComplete="off"
            value={shipping}
            onChange={setShipping}
          />
        </InlineStack>
        {config.tiers.length === 0 ? (
          <Text as="p" tone="subdued">
            The program has no tiers yet; add them on the Program page.
          </Text>
        ) : valid ? (
          <div data-testid="perk-preview">
            <DataTable
              columnContentTypes={["text", "numeric", "text", "numeric"]}
              headings={["Tier", "Perk", "Free shipping", "Off this cart"]}
              rows={rows}
            />
          </div>
        ) : (
          <Text as="p" tone="caution">
            Enter amounts to see the perks.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
