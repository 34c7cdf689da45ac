// Rerunnable validation of the experiment statistics on simulated experiments whose truth is
// known (scripts/experiment-outcomes.ts draws members from the simulator's behavioural model).
// Each check prints `<name>: <measured> (target <op> <target>)`; rates over R experiments carry
// binomial noise of sqrt(p(1 − p)/R), stated under each line, and a check passes when the
// measurement is within 2 of those standard errors of its target. Exits 1 if any check fails.
//   npm run validate:experiments [-- --runs 4000 --seed 20261206 --only statistics|bandits|auto-apply]
import { parseArgs } from "node:util";

import { cupedEstimates } from "../app/experiments/stats/cuped";
import {
  meanEstimate,
  type Estimated,
  type MeanStats,
  type PairedStats,
} from "../app/experiments/stats/estimates";
import { compare, type Comparison, type Lift, type Method } from "../app/experiments/stats/frequentist";
import { normalCdf } from "../app/experiments/stats/distributions";
import { criticalMultiplier, powerFromMoments } from "../app/experiments/stats/power";
import {
  addMean,
  addPaired,
  emptyMean,
  emptyPaired,
  MemberOutcomes,
  revenueMoments,
} from "./experiment-outcomes";
import { Rng } from "../simulator/random/rng";
import { BANDIT_SCENARIOS, runScenario, VALIDATION_SETTINGS } from "./bandit-validation";
import { earnRateCandidates } from "../app/experiments/earn-rate-optimizer";
import { earnRateCurveScenario, earnRatePopulation } from "./earn-rate-population";
import { EARN_RATE_RUN, pairedDifference, runEarnRate, type PolicySummary } from "./earn-rate-validation";
import { successRate, THRESHOLD_SCENARIOS, thresholdPopulation } from "./threshold-validation";
import { CONTEXTUAL_SCENARIOS, NOT_WORSE_RATIO, runContextualScenario } from "./contextual-bandit-validation";
import {
  AUTO_APPLY_BANDIT,
  AUTO_APPLY_SCENARIOS,
  COST_LIMIT,
  runAutoApplyScenario,
} from "./auto-apply-validation";
import { knownEffectPopulation, populationTruth, splitExperiment } from "./simulator-population";
import {
  banditPick,
  fixedSplitPicks,
  longTermPopulation,
  READ_DAYS,
  trueBest,
  type Objective,
} from "./long-term-validation";
import { loadScenario } from "../simulator/scenario/load";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "4000" },
    "simulator-runs": { type: "string", default: "2000" },
    seed: { type: "string", default: "20261206" },
    "bandit-replications": { type: "string", default: "100" },
    "threshold-replications": { type: "string", default: "100" },
    "long-term-replications": { type: "string", default: "40" },
    "auto-apply-replications": { type: "string", default: "100" },
    only: { type: "string" },
  },
});
let runs = Number(values.runs);
const seed = Number(values.seed);
const ALPHA = 0.05;
const WINDOW_DAYS = 30;
const started = performance.now();
let failures = 0;

type Tested = Extract<Comparison, { ok: true }>;

/**
 * One comparison as the report reads it: `relative` is the delta-method interval the report
 * shows (coverage is checked on it); `rejects`/`positive` are the test the decision rule
 * reads, Welch's (or the sequential) test of the difference (stats/decision.ts).
 */
