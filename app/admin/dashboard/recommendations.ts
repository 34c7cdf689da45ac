import { formatMoney } from "~/admin/members/present";
import { formatLiftWithInterval, formatPercent } from "~/admin/experiments/present";
import { formatChance } from "~/admin/experiments/report-present";
import type { Comparison } from "~/experiments/stats/frequentist";

// The dashboard's "Recommendations" (issue 16, item 7): what the optimizer suggests now, each
// with its evidence and one button. Three sources, most valuable first:
//  1. an experiment whose decision names a winner (the sequential test, or a bandit whose arm
//     is best with probability ≥ 95%): apply it (a new program version, revertable);
//  2. an experiment whose treatment harms the primary metric or breaks a guardrail: review it;
//  3. levers the shop's own data says are off: a reward almost nobody can reach, or one almost
//     everybody already holds, and an earn rate never tested: test them.
// Pure: the loader (recommendations.server.ts) gathers the facts, this turns them into texts.

export type RecommendationAction =
  | { kind: "ship"; label: string; experimentId: string; variant: string }
  | { kind: "link"; label: string; url: string };

export type Recommendation = {
  id: string;
  title: string;
  tone: "success" | "critical" | "info";
  evidence: string[];
  action: RecommendationAction;
};

/** The few facts of an experiment's report the recommendations read. */
export type ExperimentFacts = {
  id: string;
  name: string;
  status: string;
  daysRunning: number;
  verdict: string;
  /** The variant the decision names (ship or stop-for-harm). */
  variant: { key: string; name: string } | null;
  reasons: string[];
  primary: { name: string; comparison: Comparison | null } | null;
  exposed: number;
  /** A bandit's latest posterior: the leading arm and its probability of being best. */
  bandit: { leader: { key: string; name: string; control: boolean }; probabilityBest: number } | null;
};

/** A bandit's leader is applied once it is best with at least this probability (GrowthBook's default). */
export const BANDIT_APPLY_PROBABILITY = 0.95;

const count = (n: number) => n.toLocaleString("en-US");

function liftEvidence(primary: ExperimentFacts["primary"]): string | null {
  const c = primary?.comparison;
  if (!primary || !c || !c.ok || !c.relative) return null;
  const test = c.method === "sequential" ? "sequential test, valid at every look" : "fixed-horizon test";
  return `${primary.name}: ${formatLiftWithInterval(c.relative)} with 95% confidence (${test}).`;
}

export function experimentRecommendation(e: ExperimentFacts): Recommendation | null {
  const url = `/app/experiments/${e.id}`;
  const exposure = `${count(e.exposed)} members exposed over ${count(e.daysRunning)} day${e.daysRunning === 1 ? "" : "s"}.`;
  if (e.verdict === "ship" && e.variant) {
    return {
      id: `ship:${e.id}`,
      title: `Apply “${e.variant.name}” from ${e.name}`,
      tone: "success",
      evidence: [liftEvidence(e.primary), ...e.reasons, exposure].filter((x): x is string => !!x),
      action: { kind: "ship", label: `Apply ${e.variant.name}`, experimentId: e.id, variant: e.variant.key },
    };
  }
  if (e.verdict === "stop-for-harm" || e.verdict === "investigate") {
    return {
      id: `review:${e.id}`,
      title:
        e.verdict === "stop-for-harm"
          ? `${e.name} is doing harm${e.variant ? `: “${e.variant.name}”` : ""}`
          : `${e.name} needs a look before anyone reads it`,
      tone: "critical",
      evidence: [...e.reasons, exposure],
      action: { kind: "link", label: "Review the experiment", url },
    };
  }
  const b = e.bandit;
  if (!b || b.leader.control) return null;
  const sure = b.probabilityBest >= BANDIT_APPLY_PROBABILITY;
  // A running bandit's leader once it is sure; a stopped search's (the optimizer's) at once,
  // with how sure it is: the search is over and its best guess is what it recommends.
  if (!(sure && e.status === "running") && e.status !== "stopped") return null;
  return {
    id: `ship:${e.id}`,
    title:
      e.status === "stopped"
        ? `${e.name} finished: “${b.leader.name}” is its best`
        : `Apply “${b.leader.name}” from ${e.name}`,
    tone: sure ? "success" : "info",
    evidence: [
      `The bandit gives “${b.leader.name}” a ${formatChance(b.probabilityBest)} chance of being the best arm on ${e.primary?.name ?? "its metric"}${sure ? "" : ": the likeliest, not yet a sure winner"}.`,
      liftEvidence(e.primary),
      exposure,
    ].filter((x): x is string => !!x),
    action: { kind: "ship", label: `Apply ${b.leader.name}`, experimentId: e.id, variant: b.leader.key },
  };
}

