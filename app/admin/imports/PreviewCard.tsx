import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import type { CsvPreview } from "~/ingest/imports/imports.server";

// What the file holds as the import reads it, before anything is written.

const COLUMNS = {
  reviews: [
    ["line", "Row"],
    ["productId", "Product id"],
    ["productHandle", "Handle"],
    ["sku", "SKU"],
    ["customerId", "Customer id"],
    ["email", "Email"],
    ["rating", "Rating"],
    ["title", "Title"],
    ["reviewedAt", "Date"],
  ],
  engagement: [
    ["line", "Row"],
    ["channel", "Channel"],
    ["type", "Type"],
    ["recipient", "Recipient"],
    ["customerId", "Customer id"],
    ["campaign", "Campaign"],
    ["occurredAt", "When (UTC)"],
  ],
} as const;

const cell = (value: unknown) => {
  if (value === null || value === undefined) return "—";
  const text = String(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(text)
    ? text.slice(0, 16).replace("T", " ")
    : text.length > 40
      ? `${text.slice(0, 40)}…`
      : text;
};

const FIELD_LABELS: Record<string, string> = {
  externalId: "Id",
  productId: "Product",
  productHandle: "Product handle",
  productTitle: "Product title",
  sku: "SKU",
  customerId: "Customer id",
  email: "Email",
  phone: "Phone",
  name: "Name",
  rating: "Rating",
  title: "Title",
  body: "Body",
  date: "Date",
  timestamp: "Timestamp",
  channel: "Channel",
  type: "Type",
  metric: "Metric",
  campaign: "Campaign",
};

/** A row issue's field as the merchant reads it. */
export const fieldLabel = (field: string | null) => (field ? (FIELD_LABELS[field] ?? field) : "—");

export function PreviewCard({ preview, children }: { preview: CsvPreview; children: ReactNode }) {
  const columns = COLUMNS[preview.kind];
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {`Preview of ${preview.fileName}`}
          </Text>
          <Badge tone="info">{preview.formatName}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {`${preview.total.toLocaleString("en-US")} rows: ${preview.valid.toLocaleString("en-US")} ready to import, ${preview.invalid.toLocaleString("en-US")} with errors.`}
          {preview.evidence.length ? ` Recognised by the columns ${preview.evidence.join(", ")}.` : ""}
        </Text>
        {preview.rows.length ? (
          <DataTable
            columnContentTypes={columns.map(() => "text" as const)}
            headings={columns.map(([, label]) => label)}
            rows={preview.rows.map((row) => columns.map(([key]) => cell(row[key])))}
          />
        ) : null}
        {preview.issues.length ? (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm" tone="critical">
              {`Rows with errors (${preview.invalid.toLocaleString("en-US")})`}
            </Text>
            <DataTable
              columnContentTypes={["numeric", "text", "text"]}
              headings={["Row", "Field", "Problem"]}
              rows={preview.issues.map((i) => [i.row, fieldLabel(i.field), i.message])}
            />
          </BlockStack>
        ) : null}
        {children}
      </BlockStack>
    </Card>
  );
}
