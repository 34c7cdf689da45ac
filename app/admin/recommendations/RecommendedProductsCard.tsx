import { Link } from "@remix-run/react";
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";
import type { MemberProductRecommendations } from "~/intelligence/recommendations/member.server";

/** A member's recommended products with the reasons, and when the model was computed. */
export function RecommendedProductsCard({
  recommendations,
  timeZone,
  linkToPreview = true,
}: {
  recommendations: MemberProductRecommendations | null;
  timeZone: string | null;
  linkToPreview?: boolean;
}) {
  const recs = recommendations;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Recommended products
        </Text>
        {!recs || recs.computedAt === null ? (
          <Text as="p" tone="subdued">
            Not computed yet: recommendations are computed nightly, or now from{" "}
            <Link to="/app/insights/recommendations">Insights › Recommendations</Link>.
          </Text>
        ) : recs.products.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing to recommend: the shop has no other products with sales or similar descriptions yet.
          </Text>
        ) : (
          <BlockStack gap="200">
            {recs.products.map((p, i) => (
              <BlockStack key={p.productId} gap="050">
                <InlineStack gap="200" align="space-between" blockAlign="start" wrap={false}>
                  <Text as="span" fontWeight="semibold">
                    {i + 1}. {p.title}
                  </Text>
                  <Text as="span" tone="subdued" variant="bodySm" numeric>
                    {p.score.toFixed(3)}
                  </Text>
                </InlineStack>
                <Text as="p" tone="subdued" variant="bodySm">
                  {p.reasons.map((r) => r.text).join(" · ")}
                </Text>
              </BlockStack>
            ))}
          </BlockStack>
        )}
        {recs && recs.computedAt !== null && (
          <Text as="p" tone="subdued" variant="bodySm">
            {recs.purchasedProducts === 0
              ? "No purchases yet, so these are the shop's best sellers. "
              : `From ${recs.purchasedProducts} product${recs.purchasedProducts === 1 ? "" : "s"} bought. `}
            Computed {formatDateTime(recs.computedAt, timeZone)}
            {linkToPreview && (
              <>
                {" · "}
                <Link to={`/app/insights/recommendations?customerId=${recs.customerId}`}>
                  preview and evaluation
                </Link>
              </>
            )}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
