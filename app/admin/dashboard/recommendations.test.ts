import { describe, expect, it } from "vitest";
import {
  earnRateRecommendation,
  experimentRecommendation,
  rankRecommendations,
  rewardRecommendation,
  type ExperimentFacts,
  type RewardFacts,
} from "./recommendations";

// The dashboard's recommendations from the facts the loader gathers: which suggestion each
// situation earns, its evidence, and its one button.

const significant = {
  ok: true as const,
  method: "sequential" as const,
  alpha: 0.05,
  degreesOfFreedom: Infinity,
  absolute: { estimate: 12, standardError: 3, lower: 4, upper: 20, pValue: 0.001, significant: true },
  relative: {
    estimate: 0.24,
    standardError: 0.06,
    lower: 0.08,
    upper: 0.4,
    pValue: 0.001,
    significant: true,
  },
  notes: [],
};

const facts = (over: Partial<ExperimentFacts> = {}): ExperimentFacts => ({
  id: "e1",
  name: "Double points",
  status: "running",
  daysRunning: 21,
  verdict: "keep-running",
  variant: null,
  reasons: ["Not enough data yet."],
  primary: { name: "Net margin per member", comparison: significant },
  exposed: 2400,
  bandit: null,
  ...over,
});

const reward = (over: Partial<RewardFacts> = {}): RewardFacts => ({
  id: "r1",
  name: "$5 off",
  pointsCost: 500,
  activeMembers: 1000,
  canRedeem: 200,
  medianEarned90: 320,
  redeemers90: 60,
  tested: false,
  ...over,
});

describe("experiment recommendations", () => {
  it("applies the variant the decision ships, with the lift and its interval as evidence", () => {
    const r = experimentRecommendation(
      facts({ verdict: "ship", variant: { key: "double", name: "Two points" }, reasons: ["It wins."] }),
    )!;
    expect(r.title).toBe("Apply “Two points” from Double points");
    expect(r.tone).toBe("success");
    expect(r.action).toEqual({
      kind: "ship",
      label: "Apply Two points",
      experimentId: "e1",
      variant: "double",
    });
    expect(r.evidence[0]).toBe(
      "Net margin per member: +24.0% (+8.0% to +40.0%) with 95% confidence (sequential test, valid at every look).",
    );
    expect(r.evidence).toContain("It wins.");
    expect(r.evidence.at(-1)).toBe("2,400 members exposed over 21 days.");
  });

  it("sends harm to the experiment's page", () => {
    const r = experimentRecommendation(
      facts({
        verdict: "stop-for-harm",
        variant: { key: "double", name: "Two points" },
        reasons: ["Costs rose."],
      }),
    )!;
    expect(r.tone).toBe("critical");
    expect(r.action).toEqual({ kind: "link", label: "Review the experiment", url: "/app/experiments/e1" });
  });

  it("applies a bandit's leader only when it is best with ≥ 95% and is not the control", () => {
    const leader = (p: number, control = false) =>
      experimentRecommendation(
        facts({ bandit: { leader: { key: "b", name: "Arm B", control }, probabilityBest: p } }),
      );
    expect(leader(0.94)).toBeNull();
    expect(leader(0.99, true)).toBeNull();
    const r = leader(0.97)!;
    expect(r.action).toMatchObject({ kind: "ship", variant: "b" });
    expect(r.evidence[0]).toMatch(/“Arm B” a 97% chance of being the best arm on Net margin per member/);
  });

  it("offers a finished search's likeliest arm, saying how sure it is", () => {
    const r = experimentRecommendation(
      facts({
        name: "Optimise the $15 off cost",
        status: "stopped",
        bandit: { leader: { key: "at-1000", name: "1,000 points", control: false }, probabilityBest: 0.457 },
      }),
    )!;
    expect(r.title).toBe("Optimise the $15 off cost finished: “1,000 points” is its best");
    expect(r.tone).toBe("info");
    expect(r.evidence[0]).toMatch(
      /a 45\.7% chance of being the best arm .*: the likeliest, not yet a sure winner\.$/,
    );
    expect(r.action).toMatchObject({ kind: "ship", variant: "at-1000" });
  });

  it("suggests nothing while an experiment keeps running", () => {
    expect(experimentRecommendation(facts())).toBeNull();
  });
});

describe("reward recommendations", () => {
  const url = "/app/experiments/optimize?reward=r1";
  it("flags a reward almost nobody can reach, and one almost everybody holds", () => {
    const far = rewardRecommendation(reward({ canRedeem: 10, redeemers90: 5, pointsCost: 5000 }), url)!;
    expect(far.title).toBe("“$5 off” is out of reach for almost everyone");
    expect(far.evidence[0]).toBe(
      "1% of active members (10 of 1,000) hold 5,000 points today; the median member earned 320 points in the last 90 days.",
    );
    expect(far.action).toEqual({ kind: "link", label: "Find the best point cost", url });
    const easy = rewardRecommendation(reward({ canRedeem: 700 }), url)!;
    expect(easy.title).toBe("Most members can already afford “$5 off”");
  });

  it("stays quiet for a reachable reward, a tested one, or too few members to tell", () => {
    expect(rewardRecommendation(reward(), url)).toBeNull();
    expect(rewardRecommendation(reward({ canRedeem: 10, redeemers90: 5, tested: true }), url)).toBeNull();
    expect(
      rewardRecommendation(reward({ activeMembers: 150, canRedeem: 1, redeemers90: 0 }), url),
    ).toBeNull();
  });

  it("does not call a reward out of reach that members still redeem", () => {
    expect(rewardRecommendation(reward({ canRedeem: 10, redeemers90: 80 }), url)).toBeNull();
  });
});

describe("earn-rate recommendation", () => {
  const base = {
    pointsPerCurrencyUnit: 1,
    currency: "USD",
    revenue90: 10_000_000,
    rewardCost90: 420_000,
    lastTestedDaysAgo: null,
    activeMembers: 1000,
  };
  it("suggests tuning an earn rate never tested, with what rewards cost", () => {
    const r = earnRateRecommendation(base, "/x")!;
    expect(r.title).toBe("Your earn rate has never been tested");
    expect(r.evidence[1]).toBe(
      "Rewards cost $4,200.00 in the last 90 days, 4.2% of $100,000.00 net revenue.",
    );
  });
  it("waits 180 days after the last test", () => {
    expect(earnRateRecommendation({ ...base, lastTestedDaysAgo: 30 }, "/x")).toBeNull();
    expect(earnRateRecommendation({ ...base, lastTestedDaysAgo: 200 }, "/x")!.title).toMatch(/200 days ago/);
  });
});

it("ranks harm, then winners, then tests, and keeps at most the limit", () => {
  const r = (id: string, tone: "success" | "critical" | "info") => ({
    id,
    title: id,
    tone,
    evidence: [],
    action: { kind: "link" as const, label: "", url: "" },
  });
  expect(
    rankRecommendations([r("a", "info"), null, r("b", "success"), r("c", "critical"), r("d", "info")], 3).map(
      (x) => x.id,
    ),
  ).toEqual(["c", "b", "a"]);
});
