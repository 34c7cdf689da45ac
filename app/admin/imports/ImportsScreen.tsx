import { useFetcher, useNavigate } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DropZone,
  InlineStack,
  Layout,
  Page,
  Tabs,
  Text,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { EndpointCard } from "./EndpointCard";
import { HistoryCard, IssuesCard } from "./HistoryCard";
import type { ImportsActionResult, loadImportsPage } from "./imports-page.server";
import { PreviewCard } from "./PreviewCard";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

// Reviews from the merchant's review app and email/SMS engagement from their email tool:
// a CSV upload previewed before it is written, the imports so far with what they could
// not match, and the signed endpoint those tools (or a script) can post to.

export type ImportsPageData = Awaited<ReturnType<typeof loadImportsPage>>;
const POLL_MS = 2000;
const TABS = [
  { id: "reviews", content: "Product reviews" },
  { id: "engagement", content: "Email & SMS engagement" },
] as const;

const HELP = {
  reviews:
    "Export your reviews as CSV from Judge.me, Yotpo, Okendo or Stamped.io; the app recognises each by its columns. Any other CSV works with columns for the product (id, handle, SKU or title), the customer (id or email), rating (1–5), title, body and date.",
  engagement:
    "Export email and SMS events (sends, opens, clicks, unsubscribes) from Klaviyo, or any CSV with email or phone, channel (email or sms), type, campaign and timestamp.",
};

export function ImportsScreen({ page }: { page: ImportsPageData }) {
  const fetcher = useFetcher<ImportsActionResult>();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const result = fetcher.data;
  const running = page.imports.some((i) => i.status === "running");
  const busy = fetcher.state !== "idle";

  useRevalidateWhile(running, POLL_MS);
  useEffect(() => setFile(null), [page.kind]);

  const send = (intent: "preview" | "import", chosen: File) => {
    const form = new FormData();
    form.set("intent", intent);
    form.set("kind", page.kind);
    form.set("file", chosen);
    fetcher.submit(form, { method: "post", encType: "multipart/form-data" });
  };
  const preview =
    result?.ok && result.intent === "preview" && result.preview.kind === page.kind ? result.preview : null;
  const imported = result?.ok && result.intent === "import" ? result : null;

  return (
    <Page
      title="Reviews & engagement"
      subtitle="Product reviews and email/SMS engagement from the apps you use, for segments, churn risk and sentiment."
    >
      <Layout>
        <Layout.Section>
          <Tabs
            tabs={TABS.map((t) => ({ ...t }))}
            selected={TABS.findIndex((t) => t.id === page.kind)}
            onSelect={(i) => navigate(`?kind=${TABS[i]!.id}`)}
          />
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="400">
            {result && !result.ok ? (
              <Banner tone="critical" title="That did not work">
                <p>{result.error}</p>
              </Banner>
            ) : null}
            {imported ? (
              <Banner tone="success" title={imported.queued ? "Import started" : "Import finished"}>
                <p>
                  {imported.queued
                    ? "The file is large: it is imported in the background. Its progress is below."
                    : "The counts and any rows that could not be matched are below."}
                </p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Upload a CSV
                </Text>
                <Text as="p" tone="subdued">
                  {HELP[page.kind]} Up to 9 MB. Nothing is written until you import.
                </Text>
                <DropZone
                  accept=".csv,text/csv"
                  type="file"
                  allowMultiple={false}
                  disabled={busy}
                  onDrop={(files: File[]) => {
                    const chosen = files[0];
                    if (!chosen) return;
                    setFile(chosen);
                    send("preview", chosen);
                  }}
                >
                  <DropZone.FileUpload
                    actionTitle={file ? file.name : "Add file"}
                    actionHint="Accepts .csv"
                  />
                </DropZone>
              </BlockStack>
            </Card>
            {preview ? (
              <PreviewCard preview={preview}>
                <InlineStack gap="200">
                  <Button
                    variant="primary"
                    disabled={!file || preview.valid === 0}
                    loading={busy && fetcher.formData?.get("intent") === "import"}
                    onClick={() => file && send("import", file)}
                  >
                    {`Import ${preview.valid.toLocaleString("en-US")} rows`}
                  </Button>
                  {preview.invalid ? (
                    <Text as="span" tone="subdued">
                      {preview.invalid === 1
                        ? "1 row with errors is skipped."
                        : `${preview.invalid.toLocaleString("en-US")} rows with errors are skipped.`}
                    </Text>
                  ) : null}
                </InlineStack>
              </PreviewCard>
            ) : null}
            <HistoryCard page={page} />
            {page.selected && page.selected.issues.length ? <IssuesCard selected={page.selected} /> : null}
            <EndpointCard endpoint={page.endpoint} kind={page.kind} timeZone={page.timeZone} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
