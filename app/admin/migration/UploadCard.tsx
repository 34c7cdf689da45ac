import { BlockStack, Card, DropZone, Text } from "@shopify/polaris";

export function UploadCard({ uploading, onUpload }: { uploading: boolean; onUpload: (file: File) => void }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          1. Upload your customer export
        </Text>
        <Text as="p" tone="subdued">
          Export your customers as CSV from Smile (Customers › Export), LoyaltyLion (Analytics › Exports ›
          Customers) or Yotpo (Customers › Export). The app recognises the file by its columns; any other CSV
          with an email column can be mapped by hand. Up to 9 MB (about 200,000 customers).
        </Text>
        <DropZone
          accept=".csv,text/csv"
          type="file"
          allowMultiple={false}
          disabled={uploading}
          onDrop={(files: File[]) => {
            const file = files[0];
            if (file) onUpload(file);
          }}
        >
          <DropZone.FileUpload
            actionTitle={uploading ? "Uploading…" : "Add file"}
            actionHint="Accepts .csv"
          />
        </DropZone>
      </BlockStack>
    </Card>
  );
}
