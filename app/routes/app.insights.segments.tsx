import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, List, Page, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { AudienceBuilder, type EditedSegment } from "~/admin/segments/AudienceBuilder";
import { ClustersCard } from "~/admin/segments/ClustersCard";
import { RecomputeCard } from "~/admin/segments/RecomputeCard";
import { RfmGrid } from "~/admin/segments/RfmGrid";
import { SavedSegmentsCard } from "~/admin/segments/SavedSegmentsCard";
import { SegmentTable } from "~/admin/segments/SegmentTable";
import { loadSegmentsPage, segmentsPageAction } from "~/admin/segments/segments-page.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

const SegmentChart = lazy(() => import("~/admin/segments/SegmentChart.client"));

export const meta: MetaFunction = () => [{ title: "Segments · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadSegmentsPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await segmentsPageAction(
    prisma(),
    session.shop,
    await readForm(request),
    sessionToken?.sub ?? null,
  );
  return data(answer, { status: !answer.ok ? answer.status : answer.runId ? 202 : 200 });
};

function ClientOnly({ children }: { children: React.ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = <SkeletonBodyText lines={8} />;
  return mounted ? <Suspense fallback={placeholder}>{children}</Suspense> : placeholder;
}

export default function SegmentsPage() {
  const page = useLoaderData<typeof loader>();
  const summary = page.summary;
  const [editing, setEditing] = useState<EditedSegment | null>(null);
  const doneEditing = useCallback(() => setEditing(null), []);
  return (
    <Page title="Segments" subtitle="Who your members are, from what they buy">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <RecomputeCard computedAt={page.computedAt} pending={page.pending} />
            {summary?.notEnoughData ? (
              <Card>
                <BlockStack gap="200">
                  <Text variant="headingMd" as="h2">
                    Not enough data yet
                  </Text>
                  <List>
                    <List.Item>{summary.notEnoughData.reason}</List.Item>
                    <List.Item>{summary.notEnoughData.needed}</List.Item>
                  </List>
                </BlockStack>
              </Card>
            ) : null}
            {summary && !summary.notEnoughData ? (
              <>
                <Card padding="0">
                  <SegmentTable rows={page.rows} />
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text variant="headingMd" as="h2">
                      Members by segment
                    </Text>
                    <ClientOnly>
                      <SegmentChart
                        rows={page.rows}
                        previous={summary.segments.map((s) => s.previousCount)}
                      />
                    </ClientOnly>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text variant="headingMd" as="h2">
                      RFM grid
                    </Text>
                    <RfmGrid grid={summary.grid} />
                    {summary.notes.map((note) => (
                      <Text as="p" tone="subdued" key={note}>
                        {`${note[0]!.toUpperCase()}${note.slice(1)}.`}
                      </Text>
                    ))}
                  </BlockStack>
                </Card>
                <ClustersCard summary={summary} />
              </>
            ) : null}
            <SavedSegmentsCard
              segments={page.saved}
              onEdit={(s) =>
                s.fields &&
                setEditing({ id: s.id, name: s.name, description: s.description, fields: s.fields })
              }
            />
            <AudienceBuilder
              key={editing?.id ?? "new"}
              editing={editing}
              onDone={doneEditing}
              tiers={page.tiers}
              personas={page.personas}
              currency={page.currency}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
