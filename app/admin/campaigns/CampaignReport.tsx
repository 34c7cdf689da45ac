import { Badge, Banner, BlockStack, Card, DataTable, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import { ReportSection } from "~/admin/experiments/ReportSection";
import type { CampaignReportPage } from "./report.server";
import type { DailyEngagement } from "./EngagementChart.client";
import { FiguresFreshness } from "~/admin/experiments/FiguresFreshness";

const EngagementChart = lazy(() => import("./EngagementChart.client"));

function ClientEngagementChart({ daily }: { daily: DailyEngagement[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height: 280 }}>
      <SkeletonBodyText lines={7} />
    </div>
  );
  if (!mounted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <EngagementChart daily={daily} />
    </Suspense>
  );
}

const armName = (a: CampaignReportPage["arms"][number]) =>
  a.control && !a.holdout ? `${a.name} (control)` : a.name;

/** The campaign's report: messages and outcomes per arm, engagement over time, the experiments' analysis. */
export function CampaignReport({ page }: { page: CampaignReportPage }) {
  const against = page.hasHoldout ? "the holdout" : page.controlName;
  return (
    <BlockStack gap="400">
      <FiguresFreshness figures={page.figures} />
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Messages
          </Text>
          <DataTable
            columnContentTypes={[
              "text",
              "text",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
            ]}
            headings={[
              "Arm",
              "Channel",
              "Sent",
              "Not reachable",
              "Delivered",
              "Opened",
              "Bot opens",
              "Clicked",
              "Bot clicks",
            ]}
            rows={page.arms.map((a) => [
              armName(a),
              a.channel,
              a.funnel.sent,
              a.funnel.unreachable,
              a.funnel.delivered,
              a.funnel.opens,
              a.funnel.botOpens,
              a.funnel.clicks,
              a.funnel.botClicks,
            ])}
          />
          <Text as="p" variant="bodySm" tone="subdued">
            Held-out members are sent nothing; their row counts the messages they would have received.
            &quot;Not reachable&quot;: members assigned to an arm whose channel could not carry its message
            (no consent or address there); they stay in the arm&apos;s outcomes, so each arm is compared as
            assigned. Opens and clicks are counted once per message, by people: Apple Mail Privacy
            Protection&apos;s prefetch and link scanners are flagged and counted apart.
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Outcomes since the message
          </Text>
          <DataTable
            columnContentTypes={[
              "text",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "numeric",
              "text",
            ]}
            headings={[
              "Arm",
              "Members",
              "Orders",
              "Revenue",
              "Reward cost",
              "Net margin",
              `Incremental vs ${against}`,
              "95% interval",
            ]}
            rows={page.arms.map((a) => [
              armName(a),
              a.outcomes.exposed,
              `${a.outcomes.orders} (${a.outcomes.ordersPerMember}/member)`,
              a.outcomes.revenue,
              a.outcomes.rewardCost,
              a.outcomes.netMargin,
              a.outcomes.incremental ? (
                <Badge key="i" tone={a.outcomes.incremental.tone ?? undefined}>
                  {a.outcomes.incremental.estimate}
                </Badge>
              ) : (
                "—"
              ),
              a.outcomes.incremental?.interval ?? "—",
            ])}
          />
          <Text as="p" variant="bodySm" tone="subdued">
            Every order of a member counts from their (would-be) message on, clicked or not: the lift is
            measured against {against}, not by last click. Net margin is revenue × {page.grossMarginPercent}%
            gross margin minus the rewards redeemed (offers included). Incremental: the difference in net
            margin per member times the arm&apos;s members, with an always-valid 95% interval ({page.currency}
            ).
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Engagement by day
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Messages sent and first opened or clicked by a person each day ({page.timeZone}).
          </Text>
          {page.daily.length ? (
            <ClientEngagementChart daily={page.daily} />
          ) : (
            <Text as="p" tone="subdued">
              Nothing sent yet.
            </Text>
          )}
        </BlockStack>
      </Card>
      {page.analysis.available ? (
        <ReportSection view={page.analysis.view} series={page.analysis.series} />
      ) : (
        <Banner tone="info">{page.analysis.reason}</Banner>
      )}
    </BlockStack>
  );
}