/** A reward and how reachable it is for the shop's active members. */
export type RewardFacts = {
  id: string;
  name: string;
  pointsCost: number;
  activeMembers: number;
  /** Active members whose balance covers the cost now. */
  canRedeem: number;
  /** The median points an active member earned in the last 90 days. */
  medianEarned90: number;
  /** Members who redeemed it in the last 90 days. */
  redeemers90: number;
  /** An experiment on the rewards lever is running or was launched in the last 90 days. */
  tested: boolean;
};

/** Out of reach: fewer than this share of members hold enough and at most this many redeemed. */
const OUT_OF_REACH_SHARE = 0.02;
/** Too easy: at least this share of members already hold enough for it. */
const TOO_EASY_SHARE = 0.5;
/** Below this many active members a share says little. */
const MIN_MEMBERS = 200;

export function rewardRecommendation(r: RewardFacts, optimizeUrl: string): Recommendation | null {
  if (r.tested || r.activeMembers < MIN_MEMBERS) return null;
  const share = r.canRedeem / r.activeMembers;
  const redeemShare = r.redeemers90 / r.activeMembers;
  const points = (n: number) => `${count(Math.round(n))} point${n === 1 ? "" : "s"}`;
  const reach = `${formatPercent(share)} of active members (${count(r.canRedeem)} of ${count(r.activeMembers)}) hold ${points(r.pointsCost)} today; the median member earned ${points(r.medianEarned90)} in the last 90 days.`;
  const redeemed = `${count(r.redeemers90)} member${r.redeemers90 === 1 ? "" : "s"} redeemed it in the last 90 days (${formatPercent(redeemShare)}).`;
  if (share < OUT_OF_REACH_SHARE && redeemShare <= OUT_OF_REACH_SHARE) {
    return {
      id: `reward:${r.id}`,
      title: `“${r.name}” is out of reach for almost everyone`,
      tone: "info",
      evidence: [
        reach,
        redeemed,
        "A reward nobody can reach does not bring anybody back. Test lower point costs and keep the one that earns the most.",
      ],
      action: { kind: "link", label: "Find the best point cost", url: optimizeUrl },
    };
  }
  if (share >= TOO_EASY_SHARE) {
    return {
      id: `reward:${r.id}`,
      title: `Most members can already afford “${r.name}”`,
      tone: "info",
      evidence: [
        reach,
        redeemed,
        "A goal most members already hold gives no reason for the next order. Test higher point costs against today's.",
      ],
      action: { kind: "link", label: "Find the best point cost", url: optimizeUrl },
    };
  }
  return null;
}

/** The earn rate and what the program's rewards cost the shop. */
export type EarnRateFacts = {
  pointsPerCurrencyUnit: number;
  currency: string;
  /** Net revenue and reward cost over the last 90 days, minor units. */
  revenue90: number;
  rewardCost90: number;
  /** Days since an earn-rate experiment last ran, or null when none ever did. */
  lastTestedDaysAgo: number | null;
  activeMembers: number;
};

/** An earn rate not tested for this long is suggested again. */
const EARN_RATE_RETEST_DAYS = 180;

export function earnRateRecommendation(f: EarnRateFacts, optimizeUrl: string): Recommendation | null {
  if (f.activeMembers < MIN_MEMBERS || f.revenue90 <= 0) return null;
  if (f.lastTestedDaysAgo !== null && f.lastTestedDaysAgo < EARN_RATE_RETEST_DAYS) return null;
  const costShare = f.rewardCost90 / f.revenue90;
  return {
    id: "earn-rate",
    title:
      f.lastTestedDaysAgo === null
        ? "Your earn rate has never been tested"
        : `Your earn rate was last tested ${count(f.lastTestedDaysAgo)} days ago`,
    tone: "info",
    evidence: [
      `Members earn ${count(f.pointsPerCurrencyUnit)} point${f.pointsPerCurrencyUnit === 1 ? "" : "s"} per ${f.currency} 1.`,
      `Rewards cost ${formatMoney(f.rewardCost90, f.currency)} in the last 90 days, ${formatPercent(costShare)} of ${formatMoney(f.revenue90, f.currency)} net revenue.`,
      "The rate that earns the most net of reward cost is rarely the one a program launched with. Tune it over a range you choose, with guardrails.",
    ],
    action: { kind: "link", label: "Tune the earn rate", url: optimizeUrl },
  };
}

const ORDER: Record<Recommendation["tone"], number> = { critical: 0, success: 1, info: 2 };

/** Harm first, then winners to apply, then levers to test; at most `limit`. */
export function rankRecommendations(list: readonly (Recommendation | null)[], limit = 6): Recommendation[] {
  return list
    .filter((r): r is Recommendation => r !== null)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => ORDER[a.r.tone] - ORDER[b.r.tone] || a.i - b.i)
    .slice(0, limit)
    .map(({ r }) => r);
}
