import type { PrismaClient } from "~/db.server";
import { experimentReport, type ExperimentReport, type Figures } from "~/experiments/report.server";
import { HOLDOUT_ARM } from "./variants";

// A measured campaign's report: per arm (the holdout and each variant) what was sent and
// done with it — the message funnel from CampaignSend and MessageEvent, the outcomes from
// the experiments' aggregation over exposed members — and the experiments' analysis, whose
// net-margin comparison against the holdout is the campaign's incremental margin
// (attribution by holdout: every order of an exposed member counts, clicked or not).
// One aggregation per report: the arms' outcomes are the totals of the rows the analysis
// reads (live, or the stored aggregate for the admin page, ADR 0052), and the funnel and
// the daily engagement are as of the same instant.

export type Interval = { estimate: number; lower: number; upper: number; significant: boolean };

export type ArmFigures = {
  key: string;
  name: string;
  holdout: boolean;
  control: boolean;
  /** The arm's channel (email, sms, inbox, best); null for the holdout, which sends nothing. */
  channel: string | null;
  /** Held-out sends (the holdout) or messages handed to the provider or written to the inbox (a variant). */
  sent: number;
  /**
   * Members assigned to the arm whose message could not go (in a test of the channel: no
   * consent or address on the arm's channel, no provider; or the arm's message would not
   * render). Exposed and counted in the arm's outcomes all the same (intention to treat).
   */
  unreachable: number;
  /** Accepted by the receiving server. */
  delivered: number;
  exposed: number;
  opens: { human: number; bot: number };
  clicks: { human: number; bot: number };
  /** Outcomes of exposed members since exposure (minor units): orders, net revenue, reward cost, net margin. */
  orders: number;
  revenue: number;
  rewardCost: number;
  netMargin: number;
  /**
   * Net margin against control (the holdout when there is one) summed over this arm's
   * members: the per-member difference (CUPED, always-valid 95%) × members. Null for control.
   */
  incremental: Interval | null;
};

export type DailyEngagement = {
  day: string;
  sent: number;
  humanOpens: number;
  humanClicks: number;
  botEvents: number;
};

export type CampaignReport = {
  campaign: { id: string; name: string };
  experimentId: string;
  asOf: Date;
  hasHoldout: boolean;
  grossMarginPercent: number;
  arms: ArmFigures[];
  daily: DailyEngagement[];
  report: ExperimentReport;
};

type FunnelRow = {
  arm: string;
  sent: number;
  delivered: number;
  unreachable: number;
  openHuman: number;
  openBot: number;
  clickHuman: number;
  clickBot: number;
};

/** Unique sends per arm: opens and clicks are counted once per message, bots apart. */
const FUNNEL_SQL = `
  SELECT s."variantKey" AS arm,
         count(*) FILTER (WHERE s."status" = 'heldOut' OR (s."status" IN ('sent', 'failed') AND s."attempts" > 0))::int AS sent,
         count(*) FILTER (WHERE s."status" = 'sent')::int AS delivered,
         count(*) FILTER (WHERE s."status" IN ('suppressed', 'failed') AND s."attempts" = 0)::int AS unreachable,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "MessageEvent" e WHERE e."sendId" = s."id" AND e."kind" = 'open' AND NOT e."bot"))::int AS "openHuman",
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "MessageEvent" e WHERE e."sendId" = s."id" AND e."kind" = 'open' AND e."bot"))::int AS "openBot",
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "MessageEvent" e WHERE e."sendId" = s."id" AND e."kind" = 'click' AND NOT e."bot"))::int AS "clickHuman",
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "MessageEvent" e WHERE e."sendId" = s."id" AND e."kind" = 'click' AND e."bot"))::int AS "clickBot"
  FROM "CampaignSend" s
  WHERE s."shop" = $1 AND s."campaignId" = $2::uuid AND s."variantKey" IS NOT NULL AND s."sentAt" < $3
  GROUP BY s."variantKey"`;