function compared(control: Estimated, treatment: Estimated, method: Method, tuning?: number) {
  if (!control.ok || !treatment.ok) return null;
  const result = compare(control.estimate, treatment.estimate, {
    alpha: ALPHA,
    method,
    sequentialTuning: tuning,
  });
  if (!result.ok) return null;
  const tested: Tested = result;
  return {
    relative: tested.relative,
    rejects: tested.absolute.significant,
    positive: tested.absolute.significant && tested.absolute.estimate > 0,
  };
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

function report(name: string, rate: number, op: "<=" | ">=" | "within", target: number, tolerance = 0): void {
  const se = Math.sqrt((Math.max(rate, 0.001) * (1 - rate)) / runs);
  const allowance = 2 * se;
  const pass =
    op === "<="
      ? rate <= target + allowance
      : op === ">="
        ? rate >= target - allowance
        : Math.abs(rate - target) <= tolerance;
  const targetText =
    op === "within"
      ? `within ${percent(target)} ± ${(tolerance * 100).toFixed(1)} points`
      : `${op} ${percent(target)}`;
  console.log(`${name}: ${percent(rate)} (target ${targetText}) ${pass ? "PASS" : "FAIL"}`);
  console.log(`  binomial noise: ±${(se * 100).toFixed(2)} points (1 s.e. over ${runs} experiments)`);
  if (!pass) failures++;
}

/** One two-arm experiment at a fixed horizon: revenue per member, plus its CUPED twin. */
function experiment(outcomes: MemberOutcomes, perArm: number, effect: number) {
  const arms: MeanStats[] = [emptyMean(), emptyMean()];
  const paired: PairedStats[] = [emptyPaired(), emptyPaired()];
  for (let arm = 0; arm < 2; arm++) {
    for (let i = 0; i < perArm; i++) {
      const member = outcomes.draw(arm === 1 ? effect : 0);
      addMean(arms[arm]!, member.revenue);
      addPaired(paired[arm]!, member.revenue, member.preRevenue);
    }
  }
  const cuped = cupedEstimates(paired);
  return {
    welch: compared(meanEstimate(arms[0]!), meanEstimate(arms[1]!), "welch"),
    cuped: compared(cuped.arms[0]!, cuped.arms[1]!, "welch"),
    varianceReduction: cuped.varianceReduction,
  };
}

const covers = (lift: Lift | null | undefined, truth: number) =>
  !!lift && lift.lower <= truth && truth <= lift.upper;

const section = (name: string) => !values.only || values.only === name;

// 1. A/A at a fixed horizon.
if (section("statistics")) {
  const outcomes = new MemberOutcomes(seed);
  let positives = 0;
  for (let run = 0; run < runs; run++) if (experiment(outcomes, 2000, 0).welch?.rejects) positives++;
  report("aa-fixed-horizon-false-positive-rate", positives / runs, "<=", ALPHA);
}

// 2. A/A with a look every day for 28 days: naive Welch at every look against the sequential method.
if (section("statistics")) {
  const outcomes = new MemberOutcomes(seed + 1);
  const days = 28;
  const dailyPerArm = 100;
  const tuning = 2 * days * dailyPerArm;
  let naive = 0;
  let sequential = 0;
  for (let run = 0; run < runs; run++) {
    const arms = [emptyMean(), emptyMean()];
    let naiveHit = false;
    let sequentialHit = false;
    for (let day = 0; day < days; day++) {
      for (const arm of arms) for (let i = 0; i < dailyPerArm; i++) addMean(arm, outcomes.draw().revenue);
      const control = meanEstimate(arms[0]!);
      const treatment = meanEstimate(arms[1]!);
      naiveHit ||= compared(control, treatment, "welch")?.rejects ?? false;
      sequentialHit ||= compared(control, treatment, "sequential", tuning)?.rejects ?? false;
    }
    if (naiveHit) naive++;
    if (sequentialHit) sequential++;
  }
  report("aa-daily-peeking-sequential-false-positive-rate", sequential / runs, "<=", ALPHA);
  report("aa-daily-peeking-naive-false-positive-rate", naive / runs, ">=", 0.1);
  console.log(
    "  (the naive rate is shown to be inflated: reading a fixed-horizon test daily is what the sequential method prevents)",
  );
}

// 3. Coverage and 4. power on a known effect: the lever raises the purchase rate by 15%, so
// revenue per member rises by exactly 15%.
{
  if (section("statistics")) {
    const effect = 0.15;
    const perArm = 4000;
    const outcomes = new MemberOutcomes(seed + 2);
    let covered = 0;
    let cupedCovered = 0;
    let rejected = 0;
    let reduction = 0;
    for (let run = 0; run < runs; run++) {
      const result = experiment(outcomes, perArm, effect);
      if (covers(result.welch?.relative, effect)) covered++;
      if (covers(result.cuped?.relative, effect)) cupedCovered++;
      if (result.welch?.positive) rejected++;
      reduction += result.varianceReduction;
    }
    report("ci-coverage-known-effect", covered / runs, "within", 0.95, 0.015);
    report("cuped-ci-coverage-known-effect", cupedCovered / runs, "within", 0.95, 0.015);
    console.log(
      `  CUPED on the 30 days before exposure removed ${percent(reduction / runs)} of the variance on average`,
    );
    const control = revenueMoments(WINDOW_DAYS);
    const treatment = revenueMoments(WINDOW_DAYS, effect);
    const theory = powerFromMoments(
      {
        controlMean: control.mean,
        controlVariance: control.variance,
        treatmentMean: treatment.mean,
        treatmentVariance: treatment.variance,
        nControl: perArm,
        nTreatment: perArm,
      },
      { alpha: ALPHA },
    );
    report("power-known-effect", rejected / runs, "within", theory, 0.03);
    console.log(
      `  (theoretical power of a 15% lift with ${perArm} members per arm, from the model's exact moments)`,
    );
  }
}

// 5. and 6. The same checks on the simulator's ground truth: a generated shop's buyers each
// live 60 days under the standard program and under triple points (the app's earning and
// redemption rules, the scenario's response), so the true lift of net revenue per exposed
// member is known; each experiment draws SIMULATOR_DRAW customers from them (with
// replacement) and splits them by the app's own assignment hash under a fresh salt
// (scripts/simulator-population.ts). Every member drawn is exposed (exposure at assignment).
// The draw is sized so that the theoretical power is about 75% (at half the buyers, as
// before, it was 100% against 100%: a check that could not fail).
//
// The theory, and the 4–5 points a previous run saw: at "950 and 1,500 members per arm" the
// measured power was noted as 68.0% against 63.7% and 88.1% against 82.7% (2026-12-06). On
// this population those theory figures belong to ~730 and ~1,165 members per arm, not 950 and
// 1,500 (at 950 a arm the theory is 75.1%), so that run compared power at different sizes.
// Re-measured (2,000 experiments each, ±1 point): 74.8% against 75.1% at a 1,900 draw, 92.5%
// against 91.2% at 3,000, 96.3% against 96.9% at 4,000; and with exposure restricted to the
// buyers who ordered (the older design), 47.8% against 47.6% and 65.2% against 65.5% at arms
// of ~950/1,160 and ~1,470/1,790. No systematic gap is left beyond one real, small effect the
// theory now carries: the draw is with replacement from a FINITE population whose two
// potential outcomes per buyer are strongly correlated (0.90, common random numbers), so a
// buyer drawn into both arms ties the arms' means, Cov(ȳ_c, ȳ_t) = Σ(y_c − μ_c)(y_t − μ_t)/(N_c·N_t),
// and the difference's true spread is s_true² = σ_c²/n_c + σ_t²/n_t − 2·Cov, below the
// s² = σ_c²/n_c + σ_t²/n_t that Welch's test (from each arm's own sample variance) and
// powerFromMoments assume. The test still rejects when D > c·s while D is spread by s_true,
// so the power is Φ((Δ − c·s)/s_true) + Φ((−Δ − c·s)/s_true): here about 3.5% of the
// variance and +0.4 points of power (it grows with the draw's share of the population). Arm
// sizes varying with the hash (±√n) and the t against z critical value move it by far less.
const SIMULATOR_DRAW = 2_000;
if (section("statistics")) {
  const started5 = performance.now();
  const population = knownEffectPopulation();
  const truth = populationTruth(population);
  runs = Number(values["simulator-runs"]);
  let covered = 0;
  let rejected = 0;
  let nControl = 0;
  let nTreatment = 0;
  const draws = new Rng(seed + 5);
  for (let run = 0; run < runs; run++) {
    const [control, treatment] = splitExperiment(
      population,
      `validate-${seed}-${run}`,
      draws,
      SIMULATOR_DRAW,
    );
    nControl += control.n / runs;
    nTreatment += treatment.n / runs;
    const result = compared(meanEstimate(control), meanEstimate(treatment), "welch");
    if (covers(result?.relative, truth.lift)) covered++;
    if (result?.positive) rejected++;
  }
  console.log(
    `  simulator ground truth: ${population.ids.length} buyers, true lift of net revenue per exposed member ` +
      `${percent(truth.lift)} (triple points against 1 point per $1, 60 days)`,
  );
  report("simulator-ci-coverage-known-effect", covered / runs, "within", 0.95, 0.015);
  const assumed = Math.sqrt(truth.control.variance / nControl + truth.treatment.variance / nTreatment);
  const spread = Math.sqrt(assumed ** 2 - 2 * truth.meansCovariance);
  const delta = truth.treatment.mean - truth.control.mean;
  const c = criticalMultiplier(nControl + nTreatment, { alpha: ALPHA });
  const theory = normalCdf((delta - c * assumed) / spread) + normalCdf((-delta - c * assumed) / spread);
  const naive = powerFromMoments(
    {
      controlMean: truth.control.mean,
      controlVariance: truth.control.variance,
      treatmentMean: truth.treatment.mean,
      treatmentVariance: truth.treatment.variance,
      nControl,
      nTreatment,
    },
    { alpha: ALPHA },
  );
  report("simulator-power-known-effect", rejected / runs, "within", theory, 0.03);
  console.log(
    `  (theoretical power from the population's moments at the mean exposed arm sizes ${Math.round(nControl)} and ` +
      `${Math.round(nTreatment)} of ${SIMULATOR_DRAW} drawn from ${truth.buyers} buyers, with the covariance of a ` +
      `buyer drawn into both arms; ${percent(naive)} without it; ${((performance.now() - started5) / 1000).toFixed(1)} s)`,
  );
}

// 7. Bandits (issue 16): cumulative regret of the app's Thompson sampler against ε-greedy and
// UCB1 (same seeds: common random numbers), and within 25% of an oracle Thompson sampler
// (scripts/bandit-validation.ts says what each policy knows). A line passes on the mean
// regrets; each figure carries its standard error over the replications.
if (section("bandits")) {
  const replications = Number(values["bandit-replications"]);
  const s = VALIDATION_SETTINGS;
  console.log(
    `bandits: ${replications} replications per scenario; the app's policy with burn-in ${s.burnInPeriods} periods, ` +
      `minimum share ${s.minShare}, maximum change ${s.maxChange}, ` +
      (s.periodWeighting === "fixed-effects"
        ? "a regression with period fixed effects"
        : `${s.periodWeighting} period weights`) +
      ` over strata of ≥ ${s.minStratumMembers} members per arm`,
  );
  const regret = (r: { mean: number; se: number }) => `${r.mean.toFixed(1)} ± ${r.se.toFixed(1)}`;
  for (const scenario of BANDIT_SCENARIOS) {
    const began = performance.now();
    const r = runScenario(scenario, replications, seed + 7);
    const line = (name: string, pass: boolean, text: string) => {
      console.log(`${name}: ${text} ${pass ? "PASS" : "FAIL"}`);
      if (!pass) failures++;
    };
    const label = `bandit-${scenario.name}`;
    line(
      `${label}-regret-vs-epsilon-greedy`,
      r.thompson.mean < r.epsilonGreedy.mean,
      `Thompson ${regret(r.thompson)} (target < ε-greedy ${regret(r.epsilonGreedy)})`,
    );
    line(
      `${label}-regret-vs-ucb1`,
      r.thompson.mean < r.ucb1.mean,
      `Thompson ${regret(r.thompson)} (target < UCB1 ${regret(r.ucb1)})`,
    );
    const ratio = r.thompson.mean / r.oracle.mean;
    line(
      `${label}-regret-vs-oracle`,
      ratio <= 1.25,
      `${ratio.toFixed(2)} × the oracle's ${regret(r.oracle)} (target <= 1.25)`,
    );
    console.log(
      `  ${scenario.means.length} arms, true means ${scenario.means.join(", ")}` +
        `${scenario.kind === "mean" ? ` (σ ${scenario.sd})` : ""}, ${scenario.periods} periods of ${scenario.perPeriod} members; ` +
        `${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
  }
}

// 7b. Contextual bandits (issue 16 item 2; scripts/contextual-bandit-validation.ts): regret
// against each member's own segment's best arm, the pooled sampler vs the same sampler with
// per-segment allocations shrunk toward the pooled order, same seeds. Also alone with
// `--only contextual-bandits`.
if (section("bandits") || values.only === "contextual-bandits") {
  const replications = Number(values["bandit-replications"]);
  const regret = (r: { mean: number; se: number }) => `${r.mean.toFixed(1)} ± ${r.se.toFixed(1)}`;
  for (const scenario of CONTEXTUAL_SCENARIOS) {
    const began = performance.now();
    const r = runContextualScenario(scenario, VALIDATION_SETTINGS, replications, seed + 11);
    const pass =
      scenario.target === "below"
        ? r.contextual.mean < r.pooled.mean
        : r.contextual.mean <= NOT_WORSE_RATIO * r.pooled.mean;
    const target = scenario.target === "below" ? "target < pooled" : `target <= ${NOT_WORSE_RATIO} × pooled`;
    console.log(
      `contextual-bandit-${scenario.name}: contextual ${regret(r.contextual)} against pooled ${regret(r.pooled)} ` +
        `(${target}; paired difference ${regret(r.difference)}) ${pass ? "PASS" : "FAIL"}`,
    );
    if (!pass) failures++;
    console.log(
      `  segments ${scenario.shares.join("/")}, true means ${scenario.means.map((m) => m.join("/")).join("; ")}, ` +
        `${scenario.periods} periods of ${scenario.perPeriod} members; ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
  }
}

// 8. The earn-rate optimizer (issue 16, item 6; ADR 0041): on the simulator
// scenario earn-rate-curve (a true best rate inside the range), the Gaussian-process Thompson
// sampler the app runs recommends a rate within one grid step of the true best in ≥ 90% of
// the replications; against the plain independent-arm bandit (same seeds, paired), its regret
// is not worse beyond noise (the paired difference below 2 of its standard errors) and it
// names the exact best rate at least as often (the reason it was chosen: ADR
// 0041; a lower regret was the first target and it is not met, see there);
// successive halving is shown for comparison (scripts/earn-rate-validation.ts). Two
// grids: the scenario's nine rates (0.5 to 8 points per $1 in steps of √2) and the six rates
// the app itself spreads over that range around a live rate of 1 (earn-rate-optimizer.ts).
if (section("earn-rate")) {
  const replications = Number(values["bandit-replications"]);
  const scenario = earnRateCurveScenario();
  const grids: { name: string; rates?: number[] }[] = [
    { name: "scenario-grid" },
    { name: "app-grid", rates: earnRateCandidates(0.5, 8, 1, 6).rates },
  ];
  const regret = (r: PolicySummary) => `${r.regret.mean.toFixed(0)} ± ${r.regret.se.toFixed(0)}`;
  const share = (x: number) => `${(x * 100).toFixed(0)}%`;
  for (const grid of grids) {
    const began = performance.now();
    const population = earnRatePopulation(scenario, grid.rates);
    const truth = population.means.indexOf(Math.max(...population.means));
    const r = runEarnRate(population, replications, seed + 8);
    const gp = r.gp!;
    const independent = r.independent!;
    const line = (name: string, pass: boolean, text: string) => {
      console.log(`${name}: ${text} ${pass ? "PASS" : "FAIL"}`);
      if (!pass) failures++;
    };
    const se = Math.sqrt((gp.withinOneStep * (1 - gp.withinOneStep)) / replications);
    line(
      `earn-rate-${grid.name}-gp-within-one-step`,
      gp.withinOneStep >= 0.9 - 2 * se,
      `${share(gp.withinOneStep)} (target >= 90%; exact rate ${share(gp.exact)}; ±${(se * 100).toFixed(1)} points 1 s.e.)`,
    );
    const difference = pairedDifference(gp.regrets, independent.regrets);
    line(
      `earn-rate-${grid.name}-gp-regret-vs-independent`,
      difference.mean < 2 * difference.se,
      `GP ${regret(gp)} against independent arms ${regret(independent)}: paired difference ` +
        `${difference.mean.toFixed(0)} ± ${difference.se.toFixed(0)} (target < 2 s.e., not worse beyond noise)`,
    );
    line(
      `earn-rate-${grid.name}-gp-exact-vs-independent`,
      gp.exact >= independent.exact,
      `GP names the exact best rate in ${share(gp.exact)} (target >= independent arms' ${share(independent.exact)}; ` +
        `within one step ${share(independent.withinOneStep)})`,
    );
    for (const name of ["halving", "halvingFloor"] as const)
      console.log(
        `  ${name === "halving" ? "successive halving" : "successive halving with the 1% floor"}: regret ${regret(r[name]!)}, ` +
          `within one step ${share(r[name]!.withinOneStep)}, exact ${share(r[name]!.exact)}`,
      );
    console.log(
      `  rates ${population.rates.join(", ")}; true net margin per member $${population.means.map((m) => m.toFixed(2)).join(", ")} ` +
        `(best ${population.rates[truth]}); ${EARN_RATE_RUN.periods} periods of ${EARN_RATE_RUN.perPeriod} members, ` +
        `${replications} replications, regret in $; ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
  }
}

// 9. The threshold optimizer (issue 16 item 5): on scenarios whose true best reward cost is
// known, the share of searches that recommend it at the end of the scenario's horizon
// (scripts/threshold-validation.ts says how the members and their responses are drawn).
if (section("thresholds")) {
  runs = Number(values["threshold-replications"]);
  for (const name of THRESHOLD_SCENARIOS) {
    const began = performance.now();
    const population = thresholdPopulation(name);
    const built = (performance.now() - began) / 1000;
    const { rate, picks } = successRate(population, runs, seed + 8);
    const { optimizer, variants, truth } = population.scenario;
    report(`threshold-${name.replace(/^threshold-/, "")}-finds-true-best`, rate, ">=", 0.9);
    const sorted = [...population.means].sort((a, b) => b - a);
    console.log(
      `  candidates ${variants.map((v) => v.key).join(", ")}; true net margin per member over ${truth.horizonDays} days ` +
        `${population.means.map((m) => `$${m.toFixed(2)}`).join(", ")} (best ${variants[population.best]!.key}, ` +
        `$${(sorted[0]! - sorted[1]!).toFixed(2)} above the next) from ${population.outcomes[0]!.length} buyers; ` +
        `horizon ${optimizer!.periods} periods of ${optimizer!.membersPerPeriod} members; picks ${picks.join("/")} ` +
        `(last: no posterior); ${built.toFixed(1)} s population, ${((performance.now() - began) / 1000 - built).toFixed(1)} s searches`,
    );
  }
}

// 10. The long-term objective (issue 16 item 3): on simulator/scenarios/long-term-bribe.json a
// 14-day deep discount wins 14-day net revenue and loses 180-day margin (the simulator's
// ground truth). Over replications, experiments and bandits on `longTermValue` must pick the
// 180-day winner (share ≥ 90%) and those on 14-day net revenue must not (share ≤ 10%).
// scripts/long-term-validation.ts says what each run reads.
if (section("long-term")) {
  const began = performance.now();
  const replications = Number(values["long-term-replications"]);
  const scenario = loadScenario("simulator/scenarios/long-term-bribe.json");
  const population = longTermPopulation(scenario);
  const best = trueBest(population);
  const rng = new Rng(seed + 8);
  const f = population.fit.params;
  console.log(
    `long-term: ${population.ids.length} buyers live 180 days under ${population.arms.join(" and ")}; ` +
      population.truth
        .map(
          (t) =>
            `${t.arm}: 14-day net revenue $${t.netRevenue14.toFixed(2)}, 180-day margin $${t.margin180.toFixed(2)} per member`,
        )
        .join("; ") +
      `; 180-day winner ${population.arms[best]}. Lifetime-value model fitted on the history (${population.fit.customers} buyers): ` +
      `r ${f.r!.toFixed(3)}, α ${f.alpha!.toFixed(2)}, a ${f.a!.toFixed(3)}, b ${f.b!.toFixed(3)}, p ${f.p!.toFixed(2)}, q ${f.q!.toFixed(2)}, γ ${f.gamma!.toFixed(2)}`,
  );
  const mean = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0) / xs.length;
  for (const read of [1, 3, 7])
    console.log(
      `  read ${READ_DAYS[read]} days after exposure, per member: ` +
        population.arms
          .map(
            (arm, a) =>
              `${arm} net margin $${mean(population.margin[a]![read]!).toFixed(2)}, long-term value $${mean(population.long[a]![read]!).toFixed(2)}`,
          )
          .join("; "),
    );
  const line = (name: string, share: number, op: ">=" | "<=", target: number, detail: string) => {
    const pass = op === ">=" ? share >= target : share <= target;
    console.log(
      `${name}: ${percent(share)} (target ${op} ${percent(target)}) ${pass ? "PASS" : "FAIL"}  ${detail}`,
    );
    if (!pass) failures++;
  };
  const READ = 3; // 28 days after exposure
  const SIZE = 8_000;
  const hits: Record<Objective, number> = { short: 0, margin: 0, long: 0 };
  for (let r = 0; r < replications; r++) {
    const picks = fixedSplitPicks(population, `long-term-${r}`, rng, SIZE, READ);
    for (const o of ["short", "margin", "long"] as const) if (picks[o] === best) hits[o]++;
  }
  const fixed = `(${replications} fixed-split experiments of ${SIZE} members, read ${READ_DAYS[READ]} days after exposure; net margin alone: ${percent(hits.margin / replications)})`;
  line("long-term-fixed-split-picks-180-day-winner", hits.long / replications, ">=", 0.9, fixed);
  line("short-term-fixed-split-picks-180-day-winner", hits.short / replications, "<=", 0.1, fixed);
  const WEEKS = 8;
  const PER_WEEK = 1_000;
  for (const objective of ["long", "short"] as const) {
    let picked = 0;
    let share = 0;
    for (let r = 0; r < replications; r++) {
      const b = banditPick(population, objective, `long-term-bandit-${objective}-${r}`, rng, PER_WEEK, WEEKS);
      if (b.pick === best) picked++;
      share += b.shares[best]! / replications;
    }
    line(
      `${objective === "long" ? "long-term" : "short-term"}-bandit-picks-180-day-winner`,
      picked / replications,
      objective === "long" ? ">=" : "<=",
      objective === "long" ? 0.9 : 0.1,
      `(${replications} weekly bandits, ${WEEKS} cohorts of ${PER_WEEK}; mean share of members given the winner ${percent(share)})`,
    );
  }
  // The surrogate's known failure, printed without a target: a mild discount pulls purchases
  // forward without costing much margin, and the model reads them as a better customer.
  const mild = longTermPopulation(loadScenario("simulator/scenarios/long-term-mild-bribe.json"));
  const mildBest = trueBest(mild);
  console.log(
    `long-term-mild-bribe (no target, ADR 0043 "Limits"): ` +
      mild.truth
        .map(
          (t) =>
            `${t.arm}: 14-day net revenue $${t.netRevenue14.toFixed(2)}, 180-day margin $${t.margin180.toFixed(2)}`,
        )
        .join("; ") +
      `; 180-day winner ${mild.arms[mildBest]}`,
  );
  for (const read of [1, 3, 7]) {
    const picked: Record<Objective, number> = { short: 0, margin: 0, long: 0 };
    for (let r = 0; r < replications; r++) {
      const picks = fixedSplitPicks(mild, `long-term-mild-${read}-${r}`, rng, SIZE, read);
      for (const o of ["short", "margin", "long"] as const) if (picks[o] === mildBest) picked[o]++;
    }
    console.log(
      `  read ${READ_DAYS[read]} days: long-term value ` +
        mild.arms.map((arm, a) => `${arm} $${mean(mild.long[a]![read]!).toFixed(2)}`).join(" / ") +
        `, picks the 180-day winner in ${percent(picked.long / replications)} (net margin alone ${percent(picked.margin / replications)}, 14-day net revenue ${percent(picked.short / replications)})`,
    );
  }
  console.log(`  ${((performance.now() - began) / 1000).toFixed(1)} s`);
}

// 11. Auto-apply (issue 16): over replications of a bandit run by the app's update, guardrails
// and auto-apply rule (scripts/auto-apply-validation.ts), the arm with the best revenue but a
// reward cost past its limit is never shipped (0 of N), and where it stays within the limit it
// is shipped (the share is reported, with a floor of 80%).
if (section("auto-apply")) {
  const replications = Number(values["auto-apply-replications"]);
  console.log(
    `auto-apply: ${replications} replications per scenario, 3 arms, 168 hourly periods of 100 members, the default rule ` +
      `(P(best) ≥ 95% held 24 hours, ≥ 100 members per arm), reward cost limit +${COST_LIMIT * 100}%; ` +
      `bandit burn-in ${AUTO_APPLY_BANDIT.burnInPeriods} periods, floor ${AUTO_APPLY_BANDIT.minShare * 100}%`,
  );
  for (const scenario of AUTO_APPLY_SCENARIOS) {
    const began = performance.now();
    const r = runAutoApplyScenario(scenario, replications, seed + 8);
    const costLift = scenario.cost[2]! / scenario.cost[0]! - 1;
    const breaching = costLift > COST_LIMIT;
    const shippedText = Object.entries(r.shipped)
      .map(([arm, n]) => `${arm} ${n}`)
      .join(", ");
    let pass: boolean;
    if (breaching) {
      pass = r.shipped.c === 0;
      console.log(
        `auto-apply-${scenario.name}-ships-breaching-arm: ${r.shipped.c} of ${replications} (target 0) ${pass ? "PASS" : "FAIL"}`,
      );
    } else {
      const share = r.shipped.c! / replications;
      pass = share >= 0.8;
      console.log(
        `auto-apply-${scenario.name}-ships-best-safe-arm: ${percent(share)} of ${replications} (target >= 80.00%) ${pass ? "PASS" : "FAIL"}`,
      );
    }
    if (!pass) failures++;
    console.log(
      `  arm C: revenue ${scenario.revenue[2]} against ${scenario.revenue[0]}, reward cost ${costLift >= 0 ? "+" : ""}${(costLift * 100).toFixed(0)}% ` +
        `(limit +${COST_LIMIT * 100}%); shipped: ${shippedText}; paused on a breach or SRM: ${r.paused}; neither by the end: ${r.none}; ` +
        `median period of the ship or pause ${r.medianPeriod ?? "—"}; ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
  }
}

console.log(
  `validate-experiments: ${((performance.now() - started) / 1000).toFixed(1)} s, ${failures} failed`,
);
process.exit(failures > 0 ? 1 : 0);
