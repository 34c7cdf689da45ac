import { Banner, BlockStack, Card, DataTable, Link, Text } from "@shopify/polaris";
import type { BusinessView } from "./business-present";

/** Members against everyone else; says plainly that this is correlation and where the causal number is. */
export function ComparisonCard({ view }: { view: BusinessView }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Members and non-members
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
          headings={[
            "",
            "Members",
            "Non-members",
            `Members, ${view.period.previousRange}`,
            `Non-members, ${view.period.previousRange}`,
          ]}
          rows={view.comparison.map((r) => [
            <BlockStack key={r.label} gap="050">
              <Text as="span" fontWeight="semibold">
                {r.label}
              </Text>
              <Text as="span" variant="bodySm" tone="subdued">
                {r.hint}
              </Text>
            </BlockStack>,
            <span key="m" data-comparison={`${r.label}:members`}>
              {r.members}
            </span>,
            <span key="o" data-comparison={`${r.label}:others`}>
              {r.others}
            </span>,
            r.membersPrevious,
            r.othersPrevious,
          ])}
        />
        {view.comparisonNote && (
          <Text as="p" tone="subdued">
            {view.comparisonNote}
          </Text>
        )}
        <Banner tone="info" title="Correlation, not the program's effect">
          <p>
            Members differ from other customers before they join: your best customers are the likeliest to
            sign up. So these gaps show who your members are, not what the program adds. The first card on
            this page compares customers in the program with a held-out group it does not reach: that is the
            causal number. <Link url="/app/experiments">See the holdout and experiments</Link>.
          </p>
        </Banner>
      </BlockStack>
    </Card>
  );
}
