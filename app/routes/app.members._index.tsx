import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useLocation, useNavigate, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Card, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { BulkAdjustmentsCard } from "~/admin/members/BulkAdjustmentsCard";
import { BulkAdjustModal } from "~/admin/members/BulkAdjustModal";
import { downloadMembersCsv } from "~/admin/members/download";
import { bulkAdjustAction, loadMembersPage, type BulkAnswer } from "~/admin/members/list-page.server";
import { MembersTable, type BulkSelection } from "~/admin/members/MembersTable";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Members · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadMembersPage(prisma(), session.shop, new URL(request.url).searchParams);
};

// Bulk points adjustment on the selected members, or on every member the filter matches.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await bulkAdjustAction(
    prisma(),
    session.shop,
    sessionToken?.sub ?? "staff",
    await readForm(request),
  );
  return data<BulkAnswer>(answer, { status: answer.ok ? 200 : answer.status });
};

export default function MembersPage() {
  const loaded = useLoaderData<typeof loader>();
  const { page, params, hasMembers, timeZone } = loaded;
  const navigate = useNavigate();
  const location = useLocation();
  const revalidator = useRevalidator();
  // The modal keeps the bulk id it opened with (the loader hands out a fresh one after each
  // submit), and its own fetcher, so reopening it starts clean.
  const [adjusting, setAdjusting] = useState<{ selection: BulkSelection; bulkId: string } | null>(null);
  const fetcher = useFetcher<typeof action>({ key: `bulk-${adjusting?.bulkId ?? "none"}` });
  const [exporting, setExporting] = useState(false);
  // While a bulk adjustment runs in the worker, its progress refreshes every few seconds.
  const running = loaded.bulks.some((b) => b.status === "queued" || b.status === "running");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.revalidate(), 2_000);
    return () => clearInterval(timer);
  }, [running]);
  return (
    <Page
      title="Members"
      fullWidth
      secondaryActions={[
        {
          content: "Export CSV",
          loading: exporting,
          disabled: !hasMembers,
          onAction: () => {
            setExporting(true);
            void downloadMembersCsv(location.search).finally(() => setExporting(false));
          },
        },
      ]}
    >
      <Layout>
        <Layout.Section>
          {hasMembers ? (
            <BlockStack gap="400">
              {page.cursorRejected && (
                <Banner tone="warning" title="That page of the list could not be opened">
                  <Text as="p">
                    The link's place in the list could not be read (it may have been cut or edited), so the
                    list starts from its first page.
                  </Text>
                </Banner>
              )}
              <Card padding="0">
                <MembersTable
                  page={page}
                  params={params}
                  tiers={loaded.tiers}
                  tierBasis={loaded.tierBasis}
                  currency={loaded.currency}
                  timeZone={timeZone}
                  navigate={(search) => navigate(`/app/members${search}`)}
                  onAdjust={(selection) => setAdjusting({ selection, bulkId: loaded.bulkId })}
                />
              </Card>
              <BulkAdjustmentsCard bulks={loaded.bulks} timeZone={timeZone} />
            </BlockStack>
          ) : (
            <Card>
              <EmptyState heading="No members yet" image="">
                <Text as="p">
                  Customers become members when they place an order or sign up, or when the store's history is
                  imported after install. They will be listed here with their spend, orders, points and tier.
                </Text>
              </EmptyState>
            </Card>
          )}
        </Layout.Section>
      </Layout>
      {adjusting && (
        <BulkAdjustModal
          key={adjusting.bulkId}
          selection={adjusting.selection}
          bulkId={adjusting.bulkId}
          filterSearch={location.search}
          answer={fetcher.data}
          submitting={fetcher.state !== "idle"}
          submit={(form) => fetcher.submit(form, { method: "post" })}
          onClose={() => setAdjusting(null)}
        />
      )}
    </Page>
  );
}
