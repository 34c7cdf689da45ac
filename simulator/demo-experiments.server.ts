// The demo shop's experiments: a running program holdout and one earn-rate experiment that
// started `DEMO_EXPERIMENT_DAYS` before the end of history, created through the app's
// experiments service as the simulator (so the pages say their numbers are simulated), and
// their exposures: the app's own sweep, run once the backfill has imported the members
// (every member at launch, or when they became the shop's customer if later). The history
// since launch is thinned to follow each arm's response (`respondToArms`).
import { createExperiment, startHoldout } from "../app/experiments/experiments.server";
import { launchExperiment, stopExperiment } from "../app/experiments/lifecycle.server";
import { proposeCandidates, thresholdFormatter } from "../app/experiments/optimizer";
import { optimizerExperimentInput } from "../app/experiments/optimizer.server";
import { sweepExposures } from "../app/experiments/exposure-sweep.server";
import { periodAt, storedBandit, updateBandit } from "../app/experiments/bandit.server";
import { currentProgramVersion } from "../app/loyalty/services/program.server";
import { SIMULATOR_STAFF_ID } from "../app/experiments/simulated";
import type { PrismaClient } from "../app/db.server";
import type { Program } from "../app/loyalty/program";
import { memberPrograms, shopPrograms } from "../app/loyalty/services/member-program.server";
import { DAY_MS } from "./model/calendar";
import type { Segment } from "./model/params";
import { Rng } from "./random/rng";
import { rateComponents, type CustomerState, type ProgramExposure } from "./scenario/respond";
import type { ResponseConfig } from "./scenario/schema";
import type { GeneratedShop } from "./shop";

export const DEMO_EXPERIMENT_DAYS = 60;
export const DEMO_HOLDOUT_PERCENT = 10;

function orThrow<T>(
  what: string,
  outcome: { ok: true; value: T } | { ok: false; message: string; fieldErrors: object },
): T {
  if (!outcome.ok) throw new Error(`${what}: ${outcome.message} ${JSON.stringify(outcome.fieldErrors)}`);
  return outcome.value;
}

/** Removes the shop's experiments and what they recorded (shop redaction leaves them: no foreign key to the shop). */
export async function eraseExperiments(db: PrismaClient, shop: string): Promise<void> {
  await db.$transaction([
    db.experimentExposure.deleteMany({ where: { shop } }),
    db.holdoutShadowEntry.deleteMany({ where: { shop } }),
    db.experimentAudit.deleteMany({ where: { shop } }),
    db.experimentAllocation.deleteMany({ where: { shop } }),
    db.experiment.deleteMany({ where: { shop } }),
  ]);
}

/** Starts the holdout and launches "double points" against the live earn rate, both `days` before `now`. */
export async function startDemoExperiments(
  db: PrismaClient,
  shop: string,
  pointsPerCurrencyUnit: number,
  now: Date,
  days = DEMO_EXPERIMENT_DAYS,
): Promise<{ launchedAt: Date; banditId: string }> {
  const launchedAt = new Date(now.getTime() - days * DAY_MS);
  await eraseExperiments(db, shop);
  const options = { staffId: SIMULATOR_STAFF_ID, now: launchedAt };
  orThrow("startHoldout", await startHoldout(db, shop, { sharePercent: DEMO_HOLDOUT_PERCENT }, options));
  const created = orThrow(
    "createExperiment",
    await createExperiment(
      db,
      shop,
      {
        key: "double-points",
        name: "Double points",
        hypothesis: "Doubling the earn rate brings members back sooner and pays for its reward cost.",
        lever: "earnRate",
        primaryMetric: "netRevenue",
        secondaryMetrics: ["orders", "conversion", "aov", "rewardCost"],
        guardrails: [{ metric: "netMargin", threshold: 0.05 }],
        variants: [
          { key: "control", name: `${pointsPerCurrencyUnit} point per $1`, weight: 50, control: true },
          {
            key: "double",
            name: `${2 * pointsPerCurrencyUnit} points per $1`,
            weight: 50,
            override: { earning: { pointsPerCurrencyUnit: 2 * pointsPerCurrencyUnit } },
          },
        ],
      },
      SIMULATOR_STAFF_ID,
    ),
  );
  orThrow("launchExperiment", await launchExperiment(db, shop, created.id, options));
  const bandit = orThrow(
    "createExperiment (bandit)",
    await createExperiment(
      db,
      shop,
      demoBanditInput((await currentProgramVersion(db, shop)).program),
      SIMULATOR_STAFF_ID,
    ),
  );
  orThrow("launchExperiment (bandit)", await launchExperiment(db, shop, bandit.id, options));
  return { launchedAt, banditId: bandit.id };
}

/**
 * The demo's bandit: the reward costs (what a member must collect before a reward) as they
 * are, 25% and 40% lower, on half of the rewards lever's layer (the earn-rate experiment is on
 * another lever, so they overlap independently), updated every three days after a six-day
 * burn-in: 20 updates over the 60 days. Replayed after the backfill they took 21.8 s at 4,000
 * customers (daily updates: 47 s, each update slower as the history since launch grows);
 * not measured at the demo's 20,000.
 */
