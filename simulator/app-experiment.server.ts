// A scenario run through the app's experiments (`npm run sim`): the scenario's variants become
// the app's program holdout and one experiment on the lever they differ in, created and
// launched through the experiments service; each buyer gets the program the app's own
// resolution gives them (memberPrograms: the live version, their variant's override, or
// held out) and lives the simulated days under it (app-life.ts); the outcome is analysed
// with the app's statistics, and every variant's measured lift and interval is put next to
// the simulator's true lift.
//
// The buyers are the shop's members (rows written before launch, joined the day before it),
// and the app's own exposure sweep exposes them, at launch, in the arm its assignment gives
// them (ADR 0020, amended: exposure at assignment); the analysis counts the members the app
// exposed, from their exposure on.
//
// The true lift is counterfactual: every exposed member (not only those assigned to it) lives
// the same days once under each arm's program with the same random numbers, and the metric is
// computed over the same exposed population as the analysis. So it is the lift the randomized
// comparison estimates, on this shop's customers, with Monte Carlo noise far below the
// experiment's own.
import type { PrismaClient } from "../app/db.server";
import { createExperiment, startHoldout } from "../app/experiments/experiments.server";
import { sweepExposures } from "../app/experiments/exposure-sweep.server";
import { launchExperiment } from "../app/experiments/lifecycle.server";
import { SIMULATOR_STAFF_ID } from "../app/experiments/simulated";
import { analyseExperiment, type MetricInput } from "../app/experiments/stats/analysis";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { memberPrograms } from "../app/loyalty/services/member-program.server";
import { currentProgramVersion, saveProgram } from "../app/loyalty/services/program.server";
import { liveUnderProgram, type LifeContext, type MemberLife, type SimMember } from "./app-life";
import { eraseExperiments } from "./demo-experiments.server";
import { eraseShop } from "./history-app.server";
import { DAY_MS } from "./model/calendar";
import { Rng, hashString } from "./random/rng";
import { customerState } from "./scenario/ground-truth";
import { responder } from "./scenario/respond";
import type { Scenario } from "./scenario/schema";
import { customerBatches, defineShop } from "./shop";
import { appDesign, type AppDesign, type DesignComparison } from "./app-design";

export interface AppRunOptions {
  days?: number;
  seed?: number;
  /** The shop the experiment is created in (erased first); default `sim-<scenario>.myshopify.com`. */
  shop?: string;
}

export interface ArmSummary {
  key: string;
  /** Buyers the app assigned to the arm, their share and the share the weights promise. */
  assigned: number;
  share: number;
  expectedShare: number;
  exposed: number;
  /** Members with at least one order in the horizon: who a first-order trigger would have exposed. */
  ordered: number;
  orders: number;
  netRevenueMinor: number;
  pointsIssued: number;
  redemptions: number;
  rewardCostMinor: number;
}

export interface LiftRow {
  /** `holdout` (the program against no program) or the experiment's key. */
  report: string;
  variant: string;
  control: string;
  metric: string;
  measuredLift: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
  trueLift: number | null;
  truthInsideInterval: boolean | null;
}

export interface AppExperimentReport {
  scenario: { name: string; seed: number; days: number };
  shop: { domain: string; buyers: number; simulated: number; historyEnd: string };
  design: { holdoutSharePercent: number | null; experiment: { key: string; lever: string } | null };
  arms: ArmSummary[];
  lifts: LiftRow[];
  srm: Array<{ report: string; pValue: number; warning: boolean }>;
  decisions: Array<{ report: string; verdict: string; reasons: string[] }>;
  truthMethod: string;
  elapsedMs: number;
}

const METRICS = [
  { key: "netRevenue", name: "Net revenue per member", of: (l: MemberLife) => l.netRevenueMinor / 100 },
  { key: "orders", name: "Orders per member", of: (l: MemberLife) => l.orders },
] as const;

