import { useFetcher, useNavigate, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { useEffect } from "react";
import type { loadMigrationPage, MigrationActionResult } from "./migration-page.server";
import { ImportCard } from "./ImportCard";
import { MappingCard } from "./MappingCard";
import { PreviewCard } from "./PreviewCard";
import { UploadCard } from "./UploadCard";

// Migration from another loyalty app, in the order a merchant goes: upload the export,
// check the detected app and its columns, look at the rows and their errors, run a dry
// run, import. While an import runs the page follows its progress.

export type MigrationPageData = Awaited<ReturnType<typeof loadMigrationPage>>;
const POLL_MS = 2000;

export function MigrationScreen({ page }: { page: MigrationPageData }) {
  const fetcher = useFetcher<MigrationActionResult>();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const preview = page.preview;
  const result = fetcher.data;
  const active = preview?.status === "queued" || preview?.status === "running";

  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok && result.intent === "upload")
      navigate(`?import=${result.id}`, { replace: true });
  }, [fetcher.state, result, navigate]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const submit = (fields: Record<string, string>) =>
    fetcher.submit({ ...fields, ...(preview ? { id: preview.id } : {}) }, { method: "post" });
  const busy = fetcher.state !== "idle";
  const error = result && !result.ok ? result.error : null;

  return (
    <Page
      title="Migrate from another loyalty app"
      subtitle="Bring your members' points, tiers, lifetime points and referral codes from Smile, LoyaltyLion or Yotpo."
      backAction={{ content: "Program", url: "/app/program" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {error ? (
              <Banner tone="critical" title="That did not work">
                <p>{error}</p>
              </Banner>
            ) : null}
            <UploadCard
              uploading={busy && fetcher.formData?.get("intent") === "upload"}
              onUpload={(file) => {
                const form = new FormData();
                form.set("intent", "upload");
                form.set("file", file);
                fetcher.submit(form, { method: "post", encType: "multipart/form-data" });
              }}
            />
            {preview && preview.columns.length ? (
              <>
                <MappingCard
                  // A saved mapping or another file starts the form from what the server says.
                  key={`${preview.id}:${preview.source}:${JSON.stringify(preview.mapping)}`}
                  preview={preview}
                  sources={page.sources}
                  fields={page.fields}
                  busy={busy}
                  onSave={(fields) => submit({ intent: "mapping", ...fields })}
                />
                <PreviewCard preview={preview} />
              </>
            ) : null}
            {preview ? (
              <>
                <ImportCard
                  preview={preview}
                  dryRun={result?.ok && result.intent === "dryRun" ? result.totals : null}
                  busy={busy}
                  onDryRun={() => submit({ intent: "dryRun" })}
                  onImport={() => submit({ intent: "start" })}
                />
              </>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