export function demoBanditInput(program: Program) {
  const cheaper = (factor: number) => ({
    rewards: program.rewards.map((r) => ({
      ...r,
      pointsCost: Math.max(10, Math.round((r.pointsCost * factor) / 10) * 10),
    })),
  });
  return {
    key: "reward-thresholds",
    name: "Reward thresholds (bandit)",
    hypothesis:
      "Rewards within closer reach bring members back for the next order; the bandit sends more new members to the threshold that earns most per member.",
    lever: "rewards" as const,
    trafficPercent: 50,
    primaryMetric: "netRevenue" as const,
    secondaryMetrics: ["orders" as const, "rewardCost" as const],
    guardrails: [{ metric: "netMargin" as const, threshold: 0.05 }],
    variants: [
      { key: "control", name: "Reward costs as they are", weight: 34, control: true },
      { key: "minus-25", name: "Rewards 25% closer", weight: 33, override: cheaper(0.75) },
      { key: "minus-40", name: "Rewards 40% closer", weight: 33, override: cheaper(0.6) },
    ],
    bandit: {
      cadenceMinutes: 3 * 1440,
      burnInPeriods: 2,
      minSharePercent: 5,
      maxChangePercent: 20,
      minMembersPerArm: 50,
    },
  };
}

/**
 * A back-dated bandit's allocation history, by the app's own update (bandit.server.ts) run at
 * each period's start from launch to `now`, in order: each run sweeps the exposures due by then
 * (new members get the allocation in force when they joined) and writes that period's
 * allocation from the data up to then. Returns the periods written.
 */
export async function replayBanditUpdates(
  db: PrismaClient,
  shop: string,
  experimentId: string,
  now: Date,
): Promise<number> {
  const e = await db.experiment.findFirstOrThrow({ where: { shop, id: experimentId } });
  const { cadenceMinutes } = storedBandit(e.bandit);
  const last = periodAt(e.launchedAt!, cadenceMinutes, now);
  let written = 0;
  for (let p = 1; p <= last; p++) {
    // A minute into the period, as the 5-minute schedule would find it.
    const at = new Date(e.launchedAt!.getTime() + p * cadenceMinutes * 60_000 + 60_000);
    if (at > now) break;
    if ((await updateBandit(db, shop, experimentId, at)).status === "written") written++;
  }
  return written;
}

/**
 * The exposures of the imported history: the launch found no members (the backfill came
 * after it), so the app's sweep exposes them now, each at max(launch, the day they became
 * the shop's customer), in the arm the app's assignment gives them, with the CUPED
 * covariate. Returns the exposures per qualified variant key.
 */