export async function runScenarioThroughApp(
  db: PrismaClient,
  input: Scenario,
  options: AppRunOptions = {},
): Promise<AppExperimentReport> {
  const started = performance.now();
  const scenario: Scenario =
    options.seed === undefined ? input : { ...input, shop: { ...input.shop, seed: options.seed } };
  const days = options.days ?? scenario.truth.horizonDays;
  const { definition, members, buyers } = scenarioMembers(scenario, days);
  const { params, calendar } = definition;
  const seed = params.seed;
  const domain = options.shop ?? `sim-${scenario.name}.myshopify.com`;

  const design = appDesign(scenario, params.currency);
  const start = new Date(calendar.endMs);
  await createInApp(db, domain, design, start, members);
  // Launch sweeps small shops at once; a larger one would have a job do it: do it here.
  await sweepExposures(db, domain, start);
  const exposedTo = await exposuresByMember(db, domain);

  // The app decides who gets what: its assignment and program resolution at the start.
  const resolve = await memberPrograms(db, domain, start);
  const armOf = (customerId: string) => {
    const resolved = resolve(BigInt(customerId));
    if (resolved.heldOut) return { arm: design.holdout!.key, program: resolved.program, heldOut: true };
    const variant = design.experiment
      ? resolved.variants
          .map((q) => design.experiment!.armByQualifiedKey.get(q))
          .find((key) => key !== undefined)
      : undefined;
    return { arm: variant ?? design.control.key, program: resolved.program, heldOut: false };
  };

  const ctx: LifeContext = {
    calendar,
    days,
    seed,
    respond: responder(scenario.response),
    rng: new Rng((seed ^ hashString(`sim:${scenario.name}`)) | 0),
  };
  const messageOf = new Map(scenario.variants.map((v) => [v.key, v.message]));
  const observed = new Map<string, Observed[]>(design.arms.map((a) => [a.key, []]));
  members.forEach((m, index) => {
    const { arm, program, heldOut } = armOf(m.id);
    const life = liveUnderProgram(ctx, m, program, { heldOut, message: messageOf.get(arm) });
    observed.get(arm)!.push({ index, exposedTo: exposedTo.get(m.id) ?? new Set(), life });
  });
  // The experiment each comparison analyses (the scenario's all-arms one lives in the holdout's).
  const holdoutKey = (
    await db.experiment.findFirst({ where: { shop: domain, kind: "holdout" }, select: { key: true } })
  )?.key;
  const experimentOf = (report: string) =>
    report === "holdout" || report === "scenario" ? holdoutKey : report;

  // The truth: every buyer under every arm's program, same random numbers.
  const truth = new Map<string, MemberLife[]>();
  for (const a of design.arms)
    truth.set(
      a.key,
      members.map((m) =>
        liveUnderProgram(ctx, m, a.program, { heldOut: a.heldOut, message: messageOf.get(a.key) }),
      ),
    );

  const lifts: LiftRow[] = [];
  const srm: AppExperimentReport["srm"] = [];
  const decisions: AppExperimentReport["decisions"] = [];
  for (const comparison of design.comparisons) {
    const outcome = analyseComparison(comparison, observed, truth, experimentOf(comparison.report));
    lifts.push(...outcome.lifts);
    srm.push(outcome.srm);
    decisions.push(outcome.decision);
  }

  const simulated = members.length;
  return {
    scenario: { name: scenario.name, seed, days },
    shop: { domain, buyers, simulated, historyEnd: start.toISOString() },
    design: {
      holdoutSharePercent: design.holdout?.sharePercent ?? null,
      experiment: design.experiment
        ? { key: design.experiment.input.key, lever: design.experiment.input.lever }
        : null,
    },
    arms: design.arms.map((a) => {
      const arm = observed.get(a.key)!;
      const sum = (f: (l: MemberLife) => number) => arm.reduce((s, o) => s + f(o.life), 0);
      return {
        key: a.key,
        assigned: arm.length,
        share: arm.length / Math.max(1, simulated),
        expectedShare: a.share,
        exposed: arm.filter((o) => o.exposedTo.size > 0).length,
        ordered: sum((l) => (l.firstOrderDay === null ? 0 : 1)),
        orders: sum((l) => l.orders),
        netRevenueMinor: sum((l) => l.netRevenueMinor),
        pointsIssued: sum((l) => l.pointsIssued),
        redemptions: sum((l) => l.redemptions),
        rewardCostMinor: sum((l) => l.rewardCostMinor),
      };
    }),
    lifts,
    srm,
    decisions,
    truthMethod:
      "counterfactual: every member the app exposed lives the same days under each arm's program with common " +
      "random numbers; true mean = Σ metric / Σ members over that population (a mixed arm mixes its variants by weight)",
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The scenario's shop over `days` and its buyers (the first `truth.maxCustomers`) as members to simulate. */
export function scenarioMembers(scenario: Scenario, days: number) {
  const definition = defineShop({ ...scenario.shop, horizonDays: Math.max(scenario.shop.horizonDays, days) });
  const members: SimMember[] = [];
  let buyers = 0;
  for (const batch of customerBatches(definition)) {
    batch.customers.forEach((c, i) => {
      if (!c.latent.buyer) return;
      buyers += 1;
      if (members.length < scenario.truth.maxCustomers)
        members.push({ index: c.index, id: String(c.id), state: customerState(c, batch.histories[i]!) });
    });
  }
  return { definition, members, buyers };
}

/**
 * Erases the shop, saves the control's program as live, writes the members (joined the day
 * before launch; a bandit run writes none here: its members join later), starts the holdout
 * and launches the experiment.
 */
export async function createInApp(
  db: PrismaClient,
  shop: string,
  design: AppDesign,
  start: Date,
  members: readonly SimMember[],
): Promise<void> {
  await eraseExperiments(db, shop);
  if (await db.shop.findUnique({ where: { domain: shop }, select: { domain: true } }))
    await eraseShop(db, shop);
  await db.shop.create({
    data: { domain: shop, name: shop, currencyCode: design.live.currency, ianaTimezone: "UTC" },
  });
  const { version } = await currentProgramVersion(db, shop);
  await saveProgram(db, shop, design.live, {
    basedOn: version,
    createdBy: SIMULATOR_STAFF_ID,
    note: "Scenario control",
  });
  const joined = new Date(start.getTime() - DAY_MS);
  for (let i = 0; i < members.length; i += 5_000)
    await db.member.createMany({
      data: members.slice(i, i + 5_000).map((m) => ({
        shop,
        customerId: BigInt(m.id),
        status: "active" as const,
        enrolledAt: joined,
        createdAt: joined,
      })),
    });
  const options = { staffId: SIMULATOR_STAFF_ID, now: start };
  if (design.holdout) {
    const held = await startHoldout(db, shop, { sharePercent: design.holdout.sharePercent }, options);
    if (!held.ok) throw new Error(`startHoldout: ${held.message} ${JSON.stringify(held.fieldErrors)}`);
  }
  if (design.experiment) {
    const created = await createExperiment(db, shop, design.experiment.input, SIMULATOR_STAFF_ID);
    if (!created.ok)
      throw new Error(`createExperiment: ${created.message} ${JSON.stringify(created.fieldErrors)}`);
    const launched = await launchExperiment(db, shop, created.value.id, options);
    if (!launched.ok) throw new Error(`launchExperiment: ${launched.message}`);
  }
}

/**
 * One comparison with the app's statistics over the members the app exposed to
 * `experimentKey`, each lift next to the truth over the same population.
 */
function analyseComparison(
  comparison: DesignComparison,
  observed: Map<string, Observed[]>,
  truth: Map<string, MemberLife[]>,
  experimentKey: string | undefined,
) {
  const exposedOnly = comparison.arms.map((a) =>
    a.keys
      .flatMap((k) => observed.get(k)!)
      .filter((o) => experimentKey !== undefined && o.exposedTo.has(experimentKey)),
  );
  const population = new Set(exposedOnly.flat().map((o) => o.index));
  const metrics: MetricInput[] = METRICS.map((metric, i) => ({
    kind: "mean",
    key: metric.key,
    name: metric.name,
    role: i === 0 ? "primary" : "secondary",
    higherIsBetter: true,
    arms: exposedOnly.map((arm) => meanStats(arm.map((o) => metric.of(o.life)))),
  }));
  const analysis = analyseExperiment({
    variants: comparison.arms.map((a) => a.name),
    weights: comparison.arms.map((a) => a.weight),
    exposed: exposedOnly.map((l) => l.length),
    metrics,
    reachedPlannedEnd: true,
  });
  const lifts: LiftRow[] = [];
  METRICS.forEach((metric, mi) => {
    const trueMeans = comparison.arms.map((a) => trueMean(a.keys, a.mix, truth, population, metric.of));
    analysis.metrics[mi]!.variants.forEach((v, vi) => {
      const lift = v.frequentist.ok ? v.frequentist.relative : null;
      const trueLift = trueMeans[0]! > 0 ? trueMeans[vi + 1]! / trueMeans[0]! - 1 : null;
      lifts.push({
        report: comparison.report,
        variant: v.variant,
        control: comparison.arms[0]!.name,
        metric: metric.key,
        measuredLift: lift?.estimate ?? null,
        lower: lift?.lower ?? null,
        upper: lift?.upper ?? null,
        pValue: lift?.pValue ?? null,
        trueLift,
        truthInsideInterval:
          lift && trueLift !== null ? lift.lower <= trueLift && trueLift <= lift.upper : null,
      });
    });
  });
  return {
    lifts,
    srm: { report: comparison.report, pValue: analysis.srm.pValue, warning: analysis.srm.warning },
    decision: {
      report: comparison.report,
      verdict: analysis.decision.verdict,
      reasons: analysis.decision.reasons,
    },
  };
}

function meanStats(values: readonly number[]): MeanStats {
  let sum = 0;
  let sumSquares = 0;
  for (const x of values) {
    sum += x;
    sumSquares += x * x;
  }
  return { n: values.length, sum, sumSquares };
}

/** Σ metric / Σ members over the exposed population in the arm's world; a mixed arm weighs its variants. */
function trueMean(
  keys: readonly string[],
  mix: readonly number[],
  truth: Map<string, MemberLife[]>,
  population: ReadonlySet<number>,
  of: (l: MemberLife) => number,
): number {
  let total = 0;
  let weight = 0;
  keys.forEach((key, i) => {
    truth.get(key)!.forEach((life, index) => {
      if (!population.has(index)) return;
      total += mix[i]! * of(life);
      weight += mix[i]!;
    });
  });
  return weight > 0 ? total / weight : 0;
}

interface Observed {
  /** The member's position in the simulated list (the truth's lives are in the same order). */
  index: number;
  /** The keys of the experiments the app exposed the member to. */
  exposedTo: Set<string>;
  life: MemberLife;
}

/** customer id → the keys of the experiments the app exposed them to. */
async function exposuresByMember(db: PrismaClient, shop: string): Promise<Map<string, Set<string>>> {
  const rows = await db.$queryRaw<{ customerId: bigint; key: string }[]>`
    SELECT x."customerId", e."key" FROM "ExperimentExposure" x JOIN "Experiment" e ON e."id" = x."experimentId"
    WHERE x."shop" = ${shop}`;
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const id = String(r.customerId);
    out.set(id, (out.get(id) ?? new Set()).add(r.key));
  }
  return out;
}
