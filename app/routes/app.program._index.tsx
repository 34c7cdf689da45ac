import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { CostCard } from "~/admin/program/CostCard";
import { HistoryCard } from "~/admin/program/HistoryCard";
import { loadProgramPage } from "~/admin/program/program-page.server";
import { PROGRAM_SECTIONS, SECTION_KEYS } from "~/admin/program/sections";
import { sectionSummary } from "~/admin/program/summary";
import { prisma } from "~/db.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Program · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadProgramPage(prisma(), session.shop);
};

/** The program at a glance: each section with what it says now and a link to edit it, its cost, and the versions. */
export default function ProgramOverview() {
  const page = useLoaderData<typeof loader>();
  return (
    <Page title="Program" subtitle={`Version ${page.version}`}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {SECTION_KEYS.map((key) => {
              const section = PROGRAM_SECTIONS[key];
              return (
                <Card key={key}>
                  <InlineStack align="space-between" blockAlign="center" wrap={false} gap="400">
                    <BlockStack gap="100">
                      <Text as="h2" variant="headingMd">
                        {section.title}
                      </Text>
                      <Text as="p">{sectionSummary(key, page.draft)}</Text>
                      <Text as="p" tone="subdued">
                        {section.description}
                      </Text>
                    </BlockStack>
                    <Button url={section.url} accessibilityLabel={`Edit ${section.title.toLowerCase()}`}>
                      Edit
                    </Button>
                  </InlineStack>
                </Card>
              );
            })}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <CostCard draft={page.draft} live={page.draft} economics={page.economics} />
            <HistoryCard history={page.history} current={page.version} timeZone={page.timeZone} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