export async function recordHistoryExposures(
  db: PrismaClient,
  shop: string,
  now: Date,
): Promise<Record<string, number>> {
  await sweepExposures(db, shop, now);
  const rows = await db.experimentExposure.groupBy({
    by: ["variantKey"],
    where: { shop },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((r) => [r.variantKey, r._count._all]));
}

/**
 * Makes the generated history since launch respond to the arms the app assigned, as the
 * scenario's response model says: an order of a customer in the window is kept with
 * probability (their arm's purchase-rate multiplier) / (the largest multiplier any arm
 * gives them), membership and earn rate only (balances and tier goals are not known before
 * the backfill). Thinning a Poisson process keeps it Poisson at the reduced rate, so each arm's
 * history is what the model predicts up to one common factor. Refunds and reviews of dropped
 * orders go with them. Returns how many orders were dropped in each arm.
 */
export async function respondToArms(
  db: PrismaClient,
  generated: GeneratedShop,
  launchedAt: Date,
  response: ResponseConfig,
): Promise<Record<string, number>> {
  const shop = generated.params.domain;
  const resolve = await memberPrograms(db, shop, launchedAt);
  const { all } = await shopPrograms(db, shop, launchedAt);
  const programs = [
    { heldOut: true, program: all[0]!.program },
    ...all.map((p) => ({ heldOut: false, program: p.program })),
  ];
  const segmentOf = new Map(generated.customers.map((c) => [c.id, c.profile.segment]));
  const multiplier = (segment: Segment, heldOut: boolean, program: Program) => {
    const state = { segment, pointsBalance: Number.MAX_SAFE_INTEGER, tierProgressMinor: 0 } as CustomerState;
    const exposure: ProgramExposure = {
      member: !heldOut,
      pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit,
      tierMultiplier: 1,
      rewards: program.rewards.flatMap((r) =>
        r.value.kind === "fixedAmount"
          ? [{ id: r.id, pointsCost: r.pointsCost, valueMinor: r.value.amount.amountMinor }]
          : [],
      ),
      nextTierThresholdMinor: null,
      message: null,
      seasonality: 1,
    };
    return rateComponents(response, state, exposure).total;
  };
  const rng = Rng.forLabel(generated.params.seed, "demo-arms");
  const dropped = new Set<string>();
  const counts: Record<string, number> = {};
  const start = launchedAt.getTime();
  for (const order of generated.orders) {
    if (order.customerId == null || Date.parse(order.createdAt!) < start) continue;
    const customerId = BigInt(order.customerId);
    const segment = segmentOf.get(Number(order.customerId)) ?? "casual";
    const best = Math.max(...programs.map((p) => multiplier(segment, p.heldOut, p.program)));
    const mine = resolve(customerId);
    const keep = multiplier(segment, mine.heldOut === true, mine.program) / best;
    if (rng.float() < keep) continue;
    dropped.add(String(order.id));
    const arm = mine.heldOut ? "holdout" : mine.variants.join("+") || "control";
    counts[arm] = (counts[arm] ?? 0) + 1;
  }
  generated.orders = generated.orders.filter((o) => !dropped.has(String(o.id)));
  generated.refunds = generated.refunds.filter((r) => !dropped.has(String(r.orderId)));
  generated.reviews = generated.reviews.filter((r) => !dropped.has(String(r.orderId)));
  return counts;
}

/** The demo's threshold search: weekly updates (8 over the 60 days), the other half of the rewards layer. */
export const DEMO_SEARCH_CADENCE_MINUTES = 7 * 1440;

/**
 * The demo's reward-threshold optimization (ADR 0042): the live reward with the
 * most value per point (the one the response model's reward rate follows), searched from half
 * to twice its cost over four candidates placed by the optimizer's own rule on the generated
 * history's points per customer (their order subtotals in the 365 days before launch
 * at the live earn rate: the backfill has not run yet, so the app's ledger is empty), launched
 * with the other experiments so the history responds to its arms. `finishThresholdSearch`
 * stops it once its allocations are replayed: the report then shows the curve and recommends.
 */
export async function startDemoThresholdSearch(
  db: PrismaClient,
  generated: GeneratedShop,
  launchedAt: Date,
): Promise<string> {
  const shop = generated.params.domain;
  const live = (await currentProgramVersion(db, shop)).program;
  const reward = live.rewards
    .filter((r) => r.active && r.value.kind === "fixedAmount")
    .sort((a, b) => valuePerPoint(b) - valuePerPoint(a))[0];
  if (!reward) throw new Error("The demo program has no fixed-amount reward to optimise.");
  const since = launchedAt.getTime() - 365 * DAY_MS;
  const earned = new Map<string, number>();
  for (const order of generated.orders) {
    const at = Date.parse(order.createdAt ?? "");
    if (order.customerId == null || at < since || at >= launchedAt.getTime()) continue;
    const subtotal = order.lineItems.reduce((sum, l) => sum + Number(l.unitPrice) * l.quantity, 0);
    const key = String(order.customerId);
    earned.set(key, (earned.get(key) ?? 0) + subtotal * live.earning.pointsPerCurrencyUnit);
  }
  const values = [...earned.values()].map(Math.round);
  const min = Math.max(10, Math.round(reward.pointsCost / 2));
  const max = reward.pointsCost * 2;
  const proposal = proposeCandidates(values, min, max, 4);
  const format = thresholdFormatter("points", live.currency);
  const input = optimizerExperimentInput(
    live,
    {
      request: {
        kind: "rewardCost",
        targetId: reward.id,
        min,
        max,
        count: 4,
        objective: "netMargin",
        trafficPercent: 50,
        cadenceMinutes: DEMO_SEARCH_CADENCE_MINUTES,
      },
      target: { name: reward.name, current: reward.pointsCost, lower: 1, upper: max, unit: "points" },
      candidates: proposal.candidates.map((value) => ({ value, label: format(value), reachedBy: 0 })),
      rule: proposal.rule,
      membersInRange: proposal.membersInRange,
      members: values.length,
      distribution: "points each customer earned over the year before launch",
      warnings: [],
    },
    "demo",
  );
  const created = orThrow(
    "createExperiment (threshold search)",
    await createExperiment(db, shop, input, SIMULATOR_STAFF_ID),
  );
  orThrow(
    "launchExperiment (threshold search)",
    await launchExperiment(db, shop, created.id, { staffId: SIMULATOR_STAFF_ID, now: launchedAt }),
  );
  return created.id;
}

const valuePerPoint = (r: Program["rewards"][number]) =>
  r.value.kind === "fixedAmount" ? r.value.amount.amountMinor / r.pointsCost : 0;

/** Replays the search's weekly allocations, then stops it: a finished search with its recommendation. */
export async function finishThresholdSearch(
  db: PrismaClient,
  shop: string,
  id: string,
  now: Date,
): Promise<number> {
  const periods = await replayBanditUpdates(db, shop, id, now);
  orThrow(
    "stopExperiment (threshold search)",
    await stopExperiment(db, shop, id, { staffId: SIMULATOR_STAFF_ID, now }),
  );
  return periods;
}
