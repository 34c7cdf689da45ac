import { randomUUID } from "node:crypto";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { AdjustmentCard, type AdjustmentAnswer } from "~/admin/members/AdjustmentCard";
import { BalanceCard, CustomerCard, TierCard } from "~/admin/members/BalanceCard";
import { ExperimentsCard } from "~/admin/members/ExperimentsCard";
import { loadMemberExperiments } from "~/admin/members/experiments.server";
import { HeldOrdersCard } from "~/admin/members/HeldOrdersCard";
import { LedgerCard } from "~/admin/members/LedgerCard";
import { RedemptionsCard } from "~/admin/members/RedemptionsCard";
import { RecommendedProductsCard } from "~/admin/recommendations/RecommendedProductsCard";
import { productRecommendationsFor } from "~/intelligence/recommendations/member.server";
import { RewardCard } from "~/admin/members/RewardCard";
import { SendTimeCard } from "~/admin/members/SendTimeCard";
import { memberSendTimeView } from "~/campaigns/send-time/refresh.server";
import { ValueCard } from "~/admin/members/ValueCard";
import { loadMemberValue } from "~/admin/members/value.server";
import { prisma } from "~/db.server";
import { rewardRecommendationsFor } from "~/intelligence/rewards/read.server";
import { readForm } from "~/request-body.server";
import { AdjustmentRefused, adjustPoints } from "~/loyalty/services/adjustments.server";
import { parseShopifyId } from "~/ingest/payload-common";
import { parseAdjustmentForm } from "~/admin/members/adjustment-form";
import { parseLedgerPage } from "~/admin/members/list-params";
import { loadMemberDetail } from "~/admin/members/member.server";
import { formatDay, MEMBER_STATUS_LABELS } from "~/admin/members/present";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Member · Loyalty Optimizer" }];

function customerIdFrom(param: string | undefined): bigint {
  const id = parseShopifyId(param ?? "");
  if (id === null) throw new Response("Member not found", { status: 404 });
  return id;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const customerId = customerIdFrom(params.customerId);
  const ledgerPage = parseLedgerPage(new URL(request.url).searchParams);
  const db = prisma();
  const now = new Date();
  const [detail, shop] = await Promise.all([
    loadMemberDetail(db, session.shop, customerId, { ledgerPage, now }),
    db.shop.findUnique({ where: { domain: session.shop }, select: { ianaTimezone: true } }),
  ]);
  if (!detail) throw new Response("Member not found", { status: 404 });
  const [experiments, value, recommendations, reward, sendTime] = await Promise.all([
    loadMemberExperiments(db, session.shop, customerId, now),
    loadMemberValue(db, session.shop, customerId),
    productRecommendationsFor(db, session.shop, customerId, { limit: 5 }),
    rewardRecommendationsFor(session.shop, customerId, db),
    memberSendTimeView(db, session.shop, customerId),
  ]);
  // A fresh id per rendered form: the adjustment's idempotency key.
  return {
    ...detail,
    experiments,
    value,
    recommendations,
    reward,
    sendTime,
    timeZone: shop?.ianaTimezone ?? null,
    adjustmentId: randomUUID(),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const customerId = customerIdFrom(params.customerId);
  const form = parseAdjustmentForm(await readForm(request));
  if (!form.ok) return data<AdjustmentAnswer>({ ok: false, fieldErrors: form.fieldErrors }, { status: 422 });
  try {
    const result = await adjustPoints(prisma(), {
      shop: session.shop,
      customerId,
      ...form.value,
      staffId: sessionToken?.sub ?? "staff",
      now: new Date(),
    });
    return data<AdjustmentAnswer>({
      ok: true,
      applied: result.applied,
      availablePoints: result.member.availablePoints,
    });
  } catch (error) {
    if (error instanceof AdjustmentRefused) {
      return data<AdjustmentAnswer>({ ok: false, fieldErrors: error.fieldErrors }, { status: error.status });
    }
    throw error;
  }
};

export default function MemberPage() {
  const detail = useLoaderData<typeof loader>();
  const { member, program, timeZone } = detail;
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const status = MEMBER_STATUS_LABELS[member.status];
  return (
    <Page
      title={member.name ?? member.email ?? `Customer ${member.customerId}`}
      titleMetadata={<Badge tone={status?.tone}>{status?.label ?? member.status}</Badge>}
      subtitle={[member.email, `Member since ${formatDay(member.joinedAt, timeZone)}`]
        .filter(Boolean)
        .join(" · ")}
      backAction={{ content: "Members", url: "/app/members" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <BalanceCard member={member} />
            <CustomerCard member={member} timeZone={timeZone} />
            <HeldOrdersCard customerId={member.customerId} timeZone={timeZone} />
            <RecommendedProductsCard recommendations={detail.recommendations} timeZone={timeZone} />
            <LedgerCard
              ledger={detail.ledger}
              timeZone={timeZone}
              onPage={(page) => navigate(`?ledgerPage=${page}`, { preventScrollReset: true })}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <TierCard member={member} program={program} timeZone={timeZone} />
            <ValueCard value={detail.value} timeZone={timeZone} />
            <RewardCard recommendation={detail.reward} timeZone={timeZone} />
            <ExperimentsCard experiments={detail.experiments} timeZone={timeZone} />
            <SendTimeCard sendTime={detail.sendTime} timeZone={timeZone} />
            <AdjustmentCard
              key={detail.adjustmentId}
              adjustmentId={detail.adjustmentId}
              availablePoints={member.availablePoints}
              answer={fetcher.data}
              submitting={fetcher.state !== "idle"}
              submit={(form) => fetcher.submit(form, { method: "post" })}
            />
            <RedemptionsCard redemptions={detail.redemptions} timeZone={timeZone} />
            {member.statusReason && (
              <Text as="p" tone="subdued">
                Status reason: {member.statusReason}
              </Text>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
