import { campaignReport, type ArmFigures } from "~/campaigns/measure/report.server";
import type { PrismaClient } from "~/db.server";
import { loadReport } from "~/admin/experiments/report.server";
import { shopContext } from "~/admin/experiments/context.server";
import { moneyFormatter } from "~/admin/program/money-format";
import { presentFreshness } from "~/admin/experiments/freshness";
import { REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS } from "~/experiments/aggregates.server";

// The campaign report page (/app/campaigns/:id/report): the message funnel and the outcomes
// per arm in the shop's currency, the engagement by shop-local day, and the experiments'
// own report section (decision, cumulative lift, every metric) for the campaign's experiment.

const count = new Intl.NumberFormat("en-US");
const CHANNEL_LABELS: Record<string, string> = {
  email: "Email",
  sms: "SMS",
  inbox: "Widget inbox",
  best: "Best channel",
};
const share = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

function rate(part: number, whole: number): string {
  return whole > 0 ? `${count.format(part)} (${share.format(part / whole)})` : count.format(part);
}

function armRows(arms: ArmFigures[], money: (minor: number) => string) {
  return arms.map((a) => ({
    key: a.key,
    name: a.name,
    holdout: a.holdout,
    control: a.control,
    channel: a.channel ? (CHANNEL_LABELS[a.channel] ?? a.channel) : "—",
    funnel: {
      sent: count.format(a.sent),
      unreachable: a.holdout ? "—" : rate(a.unreachable, a.exposed),
      delivered: a.holdout ? "—" : count.format(a.delivered),
      opens: a.holdout ? "—" : rate(a.opens.human, a.delivered),
      botOpens: a.holdout ? "—" : count.format(a.opens.bot),
      clicks: a.holdout ? "—" : rate(a.clicks.human, a.delivered),
      botClicks: a.holdout ? "—" : count.format(a.clicks.bot),
    },
    outcomes: {
      exposed: count.format(a.exposed),
      orders: count.format(a.orders),
      ordersPerMember: a.exposed ? (a.orders / a.exposed).toFixed(2) : "—",
      revenue: money(a.revenue),
      rewardCost: money(a.rewardCost),
      netMargin: money(a.netMargin),
      incremental: a.incremental
        ? {
            estimate: money(a.incremental.estimate),
            interval: `${money(a.incremental.lower)} to ${money(a.incremental.upper)}`,
            tone: a.incremental.significant
              ? a.incremental.estimate > 0
                ? ("success" as const)
                : ("critical" as const)
              : null,
          }
        : null,
    },
  }));
}

export async function loadCampaignReportPage(db: PrismaClient, shop: string, campaignId: string, now: Date) {
  const context = await shopContext(db, shop);
  // One aggregation per view: the stored aggregate (computed inline only when there is none
  // yet) feeds both the arms' figures and the experiment's analysis below.
  const report = await campaignReport(db, shop, campaignId, {
    asOf: now,
    timeZone: context.timeZone ?? "UTC",
    figures: "stored",
  });
  if (!report) return null;
  const exposed = report.arms.reduce((s, a) => s + a.exposed, 0);
  const state = await loadReport(db, shop, report.report.experiment, exposed, now, context, report.report);
  const money = moneyFormatter(context.currency);
  const control = report.arms.find((a) => a.control);
  return {
    campaign: report.campaign,
    currency: context.currency,
    timeZone: context.timeZone ?? "UTC",
    daysRunning: report.report.daysRunning,
    /** When the figures are as of (the stored aggregate's refresh, ADR 0052). */
    figures: presentFreshness(
      { asOf: report.asOf, stale: report.report.freshness?.stale ?? false },
      REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS / 60_000,
      context.timeZone,
    ),
    grossMarginPercent: report.grossMarginPercent,
    hasHoldout: report.hasHoldout,
    controlName: control?.name ?? "control",
    arms: armRows(report.arms, money),
    daily: report.daily,
    analysis: state.available
      ? { available: true as const, view: state.view, series: state.series }
      : {
          available: false as const,
          reason:
            exposed === 0
              ? "No member has been exposed yet: members are exposed when the campaign sends them its message, or would have, in the holdout."
              : state.reason,
        },
  };
}

export type CampaignReportPage = NonNullable<Awaited<ReturnType<typeof loadCampaignReportPage>>>;