/** Per shop-local day: messages sent, sends first opened / clicked by a person that day, bot-flagged events. */
const DAILY_SQL = `
  WITH s AS (
    SELECT s."id", (s."sentAt" AT TIME ZONE 'UTC' AT TIME ZONE $4)::date AS day
    FROM "CampaignSend" s
    WHERE s."shop" = $1 AND s."campaignId" = $2::uuid AND s."status" = 'sent' AND s."sentAt" < $3
  ),
  first AS (
    SELECT e."sendId", e."kind", min(e."at") AS at
    FROM "MessageEvent" e WHERE e."shop" = $1 AND e."campaignId" = $2::uuid AND NOT e."bot" AND e."at" < $3
    GROUP BY e."sendId", e."kind"
  ),
  days AS (
    SELECT day, 1 AS sent, 0 AS opens, 0 AS clicks, 0 AS bots FROM s
    UNION ALL
    SELECT (at AT TIME ZONE 'UTC' AT TIME ZONE $4)::date, 0, (kind = 'open')::int, (kind = 'click')::int, 0 FROM first
    UNION ALL
    SELECT (e."at" AT TIME ZONE 'UTC' AT TIME ZONE $4)::date, 0, 0, 0, 1
    FROM "MessageEvent" e WHERE e."shop" = $1 AND e."campaignId" = $2::uuid AND e."bot" AND e."at" < $3
  )
  SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(sent)::int AS sent, sum(opens)::int AS "humanOpens",
         sum(clicks)::int AS "humanClicks", sum(bots)::int AS "botEvents"
  FROM days GROUP BY day ORDER BY day`;

/**
 * The campaign's report as of `asOf` (live figures), or as of the stored aggregate's refresh
 * (`figures: "stored"`, for the admin page); null when it is not the shop's or is not measured.
 */
export async function campaignReport(
  db: PrismaClient,
  shop: string,
  campaignId: string,
  options: { asOf?: Date; timeZone?: string; figures?: Figures } = {},
): Promise<CampaignReport | null> {
  if (!/^[0-9a-f-]{36}$/i.test(campaignId)) return null;
  const campaign = await db.campaign.findFirst({ where: { shop, id: campaignId } });
  if (!campaign?.experimentId) return null;
  const report = await experimentReport(db, shop, campaign.experimentId, {
    asOf: options.asOf ?? new Date(),
    figures: options.figures ?? "live",
  });
  if (!report) return null;
  const { asOf, totals: total } = report;
  const e = report.experiment;
  const [funnel, daily, stored] = await Promise.all([
    db.$queryRawUnsafe<FunnelRow[]>(FUNNEL_SQL, shop, campaign.id, asOf),
    db.$queryRawUnsafe<DailyEngagement[]>(DAILY_SQL, shop, campaign.id, asOf, options.timeZone ?? "UTC"),
    db.experimentVariant.findMany({
      where: { experimentId: e.id, experiment: { shop } },
      select: { key: true, override: true },
    }),
  ]);
  const channelOf = (key: string) => {
    const override = stored.find((v) => v.key === key)?.override as { channel?: unknown } | undefined;
    return typeof override?.channel === "string" ? override.channel : "email";
  };
  const margin = report.analysis.metrics.find((m) => m.key === "netMargin");
  const arms = report.variants.map((v, i): ArmFigures => {
    const sums = total[i] ?? {};
    const f = funnel.find((r) => r.arm === v.key);
    const comparison = margin?.variants.find((c) => c.variant === v.key)?.frequentist;
    const n = sums.n ?? 0;
    return {
      key: v.key,
      name: v.name,
      holdout: v.key === HOLDOUT_ARM,
      control: v.control,
      channel: v.key === HOLDOUT_ARM ? null : channelOf(v.key),
      sent: f?.sent ?? 0,
      unreachable: f?.unreachable ?? 0,
      delivered: f?.delivered ?? 0,
      exposed: n,
      opens: { human: f?.openHuman ?? 0, bot: f?.openBot ?? 0 },
      clicks: { human: f?.clickHuman ?? 0, bot: f?.clickBot ?? 0 },
      orders: sums.orders_s ?? 0,
      revenue: sums.netRevenue_s ?? 0,
      rewardCost: sums.rewardCost_s ?? 0,
      netMargin: sums.netMargin_s ?? 0,
      incremental:
        comparison?.ok && !v.control
          ? {
              estimate: comparison.absolute.estimate * n,
              lower: comparison.absolute.lower * n,
              upper: comparison.absolute.upper * n,
              significant: comparison.absolute.significant,
            }
          : null,
    };
  });
  return {
    campaign: { id: campaign.id, name: campaign.name },
    experimentId: report.experiment.id,
    asOf,
    hasHoldout: report.variants.some((v) => v.key === HOLDOUT_ARM),
    grossMarginPercent: report.grossMarginPercent,
    arms,
    daily,
    report,
  };
}
