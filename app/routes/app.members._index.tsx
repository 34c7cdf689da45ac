import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { BlockStack, Card, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { MembersTable } from "~/admin/members/MembersTable";
import { prisma } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { parseListParams } from "~/admin/members/list-params";
import { listMembers } from "~/admin/members/members.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Members · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const db = prisma();
  const params = parseListParams(new URL(request.url).searchParams);
  // The tier filter lists the live program's tiers: the list is about the shop, not one member.
  const [page, { program }, shop, anyMember] = await Promise.all([
    listMembers(db, session.shop, params),
    currentProgramVersion(db, session.shop),
    db.shop.findUnique({ where: { domain: session.shop }, select: { ianaTimezone: true } }),
    db.member.findFirst({ where: { shop: session.shop }, select: { customerId: true } }),
  ]);
  return {
    page,
    params,
    hasMembers: anyMember !== null,
    tiers: program.tiers.levels.map((l) => ({ id: l.id, name: l.name })),
    timeZone: shop?.ianaTimezone ?? null,
  };
};

export default function MembersPage() {
  const { page, params, hasMembers, tiers, timeZone } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  return (
    <Page title="Members">
      <Layout>
        <Layout.Section>
          {hasMembers ? (
            <Card padding="0">
              <MembersTable
                page={page}
                params={params}
                tiers={tiers}
                timeZone={timeZone}
                navigate={(search) => navigate(`/app/members${search}`)}
              />
            </Card>
          ) : (
            <Card>
              <EmptyState heading="No members yet" image="">
                <BlockStack gap="200">
                  <Text as="p">
                    Customers become members when they place an order or sign up, or when the store's history
                    is imported after install. They will be listed here with their points and tier.
                  </Text>
                </BlockStack>
              </EmptyState>
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}
