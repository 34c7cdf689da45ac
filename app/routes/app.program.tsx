import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { CampaignsCard } from "~/admin/program/CampaignsCard";
import { EarningCard } from "~/admin/program/EarningCard";
import type { Edit } from "~/admin/program/fields";
import { HistoryCard } from "~/admin/program/HistoryCard";
import { MultipliersCard } from "~/admin/program/MultipliersCard";
import { PoliciesCard } from "~/admin/program/PoliciesCard";
import { PreviewCard, type PreviewSource } from "~/admin/program/PreviewCard";
import { RewardsCard } from "~/admin/program/RewardsCard";
import { TiersCard } from "~/admin/program/TiersCard";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { programSchema } from "~/loyalty/program";
import { fromDraft, type ProgramDraft } from "~/admin/program/form";
import { loadProgramPage, saveProgramDraft } from "~/admin/program/program-page.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Program · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadProgramPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const form = Object.fromEntries(await readForm(request));
  const outcome = await saveProgramDraft(prisma(), session.shop, form, sessionToken?.sub ?? null);
  return data(outcome, { status: outcome.ok ? 200 : outcome.status });
};

export default function ProgramPage() {
  const page = useLoaderData<typeof loader>();
  // The save outlives the editor: a save reloads the page with the new version, and
  // remounting the editor on it starts a clean draft.
  const fetcher = useFetcher<typeof action>();
  const shopify = useAppBridge();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok)
      shopify.toast.show(`Program saved as version ${fetcher.data.version}`);
  }, [fetcher.state, fetcher.data, shopify]);
  return <ProgramEditor key={page.version} {...page} fetcher={fetcher} />;
}

type EditorProps = ReturnType<typeof useLoaderData<typeof loader>> & {
  fetcher: ReturnType<typeof useFetcher<typeof action>>;
};

function ProgramEditor({ version, draft: saved, history, fetcher }: EditorProps) {
  const [draft, setDraft] = useState<ProgramDraft>(saved);
  const [note, setNote] = useState("");
  const edit: Edit = (change) =>
    setDraft((current) => {
      const next = structuredClone(current);
      change(next);
      return next;
    });
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  const preview = useMemo((): PreviewSource => {
    const parsed = programSchema.safeParse(fromDraft(draft));
    if (parsed.success) return { ok: true, program: parsed.data };
    return { ok: false, problem: `Fix the settings to see the preview: ${parsed.error.issues[0]?.message}` };
  }, [draft]);
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const errors = failure?.fieldErrors ?? {};
  const saving = fetcher.state !== "idle";

  const save = () =>
    fetcher.submit({ basedOn: String(version), note, program: JSON.stringify(draft) }, { method: "post" });
  const discard = () => {
    setDraft(saved);
    setNote("");
  };

  return (
    <Page
      title="Program"
      subtitle={`Version ${version}. Saving creates a new version; points already credited keep the version that credited them.`}
      primaryAction={{ content: "Save", onAction: save, disabled: !dirty || saving, loading: saving }}
      secondaryActions={[{ content: "Discard changes", onAction: discard, disabled: !dirty || saving }]}
    >
      {/* data-save-bar: in Shopify admin, App Bridge shows its contextual save bar while the form has changes. */}
      <form
        data-save-bar
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
        onReset={discard}
      >
        <Layout>
          {failure && (
            <Layout.Section>
              <Banner tone="critical" title={failure.message}>
                {Object.keys(errors).length > 0 && (
                  <p>
                    {Object.keys(errors).length === 1
                      ? "1 field needs"
                      : `${Object.keys(errors).length} fields need`}{" "}
                    attention; each is marked below.
                  </p>
                )}
              </Banner>
            </Layout.Section>
          )}
          <Layout.Section>
            <BlockStack gap="400">
              <EarningCard draft={draft} edit={edit} errors={errors} />
              <MultipliersCard draft={draft} edit={edit} errors={errors} />
              <CampaignsCard draft={draft} edit={edit} errors={errors} />
              <TiersCard draft={draft} edit={edit} errors={errors} />
              <RewardsCard draft={draft} edit={edit} errors={errors} />
              <PoliciesCard draft={draft} edit={edit} errors={errors} />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <PreviewCard source={preview} currency={draft.currency} />
              <Card>
                <BlockStack gap="200">
                  <TextField
                    label="What changed (optional)"
                    autoComplete="off"
                    value={note}
                    onChange={setNote}
                    maxLength={200}
                    helpText="Shown in the version history."
                  />
                  {dirty ? (
                    <Text as="p" tone="caution">
                      Unsaved changes
                    </Text>
                  ) : (
                    <Text as="p" tone="subdued">
                      No unsaved changes
                    </Text>
                  )}
                </BlockStack>
              </Card>
              <HistoryCard history={history} current={version} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </form>
    </Page>
  );
}
