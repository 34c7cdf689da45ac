import { Prisma, type PrismaClient } from "~/db.server";
import { experimentReport, type ExperimentReport } from "~/experiments/report.server";
import type { ArmSummary } from "~/experiments/stats/bandit-allocation";
import { currentProgramVersion, type ProgramVersionInfo } from "~/loyalty/services/program.server";
import { storedBusinessFigures } from "~/stats/stored-figures.server";
import { localDay } from "~/stats/kpis";
import { memberFacts } from "~/stats/member-facts.server";
import { periodEnding } from "~/stats/periods";
import { shopTimeZone } from "~/stats/refresh.server";
import {
  earnRateRecommendation,
  experimentRecommendation,
  rankRecommendations,
  rewardRecommendation,
  type ExperimentFacts,
  type Recommendation,
} from "./recommendations";

// Gathers the facts behind the dashboard's recommendations (recommendations.ts says what
// each suggests): the reports of the shop's latest unfinished tests, how many active members
// can afford each reward and what the median member earns, and the earn rate's history.

const DAY_MS = 86_400_000;
/** The reports read per page load: the most recently launched unfinished tests. */
const EXPERIMENTS_READ = 5;

/** Where each lever's test starts: the threshold optimizer on that reward, the earn-rate tuner. */
export const OPTIMIZE_URLS = {
  rewardCost: (rewardId: string) => `/app/experiments/optimize?reward=${encodeURIComponent(rewardId)}`,
  earnRate: () => "/app/experiments/tune-earn-rate",
};

function experimentFacts(report: ExperimentReport): ExperimentFacts {
  const e = report.experiment;
  const decision = report.analysis.decision;
  const named = decision.variant ? report.variants.find((v) => v.key === decision.variant) : undefined;
  const primary = report.analysis.metrics.find((m) => m.role === "primary");
  const chosen = primary?.variants.find((v) => v.variant === (named?.key ?? decision.variant));
  const latest = report.bandit?.allocations.findLast((a) => a.posterior);
  const arms = (latest?.posterior as { arms?: ArmSummary[] } | null)?.arms;
  // The update stores the posterior's arms in position order.
  const positioned = [...e.variants].sort((a, b) => a.position - b.position);
  let bandit: ExperimentFacts["bandit"] = null;
  if (arms?.length === positioned.length) {
    const best = arms.reduce((b, a, i) => (a.probabilityBest > arms[b]!.probabilityBest ? i : b), 0);
    const v = positioned[best]!;
    bandit = {
      leader: { key: v.key, name: v.name, control: v.control },
      probabilityBest: arms[best]!.probabilityBest,
    };
  }
  const leaderComparison = bandit
    ? primary?.variants.find((v) => v.variant === bandit.leader.key)?.frequentist
    : undefined;
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    daysRunning: report.daysRunning,
    verdict: decision.verdict,
    variant: named ? { key: named.key, name: named.name } : null,
    reasons: decision.reasons,
    primary: primary
      ? { name: primary.name, comparison: chosen?.frequentist ?? leaderComparison ?? null }
      : null,
    exposed: report.variants.reduce((t, v) => t + v.exposed, 0),
    bandit,
  };
}

async function experimentRecommendations(db: PrismaClient, shop: string, now: Date) {
  const open = await db.experiment.findMany({
    where: {
      shop,
      kind: "test",
      status: { in: ["running", "paused", "stopped"] },
      launchedAt: { not: null },
    },
    orderBy: { launchedAt: "desc" },
    take: EXPERIMENTS_READ,
    include: { variants: { orderBy: { position: "asc" } } },
  });
  const reports = await Promise.all(
    open.map((e) => experimentReport(db, shop, e.id, { asOf: now, figures: "stored", experiment: e })),
  );
  return reports
    .filter((r): r is ExperimentReport => r !== null)
    .map((r) => experimentRecommendation(experimentFacts(r)));
}

