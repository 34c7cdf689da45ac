import { Link } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, ProgressBar, Text } from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";
import type { ImportsPageData } from "./ImportsScreen";
import { fieldLabel } from "./PreviewCard";

const STATUS_TONE = { running: "attention", completed: "success", failed: "critical" } as const;
const n = (value: number) => value.toLocaleString("en-US");

export function HistoryCard({ page }: { page: ImportsPageData }) {
  const what = page.kind === "reviews" ? "reviews" : "engagement events";
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Imports
        </Text>
        <Text as="p" tone="subdued">
          {`${n(page.stored)} ${what} stored. The same ${page.kind === "reviews" ? "review" : "event"} imported twice is stored once and counted as a duplicate; ${page.kind === "reviews" ? "unmatched customers and products are" : "events of unmatched recipients are"} kept and listed.`}
        </Text>
        {page.imports.length === 0 ? (
          <Text as="p">No imports yet.</Text>
        ) : (
          <DataTable
            columnContentTypes={[
              "text",
              "text",
              "text",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "text",
            ]}
            headings={[
              "When",
              "From",
              "Status",
              "Rows",
              "New",
              "Duplicates",
              "Errors",
              page.kind === "reviews" ? "Unmatched customers / products" : "Unmatched recipients",
              "Issues",
            ]}
            rows={page.imports.map((i) => [
              formatDateTime(i.createdAt, page.timeZone),
              `${i.source === "csv" ? (i.fileName ?? "CSV upload") : "Signed API request"}${i.format ? ` · ${i.format}` : ""}`,
              i.status === "running" ? (
                <div key={i.id} style={{ minWidth: 120 }}>
                  <ProgressBar
                    progress={i.rows ? Math.round((100 * (i.rowsDone + i.rejected)) / i.rows) : 0}
                    size="small"
                  />
                </div>
              ) : (
                <Badge key={i.id} tone={STATUS_TONE[i.status]}>
                  {i.status === "failed" ? `failed${i.error ? `: ${i.error}` : ""}` : i.status}
                </Badge>
              ),
              n(i.rows),
              n(i.created),
              n(i.duplicates),
              n(i.rejected),
              page.kind === "reviews"
                ? `${n(i.unmatchedCustomers)} / ${n(i.unmatchedProducts)}`
                : n(i.unmatchedCustomers),
              i.issueCount ? (
                <Link key={i.id} to={`?kind=${page.kind}&import=${i.id}`}>
                  {`${i.issueCount} listed`}
                </Link>
              ) : (
                "—"
              ),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

const KIND_LABEL = {
  error: "Error (skipped)",
  unmatchedCustomer: "No such customer",
  unmatchedProduct: "No such product",
};

export function IssuesCard({ selected }: { selected: NonNullable<ImportsPageData["selected"]> }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {`Issues in ${selected.fileName ?? "the API import"}`}
        </Text>
        <DataTable
          columnContentTypes={["numeric", "text", "text", "text"]}
          headings={["Row", "Kind", "Field", "Problem"]}
          rows={selected.issues.map((i) => [i.row, KIND_LABEL[i.kind], fieldLabel(i.field), i.message])}
        />
      </BlockStack>
    </Card>
  );
}
