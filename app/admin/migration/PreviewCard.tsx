import { Badge, Banner, BlockStack, Card, DataTable, List, Text } from "@shopify/polaris";
import type { MigrationPreview } from "~/migration/import.server";

const count = new Intl.NumberFormat("en-US");
const signed = (n: number) => (n > 0 ? `+${count.format(n)}` : count.format(n));

/** The first rows as they will be imported, and every row the import will skip or change. */
export function PreviewCard({ preview }: { preview: MigrationPreview }) {
  const errors = preview.problems.filter((p) => p.severity === "error");
  const warnings = preview.problems.filter((p) => p.severity === "warning");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          3. Preview
        </Text>
        {preview.planError ? (
          <Banner tone="warning" title="Finish the mapping">
            <p>{preview.planError}</p>
          </Banner>
        ) : null}
        {errors.length ? (
          <Banner
            tone="critical"
            title={`${count.format(errors.length)} row${errors.length === 1 ? "" : "s"} will be skipped`}
          >
            <List type="bullet">
              {errors.slice(0, 50).map((p) => (
                <List.Item key={`${p.line}-${p.kind}`}>
                  Row {p.line}: {p.message}
                </List.Item>
              ))}
            </List>
            {preview.problemCount > preview.problems.length ? (
              <p>Only the first {preview.problems.length} problems are listed.</p>
            ) : null}
          </Banner>
        ) : null}
        {warnings.length ? (
          <Banner tone="warning" title="Imported without some fields">
            <List type="bullet">
              {warnings.slice(0, 20).map((p) => (
                <List.Item key={`${p.line}-${p.kind}`}>
                  Row {p.line}: {p.message}
                </List.Item>
              ))}
            </List>
          </Banner>
        ) : null}
        {preview.rows.length ? (
          <DataTable
            columnContentTypes={["numeric", "text", "numeric", "numeric", "numeric", "text", "text"]}
            headings={["Row", "Email", "Balance", "Change", "Lifetime", "Tier", "Referral code"]}
            rows={preview.rows.map((r) => [
              r.line,
              r.alreadyImported ? (
                <span key="e">
                  {r.email} <Badge>Imported before</Badge>
                </span>
              ) : (
                r.email
              ),
              r.targetBalance === null ? "—" : count.format(r.targetBalance),
              r.alreadyImported ? "—" : signed(r.delta),
              r.lifetimePoints === null ? "—" : count.format(r.lifetimePoints),
              r.tierName ?? "—",
              r.referralCode ?? "—",
            ])}
            footerContent={`First ${preview.rows.length} of ${count.format(preview.totals?.rows ?? preview.rows.length)} rows`}
          />
        ) : null}
      </BlockStack>
    </Card>
  );
}