async function leverRecommendations(
  db: PrismaClient,
  shop: string,
  now: Date,
  live: Promise<ProgramVersionInfo>,
) {
  const [{ program }, timeZone, shopRow] = await Promise.all([
    live,
    shopTimeZone(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } }),
  ]);
  const currency = shopRow?.currencyCode ?? program.currency;
  const rewards = program.rewards.filter((r) => r.active);
  const since90 = new Date(now.getTime() - 90 * DAY_MS);
  // Active members, the median's 90-day earnings and who can afford each reward: stored by
  // the stats refresh (app/stats/member-facts.server.ts), a sort over every member otherwise.
  const [facts, redeemers, leverTests, { figures }] = await Promise.all([
    memberFacts(
      db,
      shop,
      now,
      rewards.map((r) => r.pointsCost),
    ),
    rewards.length
      ? db.$queryRaw<{ reward_id: string; members: bigint }[]>`
          SELECT "rewardId" AS reward_id, count(DISTINCT "customerId") AS members FROM "Redemption"
          WHERE shop = ${shop} AND "createdAt" >= ${since90} AND status <> 'failed'
            AND "rewardId" IN (${Prisma.join(rewards.map((r) => r.id))})
          GROUP BY "rewardId"`
      : Promise.resolve([]),
    db.experiment.findMany({
      where: { shop, kind: "test", lever: { in: ["rewards", "earnRate"] }, launchedAt: { not: null } },
      select: { lever: true, status: true, launchedAt: true, stoppedAt: true },
    }),
    storedBusinessFigures(db, shop, {
      period: periodEnding(localDay(now, timeZone), 90),
      timeZone,
      currency,
      now,
    }),
  ]);
  const active = facts.active;
  const medianEarned90 = facts.medianEarned90 ?? 0;
  const reachOf = facts.canAfford;
  const redeemersOf = new Map(redeemers.map((r) => [r.reward_id, Number(r.members)]));
  const lastRun = (lever: string) =>
    leverTests
      .filter((t) => t.lever === lever)
      .map((t) => (t.status === "running" || t.status === "paused" ? now : (t.stoppedAt ?? t.launchedAt!)))
      .reduce<Date | null>((latest, d) => (!latest || d > latest ? d : latest), null);
  const rewardsTested = lastRun("rewards");
  const earnTested = lastRun("earnRate");
  const revenue90 = figures.current.members.revenueMinor + figures.current.others.revenueMinor;
  return [
    ...rewards.map((r) =>
      rewardRecommendation(
        {
          id: r.id,
          name: r.name,
          pointsCost: r.pointsCost,
          activeMembers: active,
          canRedeem: reachOf.get(r.pointsCost) ?? 0,
          medianEarned90,
          redeemers90: redeemersOf.get(r.id) ?? 0,
          tested: !!rewardsTested && now.getTime() - rewardsTested.getTime() < 90 * DAY_MS,
        },
        OPTIMIZE_URLS.rewardCost(r.id),
      ),
    ),
    earnRateRecommendation(
      {
        pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
        currency,
        revenue90,
        rewardCost90: figures.rewardCost.currentMinor,
        lastTestedDaysAgo: earnTested ? Math.floor((now.getTime() - earnTested.getTime()) / DAY_MS) : null,
        activeMembers: active,
      },
      OPTIMIZE_URLS.earnRate(),
    ),
  ];
}

/** What the optimizer suggests now, harm first, then winners, then levers to test. */
export async function loadRecommendations(
  db: PrismaClient,
  shop: string,
  now: Date,
  live: Promise<ProgramVersionInfo> = currentProgramVersion(db, shop),
): Promise<Recommendation[]> {
  const [experiments, levers] = await Promise.all([
    experimentRecommendations(db, shop, now),
    leverRecommendations(db, shop, now, live),
  ]);
  return rankRecommendations([...experiments, ...levers]);
}
