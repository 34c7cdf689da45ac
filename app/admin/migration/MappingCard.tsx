import { Badge, BlockStack, Button, Card, FormLayout, InlineStack, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import type { MigrationPreview } from "~/migration/import.server";

type Option = { value: string; label: string };

/** The app the file came from (detected, or chosen) and the column of each field. */
export function MappingCard({
  preview,
  sources,
  fields,
  busy,
  onSave,
}: {
  preview: MigrationPreview;
  sources: Option[];
  fields: { field: string; label: string }[];
  busy: boolean;
  onSave: (fields: Record<string, string>) => void;
}) {
  const editable = preview.status === "uploaded";
  const initial = () => ({
    source: preview.source,
    ...Object.fromEntries(
      fields.map(({ field }) => [
        field,
        String(preview.mapping[field as keyof typeof preview.mapping] ?? ""),
      ]),
    ),
  });
  const [draft, setDraft] = useState<Record<string, string>>(initial);
  const columnOptions: Option[] = [
    { value: "", label: "Not in the file" },
    ...preview.columns.map((c) => ({
      value: String(c.index),
      label: c.sample ? `${c.header} (e.g. ${c.sample.slice(0, 24)})` : c.header,
    })),
  ];
  const sourceChanged = draft.source !== preview.source;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            2. Format and columns
          </Text>
          <Badge tone={preview.source === "custom" ? "attention" : "success"}>
            {preview.source === "custom"
              ? "Not recognised: map the columns"
              : `Detected: ${preview.sourceName}`}
          </Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {preview.fileName}
          {preview.evidence.length
            ? ` · recognised by ${preview.evidence.map((e) => `"${e}"`).join(", ")}`
            : ""}
        </Text>
        <FormLayout>
          <Select
            label="Exported from"
            options={sources}
            value={draft.source ?? preview.source}
            onChange={(source) => setDraft((d) => ({ ...d, source }))}
            disabled={!editable}
            helpText={sourceChanged ? "Saving applies that app's column names to the file." : undefined}
          />
          <FormLayout.Group condensed>
            {fields.map(({ field, label }) => (
              <Select
                key={field}
                label={label}
                options={columnOptions}
                value={draft[field] ?? ""}
                onChange={(value) => setDraft((d) => ({ ...d, [field]: value }))}
                disabled={!editable || sourceChanged}
              />
            ))}
          </FormLayout.Group>
        </FormLayout>
        {editable ? (
          <InlineStack>
            <Button
              onClick={() =>
                onSave({
                  source: draft.source ?? preview.source,
                  ...Object.fromEntries(fields.map(({ field }) => [`column.${field}`, draft[field] ?? ""])),
                })
              }
              loading={busy}
            >
              Save mapping
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
