import {
  Banner,
  BlockStack,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { KpiTile } from "~/admin/components/KpiTile";
import type { MigrationPreview } from "~/migration/import.server";
import type { PlanTotals } from "~/migration/plan";

const count = new Intl.NumberFormat("en-US");

/** The dry run's totals, the import button, and the import's progress once it runs. */
export function ImportCard({
  preview,
  dryRun,
  busy,
  onDryRun,
  onImport,
}: {
  preview: MigrationPreview;
  dryRun: PlanTotals | null;
  busy: boolean;
  onDryRun: () => void;
  onImport: () => void;
}) {
  const { status, progress } = preview;
  const totals = dryRun ?? null;
  const ready = status === "uploaded" || status === "failed";
  const share = progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          4. Dry run and import
        </Text>
        {ready ? (
          <Text as="p" tone="subdued">
            The dry run goes through the whole file against your members as they are now and writes nothing.
            The import sets each member&apos;s balance to the file&apos;s with one ledger entry that names its
            row, keeps the tier for a year and records lifetime points and referral codes. Importing the same
            file again changes nothing.
          </Text>
        ) : null}
        {totals ? (
          <BlockStack gap="200">
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
              <KpiTile size="small" label="Rows to import" value={count.format(totals.toImport)} />
              <KpiTile size="small" label="Rows with errors" value={count.format(totals.rowsWithErrors)} />
              <KpiTile size="small" label="Imported before" value={count.format(totals.alreadyImported)} />
              <KpiTile
                size="small"
                label="Points balance imported"
                value={count.format(totals.pointsImported)}
              />
              <KpiTile size="small" label="Net points change" value={count.format(totals.pointsAdjusted)} />
              <KpiTile size="small" label="Lifetime points" value={count.format(totals.lifetimePoints)} />
              <KpiTile size="small" label="Tiers carried" value={count.format(totals.tiersCarried)} />
              <KpiTile size="small" label="Referral codes" value={count.format(totals.referralCodes)} />
            </InlineGrid>
            <Text as="p" tone="subdued" variant="bodySm">
              Dry run: nothing was written.
            </Text>
          </BlockStack>
        ) : null}
        {status === "queued" || status === "running" ? (
          <BlockStack gap="200">
            <Text as="p">
              Importing: {count.format(progress.done)} of {count.format(progress.total)} rows
            </Text>
            <ProgressBar progress={share} tone="highlight" size="small" />
          </BlockStack>
        ) : null}
        {status === "completed" ? (
          <Banner tone="success" title="Import finished">
            <p>
              {preview.fileName}: {count.format(progress.imported)} members imported,{" "}
              {count.format(progress.skipped)} rows skipped (errors, imported before, or customers who are not
              members). Each member&apos;s points history shows the entry with the row it came from.
            </p>
          </Banner>
        ) : null}
        {status === "failed" && preview.error ? (
          <Banner tone="critical" title="The import stopped">
            <p>{preview.error} Rows already imported stay; starting again imports the rest.</p>
          </Banner>
        ) : null}
        {ready ? (
          <InlineStack gap="200">
            <Button onClick={onDryRun} loading={busy} disabled={preview.planError !== null}>
              Run a dry run
            </Button>
            <Button
              variant="primary"
              onClick={onImport}
              loading={busy}
              disabled={preview.planError !== null || (preview.totals?.toImport ?? 0) === 0}
            >
              {`Import ${count.format(preview.totals?.toImport ?? 0)} members`}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
